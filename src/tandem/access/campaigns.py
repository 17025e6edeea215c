"""Access review campaigns: scope → items with reviewer and reasons, decisions, close with the non-response
policy, remediation tasks verified by the next import, progress per reviewer."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.access import actions, effective
from tandem.access import repository as repo
from tandem.access.models import Campaign, Entitlement, Identity, RemediationTask, ReviewItem
from tandem.access.schemas import CampaignCreate, DecisionIn
from tandem.access.units import check, require_in_unit
from tandem.platform.auth.models import User
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, InvalidInput, NotFound

INFO_FLAGS = frozenset({"privileged", "sensitive data"})
ACCOUNT_FLAGS = {
    "dormant": "dormant",
    "orphan": "orphan",
    "terminated_active": "terminated",
    "privileged_no_mfa": "privileged without MFA",
}


def risk_flags(item: ReviewItem) -> list[str]:
    """Return the flags that call the grant into question (privileged and sensitive data only describe it)."""
    return [f for f in item.flags if f not in INFO_FLAGS]


def get_campaign(session: Session, principal: Principal | None, campaign_id: uuid.UUID) -> Campaign:
    """Return a visible campaign."""
    obj = repo.AccessRepository(session, Campaign).get(principal, campaign_id)
    if obj is None:
        raise NotFound("access review campaign not found")
    return obj


def _scope_entitlements(session: Session, categories: list[str]) -> set[uuid.UUID] | None:
    if not categories:
        return None
    out: set[uuid.UUID] = set()
    for category in categories:
        try:
            _, stores = effective.resolve(session, None, category)
        except NotFound:
            raise InvalidInput.one("body.scope.data_categories", f"unknown data category {category!r}") from None
        links = repo.store_links(session, [s["id"] for s in stores])
        out |= {path[0].id for path, _, _ in effective.reverse_paths(session, links)}
    return out


class _Reviewers:
    """Picks each item's reviewer: the identity's manager, the entitlement owner or the data owner."""

    def __init__(self, session: Session, rule: str) -> None:
        self.rule = rule
        idents = list(session.scalars(select(Identity)))
        self.by_id = {i.id: i for i in idents}
        self.by_emp = {i.employee_id.lower(): i for i in idents}
        self.by_person = {i.person_id: i for i in idents if i.person_id}
        self.store_owner = {s[0]: s[3] for s in repo.stores(session, None)}
        self.session = session

    def pick(self, identity_id: uuid.UUID | None, ent: Any) -> Identity | None:
        """Return the reviewer identity for an item (None when the rule finds nobody)."""
        if self.rule == "manager":
            ident = self.by_id.get(identity_id) if identity_id else None
            return self.by_emp.get(ident.manager_employee_id.lower()) if ident and ident.manager_employee_id else None
        if self.rule == "data_owner":
            links = repo.links_of(self.session, [ent.id]).get(ent.id, [])
            for store, _ in links:
                owner = self.by_person.get(self.store_owner.get(store) or uuid.UUID(int=0))
                if owner is not None:
                    return owner
        return self.by_emp.get(ent.owner_employee_id.lower()) if ent.owner_employee_id else None


def _context(
    ident: Identity | None,
    account: Any,
    ent: Any,
    used: Any,
    findings: dict[Any, list[Any]],
    reaches: dict[uuid.UUID, list[str]],
) -> tuple[list[str], dict[str, Any]]:
    flags, reasons = [], []
    for f in findings.get(account.id, []):
        if f.kind in ACCOUNT_FLAGS:
            flags.append(ACCOUNT_FLAGS[f.kind])
            reasons.append(f.title)
    for f in findings.get((ident.id if ident else None, ent.id), []):
        flags.append("excessive")
        share = f.evidence.get("department_share")
        reasons.append(f"held by {share:.0%} of department peers" if share is not None else f.title)
    for f in findings.get(("sod", ident.id if ident else None), []):
        flags.append("SoD conflict")
        reasons.append(f.title)
    if ident is not None and ident.status == "terminated" and "terminated" not in flags:
        flags.append("terminated")
        reasons.append(f"{ident.display_name or ident.employee_id} is terminated")
    if account.identity_id is None and "orphan" not in flags:
        flags.append("uncorrelated")
    if ent.privileged or account.is_privileged:
        flags.append("privileged")
    if reaches.get(ent.id):
        flags.append("sensitive data")
    ctx = {
        "identity": ident.display_name if ident else None,
        "identity_status": ident.status if ident else None,
        "account": account.username or account.external_id,
        "entitlement": ent.name,
        "reasons": reasons,
        "last_used_at": used.isoformat() if used else None,
        "last_login_at": account.last_login_at.isoformat() if account.last_login_at else None,
        "reaches": reaches.get(ent.id, []),
    }
    return sorted(set(flags)), ctx


def _finding_index(session: Session) -> dict[Any, list[Any]]:
    out: dict[Any, list[Any]] = {}
    for f in repo.open_findings_for(session):
        if f.kind in ACCOUNT_FLAGS and f.account_id:
            out.setdefault(f.account_id, []).append(f)
        elif f.kind == "excessive":
            out.setdefault((f.identity_id, f.entitlement_id), []).append(f)
        elif f.kind == "sod":
            out.setdefault(("sod", f.identity_id), []).append(f)
    return out


def create_campaign(session: Session, principal: Principal | None, data: CampaignCreate) -> Campaign:
    """Start a campaign: one item per grant in scope, each with its reviewer and the reasons it is flagged."""
    require_in_unit(session, principal, data.org_unit_id, actions.REVIEW.name)
    if data.due_date <= dt.date.today():
        raise InvalidInput.one("body.due_date", "must be in the future")
    scope = data.scope.model_dump(mode="json")
    ents = _scope_entitlements(session, data.scope.data_categories)
    if data.scope.entitlement_ids:
        ents = set(data.scope.entitlement_ids) & ents if ents is not None else set(data.scope.entitlement_ids)
    who = principal.username if principal is not None else "console"
    campaign = repo.AccessRepository(session, Campaign).add(
        Campaign(**data.model_dump(exclude={"scope"}), scope=scope, created_by=who[:200])
    )
    grants = repo.scoped_grants(session, data.scope.system_ids, sorted(ents) if ents is not None else None)
    reviewers = _Reviewers(session, data.reviewer)
    findings = _finding_index(session)
    reach = _reaches(session, {e.id for _, e, _ in grants})
    for account, ent, used in grants:
        ident = reviewers.by_id.get(account.identity_id) if account.identity_id else None
        reviewer = reviewers.pick(account.identity_id, ent)
        flags, ctx = _context(ident, account, ent, used, findings, reach)
        label = f"{reviewer.display_name} ({data.reviewer.replace('_', ' ')})" if reviewer else "unassigned"
        session.add(
            ReviewItem(
                campaign_id=campaign.id,
                account_id=account.id,
                entitlement_id=ent.id,
                identity_id=account.identity_id,
                reviewer_id=reviewer.id if reviewer else None,
                reviewer_label=label[:300],
                flags=flags,
                context=ctx,
                org_unit_id=campaign.org_unit_id,
            )
        )
    session.flush()
    return campaign


def _reaches(session: Session, ent_ids: set[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """Return, per entitlement, the sensitive data stores it reaches directly or through what it includes."""
    names = {s[0]: (s[1], s[2]) for s in repo.stores(session, None)}
    links = repo.store_links(session, list(names))
    out: dict[uuid.UUID, list[str]] = {}
    for path, store, access in effective.reverse_paths(session, links):
        if path[0].id in ent_ids:
            name, cats = names[store]
            out.setdefault(path[0].id, []).append(f"{name} ({access}; {', '.join(cats) or 'uncategorised'})")
    return out


def items(session: Session, principal: Principal | None, campaign_id: uuid.UUID, **where: Any) -> list[ReviewItem]:
    """Return a campaign's items, optionally only one reviewer's or only pending ones."""
    campaign = get_campaign(session, principal, campaign_id)
    stmt = select(ReviewItem).where(ReviewItem.campaign_id == campaign.id)
    if where.get("reviewer_id"):
        stmt = stmt.where(ReviewItem.reviewer_id == where["reviewer_id"])
    if where.get("pending"):
        stmt = stmt.where(ReviewItem.decision == "")
    return list(session.scalars(stmt.order_by(ReviewItem.reviewer_label, ReviewItem.created_at, ReviewItem.id)))


def reviewer_identity(session: Session, principal: Principal | None) -> Identity | None:
    """Return the identity a signed-in user reviews as: the HR identity with the user's e-mail address."""
    if principal is None or principal.user_id is None:
        return None
    user = session.get(User, principal.user_id)
    return repo.identity_with_email(session, user.email) if user is not None else None


