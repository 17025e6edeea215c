"""Risk accepted because not funded: the rejected initiatives' risk reduction, sent to the risk register."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Principal
from tandem.platform.errors import Conflict, InvalidInput, NotFound
from tandem.risk import service as risk_service
from tandem.risk.schemas import Acceptance, TreatmentCreate
from tandem.strategy import actions, decisions, planning
from tandem.strategy.common import check
from tandem.strategy.schemas import AcceptUnfunded, DecisionCreate


def unfunded(session: Session, principal: Principal | None, plan_id: uuid.UUID) -> list[dict[str, Any]]:
    """Return the rejected initiatives that would have reduced risk, with the scenarios they would have treated."""
    plan = planning.get_plan(session, principal, plan_id)
    out = []
    for r in plan.result.get("rejections", []):
        if r.get("risk", 0) <= 0:
            continue
        scenarios = []
        for sid in r.get("scenarios", []):
            try:
                scenarios.append(risk_service.get_scenario(session, principal, uuid.UUID(sid)))
            except NotFound:
                continue
        out.append({**r, "scenario_titles": [s.title for s in scenarios], "scenario_ids": [s.id for s in scenarios]})
    return out


def accept_unfunded(
    session: Session, principal: Principal | None, plan_id: uuid.UUID, data: AcceptUnfunded, who: str
) -> dict[str, Any]:
    """Record each unfunded risk as an accepted 'accept' treatment (CISO) and log the joint decision."""
    plan = planning.get_plan(session, principal, plan_id)
    check(session, principal, actions.APPROVE.name, plan)
    items = unfunded(session, principal, plan_id)
    if data.initiative_ids is not None:
        wanted = {str(i) for i in data.initiative_ids}
        items = [i for i in items if i["id"] in wanted]
    if not items:
        raise InvalidInput.one("body.initiative_ids", "no unfunded risk reduction to accept in this plan")
    accepted = []
    for item in items:
        for sid, title in zip(item["scenario_ids"], item["scenario_titles"], strict=True):
            treatment = risk_service.create_treatment(session, principal, TreatmentCreate(
                scenario_id=sid, kind="accept", title=f"Accepted because not funded: {item['title']}"[:300],
                description=f"Plan “{plan.name}” did not fund it: {'; '.join(item['reasons'])}"[:20_000],
                initiatives=[item["title"][:200]]))  # fmt: skip
            try:
                risk_service.accept(session, principal, treatment.id, Acceptance(reason=data.reason, until=data.until),
                                  who)  # fmt: skip
            except Conflict:
                continue
            accepted.append({"scenario": title, "initiative": item["title"], "treatment_id": str(treatment.id)})
    decision = decisions.create_decision(session, principal, DecisionCreate(
        kind="risk_acceptance", question=f"Accept the risk left by the unfunded items of “{plan.name}”?",
        options=["accept until " + data.until.isoformat(), "fund them"], decision="accept", rationale=data.reason,
        touches_security=True, subject_type="strategy_plan", subject_id=plan.id,
        org_unit_id=plan.org_unit_id))  # fmt: skip
    return {"accepted": accepted, "decision_id": str(decision.id)}
