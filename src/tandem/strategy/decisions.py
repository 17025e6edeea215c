"""The joint decision log: questions, options, decisions, rationale; CIO and CISO sign-offs (audited).

Who must sign: a plan needs both; a decision that touches security needs the CISO (the final word on protecting
data); any other decision needs the CIO (who owns the business alignment). One refusal rejects the decision.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, NotFound, PermissionDenied
from tandem.strategy import actions
from tandem.strategy import repository as repo
from tandem.strategy.common import check, require_in_unit
from tandem.strategy.models import Approval, Decision, Plan
from tandem.strategy.repository import StrategyRepository
from tandem.strategy.schemas import ApprovalCreate, DecisionCreate, DecisionRead, DecisionUpdate

SIGNERS = ("cio", "ciso")


def required(decision: Decision) -> list[str]:
    """Return the roles whose approval the decision needs."""
    if decision.kind == "plan_approval":
        return ["cio", "ciso"]
    return ["ciso"] if decision.touches_security else ["cio"]


def get_decision(session: Session, principal: Principal | None, decision_id: uuid.UUID) -> Decision:
    """Return a decision principal may see."""
    found = StrategyRepository(session, Decision).get(principal, decision_id)
    if found is None:
        raise NotFound("decision not found")
    return found


def list_decisions(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the decisions principal may see, newest first."""
    require(session, principal, actions.VIEW.name)
    return StrategyRepository(session, Decision).list_page(principal, req)


def create_decision(session: Session, principal: Principal | None, data: DecisionCreate) -> Decision:
    """Log a decision awaiting its sign-offs."""
    require_in_unit(session, principal, data.org_unit_id, actions.EDIT.name)
    values = data.model_dump()
    if data.kind in ("plan_approval", "risk_acceptance"):
        values["touches_security"] = True
    return StrategyRepository(session, Decision).add(Decision(**values, status="open"))


def update_decision(
    session: Session, principal: Principal | None, decision_id: uuid.UUID, data: DecisionUpdate
) -> Decision:
    """Change an open decision (a signed one is the record and stays as signed)."""
    decision = get_decision(session, principal, decision_id)
    check(session, principal, actions.EDIT.name, decision)
    if decision.status != "open":
        raise Conflict(f"the decision is {decision.status}; log a new one instead")
    for key, value in data.model_dump(exclude_unset=True).items():
        if value is not None or key == "decided_on":
            setattr(decision, key, value)
    if decision.kind in ("plan_approval", "risk_acceptance"):
        decision.touches_security = True
    session.flush()
    return decision


def delete_decision(session: Session, principal: Principal | None, decision_id: uuid.UUID) -> None:
    """Delete an open decision (signed ones are kept)."""
    decision = get_decision(session, principal, decision_id)
    check(session, principal, actions.EDIT.name, decision)
    if decision.status != "open":
        raise Conflict("a signed decision is part of the record and cannot be deleted")
    StrategyRepository(session, Decision).delete(decision)


def _signer_role(principal: Principal | None, decision: Decision, role: str | None) -> str:
    """Return the role the principal signs as: the CIO or the CISO (a system caller names it)."""
    if principal is None:
        if role not in SIGNERS:
            raise PermissionDenied("only the CIO or the CISO sign decisions")
        return str(role)
    held = [r for r in SIGNERS if r in principal.roles]
    needed = [r for r in held if r in required(decision)]
    if not held:
        raise PermissionDenied("only the CIO or the CISO sign decisions")
    return (needed or held)[0]


def sign(
    session: Session, principal: Principal | None, decision_id: uuid.UUID, data: ApprovalCreate,
    role: str | None = None,
) -> Decision:  # fmt: skip
    """Record a sign-off or refusal; the decision closes when every required role approved, or one refused."""
    decision = get_decision(session, principal, decision_id)
    check(session, principal, actions.APPROVE.name, decision)
    locked = StrategyRepository(session, Decision).get_for_update(decision.id)
    if locked is None:
        raise NotFound("decision not found")
    if locked.status != "open":
        raise Conflict(f"the decision is already {locked.status}")
    who = _signer_role(principal, locked, role)
    if any(a.role == who for a in repo.approvals_of(session, [locked.id])[locked.id]):
        raise Conflict(f"the {who.upper()} has already signed this decision")
    username = principal.username if principal else who
    session.add(Approval(decision_id=locked.id, role=who, username=username, verdict=data.verdict,
                         comment=data.comment))  # fmt: skip
    session.flush()
    _settle(session, locked, username)
    return locked


def _settle(session: Session, decision: Decision, username: str) -> None:
    votes = {a.role: a.verdict for a in repo.approvals_of(session, [decision.id])[decision.id]}
    if "reject" in votes.values():
        decision.status = "rejected"
    elif all(votes.get(r) == "approve" for r in required(decision)):
        decision.status = "approved"
    else:
        return
    decision.decided_by = ", ".join(f"{r.upper()} ({v})" for r, v in sorted(votes.items()))
    decision.decided_on = utcnow().date()
    if decision.kind == "plan_approval" and decision.subject_id is not None:
        plan = session.get(Plan, decision.subject_id)
        if plan is not None:
            plan.approval = decision.status
    session.flush()


def request_plan_approval(session: Session, principal: Principal | None, plan_id: uuid.UUID) -> Decision:
    """Open the joint CIO + CISO approval of a plan, with λ, the budget and the result in the question."""
    from tandem.strategy.planning import get_plan

    plan = get_plan(session, principal, plan_id)
    check(session, principal, actions.PLAN.name, plan)
    if plan.status != "succeeded":
        raise Conflict("only a finished plan can be approved")
    if plan.approval in ("pending", "approved"):
        raise Conflict(f"the plan is already {plan.approval}")
    res = plan.result
    totals = res.get("totals", {})
    question = (f"Approve “{plan.name}”: {len(res.get('starts', {}))} initiatives, spend "
                f"{totals.get('spend', 0):,.0f} {res.get('currency', '')}, business value "
                f"{totals.get('value', 0):,.0f}, risk reduction {totals.get('risk_reduction', 0):,.0f}/yr "
                f"(λ {res.get('lam')}; {res.get('describe', '')})")  # fmt: skip
    decision = create_decision(session, principal, DecisionCreate(
        kind="plan_approval", question=question, options=["approve", "reject"], touches_security=True,
        subject_type="strategy_plan", subject_id=plan.id, org_unit_id=plan.org_unit_id))  # fmt: skip
    plan.approval = "pending"
    session.flush()
    return decision


def to_read(session: Session, decision: Decision) -> DecisionRead:
    """Return the output schema with the sign-offs and who still has to sign."""
    out = DecisionRead.model_validate(decision)
    rows = repo.approvals_of(session, [decision.id])[decision.id]
    out.approvals = [{"role": a.role, "username": a.username, "verdict": a.verdict, "comment": a.comment,
                      "at": a.created_at.isoformat()} for a in rows]  # fmt: skip
    out.required = required(decision)
    return out