def decide(session: Session, principal: Principal | None, campaign_id: uuid.UUID, data: DecisionIn) -> list[ReviewItem]:
    """Record one decision for several items; keeping a flagged item needs a comment; revoke/reduce open tasks."""
    campaign = get_campaign(session, principal, campaign_id)
    check(session, principal, actions.REVIEW.name, campaign)
    if campaign.status != "active":
        raise Conflict("the campaign is closed")
    found = {
        i.id: i
        for i in session.scalars(
            select(ReviewItem).where(ReviewItem.campaign_id == campaign.id, ReviewItem.id.in_(data.item_ids))
        )
    }
    missing = [n for n, i in enumerate(data.item_ids) if i not in found]
    if missing:
        raise InvalidInput.one(f"body.item_ids.{missing[0]}", "no such item in this campaign")
    comment = data.comment.strip()
    if data.decision == "keep" and not comment:
        flagged = [n for n, i in enumerate(data.item_ids) if risk_flags(found[i])]
        if flagged:
            raise InvalidInput.one("body.comment", "keeping a flagged item needs a comment saying why")
    target = _reduce_target(session, data, [found[i] for i in data.item_ids])
    who = principal.username if principal is not None else "console"
    me = reviewer_identity(session, principal)
    for item in found.values():
        # Someone deciding another reviewer's item (an admin clearing a backlog) is recorded as doing so on behalf.
        behalf = item.reviewer_id is not None and (me is None or me.id != item.reviewer_id)
        label = f"{who} (on behalf of {item.reviewer_label})" if behalf and principal is not None else who
        _record(session, campaign, item, data.decision, comment, label, target)
    session.flush()
    return list(found.values())


def _reduce_target(session: Session, data: DecisionIn, chosen: list[ReviewItem]) -> uuid.UUID | None:
    """Return the validated target of a reduce decision: an entitlement of the same system as every chosen item's,
    not the item's own, not one that includes it (that would keep as much or more) and not privileged when the
    reviewed one is not."""
    where = "body.target_entitlement_id"
    if data.target_entitlement_id is None:
        return None
    if data.decision != "reduce":
        raise InvalidInput.one(where, "only a reduce decision names a target entitlement")
    ents = repo.by_ids(session, Entitlement, [data.target_entitlement_id, *(i.entitlement_id for i in chosen)])
    target = ents.get(data.target_entitlement_id)
    if target is None:
        raise InvalidInput.one(where, "no such entitlement")
    family = {(e.system_id, e.external_id): e for e in repo.entitlements_of(session, [target.system_id])}
    for n, item in enumerate(chosen):
        held = ents.get(item.entitlement_id)
        if held is None or held.system_id != target.system_id:
            raise InvalidInput.one(where, f"not an entitlement of the same system as item {n + 1}")
        if held.id == target.id:
            raise InvalidInput.one(where, f"is the entitlement item {n + 1} reviews; choose a lesser one")
        if held.id in _included(target, family):
            raise InvalidInput.one(where, f"includes the entitlement item {n + 1} reviews, so it is not lesser")
        if target.privileged and not held.privileged:
            raise InvalidInput.one(where, f"is privileged and the entitlement item {n + 1} reviews is not")
    return target.id


def entitlement_ref(session: Session, ref: str, where: str) -> uuid.UUID:
    """Return the id of the entitlement an id or "system:entitlement_id" names (located error otherwise)."""
    try:
        return uuid.UUID(ref)
    except ValueError:
        pass
    system, _, external = ref.partition(":")
    found = repo.entitlement_by_key(session, system.strip(), external.strip()) if external else None
    if found is None:
        raise InvalidInput.one(where, f"no entitlement {ref!r}; give its id or system:entitlement_id")
    return found.id


def _included(ent: Entitlement, family: dict[tuple[uuid.UUID, str], Entitlement]) -> set[uuid.UUID]:
    """Return the ids of the entitlements ent includes, directly or through others."""
    out: set[uuid.UUID] = set()
    todo = list(ent.includes or [])
    while todo:
        child = family.get((ent.system_id, todo.pop()))
        if child is not None and child.id not in out:
            out.add(child.id)
            todo.extend(child.includes or [])
    return out


def _record(
    session: Session, campaign: Campaign, item: ReviewItem, decision: str, comment: str, who: str,
    target: uuid.UUID | None = None,
) -> None:  # fmt: skip
    item.decision, item.comment, item.decided_by, item.decided_at = decision, comment, who[:200], utcnow()
    item.target_entitlement_id = target if decision == "reduce" else None
    task = session.scalars(select(RemediationTask).where(RemediationTask.item_id == item.id)).first()
    if decision in ("revoke", "reduce"):
        if task is None:
            session.add(
                RemediationTask(
                    item_id=item.id,
                    campaign_id=campaign.id,
                    account_id=item.account_id,
                    entitlement_id=item.entitlement_id,
                    action=decision,
                    target_entitlement_id=item.target_entitlement_id,
                    org_unit_id=campaign.org_unit_id,
                )
            )
        elif task.status == "open":
            task.action, task.target_entitlement_id = decision, item.target_entitlement_id
    elif task is not None and task.status == "open":
        session.delete(task)


def close_campaign(session: Session, principal: Principal | None, campaign_id: uuid.UUID) -> Campaign:
    """Close a campaign, applying the non-response policy to pending items (escalate or auto-revoke)."""
    campaign = get_campaign(session, principal, campaign_id)
    check(session, principal, actions.REVIEW.name, campaign)
    if campaign.status != "active":
        raise Conflict("the campaign is already closed")
    apply_non_response(session, campaign)
    campaign.status, campaign.closed_at = "closed", utcnow()
    session.flush()
    return campaign


def apply_non_response(session: Session, campaign: Campaign) -> int:
    """Escalate pending items to the reviewer's manager, or revoke them, as the campaign says; return how many."""
    pending = list(
        session.scalars(select(ReviewItem).where(ReviewItem.campaign_id == campaign.id, ReviewItem.decision == ""))
    )
    if campaign.non_response == "auto_revoke":
        for item in pending:
            _record(session, campaign, item, "revoke", "no response by the due date (auto-revoke)", "auto-revoke")
        return len(pending)
    idents = {i.id: i for i in session.scalars(select(Identity))}
    by_emp = {i.employee_id.lower(): i for i in idents.values()}
    for item in (i for i in pending if not i.escalated):
        reviewer = idents.get(item.reviewer_id) if item.reviewer_id else None
        boss = by_emp.get(reviewer.manager_employee_id.lower()) if reviewer and reviewer.manager_employee_id else None
        item.escalated = True
        if boss is not None:
            item.reviewer_id, item.reviewer_label = boss.id, f"{boss.display_name} (escalated)"[:300]
    return len(pending)


def status(session: Session, principal: Principal | None, campaign_id: uuid.UUID) -> dict[str, Any]:
    """Return progress overall and per reviewer, decisions, and remediation open vs verified."""
    rows = items(session, principal, campaign_id)
    per: dict[str, dict[str, Any]] = {}
    for item in rows:
        entry = per.setdefault(
            item.reviewer_label,
            {"reviewer": item.reviewer_label, "reviewer_id": item.reviewer_id, "total": 0, "decided": 0, "flagged": 0},
        )
        entry["total"] += 1
        entry["decided"] += bool(item.decision)
        entry["flagged"] += bool(item.flags)
    tasks = list(session.scalars(select(RemediationTask).where(RemediationTask.campaign_id == campaign_id)))
    decided = sum(1 for i in rows if i.decision)
    return {
        "total": len(rows),
        "decided": decided,
        "pending": len(rows) - decided,
        "progress": decided / len(rows) if rows else 1.0,
        "decisions": {d: sum(1 for i in rows if i.decision == d) for d in ("keep", "revoke", "reduce")},
        "escalated": sum(1 for i in rows if i.escalated),
        "reviewers": sorted(per.values(), key=lambda r: r["reviewer"]),
        "remediation": {
            "open": sum(t.status == "open" for t in tasks),
            "verified": sum(t.status == "verified" for t in tasks),
        },
    }


def tasks_of(session: Session, principal: Principal | None, campaign_id: uuid.UUID) -> list[RemediationTask]:
    """Return the campaign's remediation tasks."""
    get_campaign(session, principal, campaign_id)
    stmt = select(RemediationTask).where(RemediationTask.campaign_id == campaign_id)
    return list(session.scalars(stmt.order_by(RemediationTask.created_at)))
