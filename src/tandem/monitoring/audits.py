"""Network audit checklist rules: reusable checklists (a shipped template), audits of a scope, results per item;
a failed item raises a network finding keyed by (scope, checklist item), a later pass fixes it."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.compliance.evidence import service as evidence
from tandem.inventory import service as inventory
from tandem.monitoring import actions, issues
from tandem.monitoring import issues_repository as irepo
from tandem.monitoring.audit_models import AuditChecklist, AuditItemResult, NetworkAudit
from tandem.monitoring.models import NetworkIssue
from tandem.monitoring.repository import AuditRepository, ChecklistRepository
from tandem.monitoring.schemas import AuditCreate, AuditResultIn, AuditUpdate, ChecklistCreate
from tandem.platform.auth import service as auth
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import ListSpec, Page, PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, InvalidInput, NotFound

TEMPLATE_NAME = "Network security audit"
TEMPLATE = [
    ("firewall-rules", "Firewall rules reviewed", "Every allow rule has an owner, a reason and a review date within "
     "the last 12 months; any-any rules and rules for retired hosts are removed."),
    ("admin-interfaces", "Admin interfaces not exposed", "Management ports (SSH, RDP, web consoles, IPMI, SNMP) are "
     "reachable only from the admin network or VPN; check with an external scan."),
    ("backups-tested", "Backups tested", "A restore of network device configurations and critical servers was "
     "tested in the last 6 months; record the date and what was restored."),
    ("logging-enabled", "Logging enabled", "Firewalls, switches, VPN and DNS send logs to the central log store, "
     "with clocks synchronised (NTP) and at least 90 days retained."),
    ("default-credentials", "No default credentials", "No device uses vendor default accounts or passwords."),
    ("firmware-current", "Firmware current", "Network devices run supported firmware with security patches applied."),
    ("segmentation", "Network segmentation", "Guest, IoT, server and admin networks are separated; inter-zone traffic "
     "is filtered."),
    ("remote-access-mfa", "Remote access uses MFA", "VPN and remote administration require multi-factor "
     "authentication."),
]  # fmt: skip
CHECKLIST_SPEC = ListSpec(sort_fields=("name", "created_at"), default_sort="name", search_fields=("name",))
AUDIT_SPEC = ListSpec(sort_fields=("due_on", "created_at", "title"), default_sort="created_at",
                      filter_fields=("status", "checklist_id"), search_fields=("title",))  # fmt: skip


class _InUnit:
    def __init__(self, org_unit_id: uuid.UUID) -> None:
        self.org_unit_id = org_unit_id


def editable_unit(session: Session, principal: Principal, unit_id: uuid.UUID | None) -> uuid.UUID:
    """Return the unit (default: the root) after checking the principal may edit monitoring records in it."""
    unit = unit_id or (auth.root_unit(session).id if auth.root_unit(session) else None)  # type: ignore[union-attr]
    if unit is None:
        raise Conflict("create the organisation first")
    require(session, principal, actions.EDIT.name, _InUnit(unit))
    return unit


def create_checklist(session: Session, principal: Principal, data: ChecklistCreate) -> AuditChecklist:
    """Create a reusable checklist; item keys must be unique."""
    unit = editable_unit(session, principal, data.org_unit_id)
    keys = [i.key for i in data.items]
    if not keys:
        raise InvalidInput.one("body.items", "a checklist needs at least one item")
    dup = next((k for k in keys if keys.count(k) > 1), None)
    if dup:
        raise InvalidInput.one("body.items", f"item key {dup} is used twice")
    exists = select(AuditChecklist.id).where(AuditChecklist.org_unit_id == unit, AuditChecklist.name == data.name)
    if session.scalar(exists) is not None:
        raise Conflict(f"a checklist named {data.name} already exists in this unit")
    row = AuditChecklist(name=data.name, description=data.description, org_unit_id=unit,
                         items=[i.model_dump() for i in data.items])  # fmt: skip
    return ChecklistRepository(session).add(row)


def install_template(session: Session, principal: Principal, unit_id: uuid.UUID | None = None) -> AuditChecklist:
    """Create the shipped "Network security audit" checklist in the unit (or return it if it exists)."""
    unit = editable_unit(session, principal, unit_id)
    stmt = select(AuditChecklist).where(AuditChecklist.org_unit_id == unit, AuditChecklist.name == TEMPLATE_NAME)
    found = session.scalars(stmt).first()
    if found is not None:
        return found
    items = [{"key": k, "text": t, "guidance": g} for k, t, g in TEMPLATE]
    about = "Tandem's template: review yearly and after major network changes"
    data = ChecklistCreate.model_validate(
        {"name": TEMPLATE_NAME, "items": items, "org_unit_id": unit, "description": about}
    )
    return create_checklist(session, principal, data)


def list_checklists(session: Session, principal: Principal, req: PageRequest) -> Page[AuditChecklist]:
    """List visible checklists."""
    require(session, principal, actions.VIEW.name)
    r = ChecklistRepository(session)
    return r.page(r.base_query(principal), req)


def get_checklist(session: Session, principal: Principal, checklist_id: uuid.UUID) -> AuditChecklist:
    """Return a visible checklist."""
    found = ChecklistRepository(session).get(principal, checklist_id)
    if found is None:
        raise NotFound("checklist not found")
    return found


def _scope_assets(session: Session, principal: Principal, asset_ids: list[uuid.UUID]) -> list[str]:
    kind = inventory.kind_of("asset")
    for n, asset_id in enumerate(asset_ids):
        try:
            inventory.get_record(session, principal, kind, asset_id)
        except NotFound:
            raise InvalidInput.one(f"body.asset_ids.{n}", "no such asset") from None
    return sorted(str(a) for a in set(asset_ids))


def _assignee(session: Session, username: str) -> uuid.UUID | None:
    if not username:
        return None
    user = auth.find_user(session, username)
    if user is None:
        raise InvalidInput.one("body.assignee", "no such user")
    return user.id


def create_audit(session: Session, principal: Principal, data: AuditCreate) -> NetworkAudit:
    """Schedule an audit of a checklist over an org unit (optionally some of its assets), assigned to a user."""
    checklist = get_checklist(session, principal, data.checklist_id)
    unit = editable_unit(session, principal, data.org_unit_id or checklist.org_unit_id)
    assets = _scope_assets(session, principal, data.asset_ids)
    assignee = _assignee(session, data.assignee)
    title = data.title or f"{checklist.name} {utcnow():%Y-%m-%d}"
    row = NetworkAudit(checklist_id=checklist.id, title=title[:200], org_unit_id=unit, assignee_id=assignee,
                       asset_ids=assets, due_on=data.due_on)  # fmt: skip
    return AuditRepository(session).add(row)


def list_audits(session: Session, principal: Principal, req: PageRequest) -> Page[NetworkAudit]:
    """List visible audits."""
    require(session, principal, actions.VIEW.name)
    r = AuditRepository(session)
    return r.page(r.base_query(principal), req)


def get_audit(session: Session, principal: Principal, audit_id: uuid.UUID) -> NetworkAudit:
    """Return a visible audit."""
    found = AuditRepository(session).get(principal, audit_id)
    if found is None:
        raise NotFound("audit not found")
    return found


def _editable(session: Session, principal: Principal, audit_id: uuid.UUID) -> NetworkAudit:
    audit = get_audit(session, principal, audit_id)
    require(session, principal, actions.EDIT.name, audit)
    return audit


def update_audit(session: Session, principal: Principal, audit_id: uuid.UUID, data: AuditUpdate) -> NetworkAudit:
    """Edit an audit's title, scope, assignee, due date or status (cancelled, or back to planned). The scope is
    fixed once a result is recorded: its findings are keyed by it."""
    audit = _editable(session, principal, audit_id)
    given = data.model_fields_set
    recorded = {r.item_key for r in audit_results(session, principal, audit.id)}
    unit = data.org_unit_id if "org_unit_id" in given and data.org_unit_id else audit.org_unit_id
    assets = _scope_assets(session, principal, data.asset_ids) if data.asset_ids is not None else audit.asset_ids
    if (unit, assets) != (audit.org_unit_id, audit.asset_ids):
        if recorded:
            where = "body.asset_ids" if assets != audit.asset_ids else "body.org_unit_id"
            raise InvalidInput.one(where, "the scope cannot change once results are recorded (its findings are "
                                   "keyed by it): schedule a new audit instead")  # fmt: skip
        audit.org_unit_id, audit.asset_ids = editable_unit(session, principal, unit), assets
    if data.title is not None:
        audit.title = data.title
    if "assignee" in given:
        audit.assignee_id = _assignee(session, data.assignee or "")
    if "due_on" in given:
        audit.due_on = data.due_on
    if data.status is not None:
        if data.status == "completed":
            checklist = session.get(AuditChecklist, audit.checklist_id)
            missing = [i["key"] for i in (checklist.items if checklist else []) if i["key"] not in recorded]
            if missing:
                raise InvalidInput.one("body.status", f"record every item first; not yet: {', '.join(missing)}")
        audit.status = data.status
    session.flush()
    return audit


def delete_audit(session: Session, principal: Principal, audit_id: uuid.UUID) -> None:
    """Delete an audit nobody recorded a result in; one with results can only be cancelled (its evidence stays)."""
    audit = _editable(session, principal, audit_id)
    if audit_results(session, principal, audit.id):
        raise Conflict("this audit has recorded results: cancel it instead, so its evidence and findings keep "
                       "their history")  # fmt: skip
    AuditRepository(session).delete(audit)


def audit_results(session: Session, principal: Principal, audit_id: uuid.UUID) -> list[AuditItemResult]:
    """Return a visible audit's recorded results."""
    audit = get_audit(session, principal, audit_id)
    stmt = select(AuditItemResult).where(AuditItemResult.audit_id == audit.id).order_by(AuditItemResult.item_key)
    return list(session.scalars(stmt))


def audit_key(audit: NetworkAudit, item_key: str) -> str:
    """Return the finding key of a checklist item over the audit's scope (stable across audits of that scope)."""
    scope = f"assets:{','.join(audit.asset_ids)}" if audit.asset_ids else f"unit:{audit.org_unit_id}"
    return f"{scope}|audit:{audit.checklist_id}/{item_key}|checklist"[:600]


def record_result(
    session: Session, principal: Principal, audit_id: uuid.UUID, data: AuditResultIn,
    file: tuple[bytes, str] | None = None,
) -> AuditItemResult:  # fmt: skip
    """Record (or correct) one item's result with a note and evidence; a fail raises a network finding."""
    audit = _editable(session, principal, audit_id)
    if audit.status == "cancelled":
        raise Conflict("this audit is cancelled: set it back to planned to record results")
    checklist = session.get(AuditChecklist, audit.checklist_id)
    items = {i["key"]: i for i in (checklist.items if checklist else [])}
    if data.item_key not in items:
        raise InvalidInput.one("body.item_key", f"not an item of this checklist ({', '.join(items)})")
    if data.evidence_link and not data.evidence_link.startswith(("https://", "http://")):
        raise InvalidInput.one("body.evidence_link", "must be an http(s) link")
    if data.result == "fail" and not data.note:
        raise InvalidInput.one("body.note", "say what failed")
    evidence_id = None
    if file is not None:
        # Stored by compliance's evidence store (type sniffing, size limit, SHA-256); the permission checked is ours.
        stored = evidence.upload_evidence(session, None, file[0], file[1], {
            "org_unit_id": audit.org_unit_id, "title": f"{audit.title}: {items[data.item_key]['text']}"[:300],
            "note": data.note})  # fmt: skip
        evidence_id = stored.id
    row = session.scalars(select(AuditItemResult).where(AuditItemResult.audit_id == audit.id,
                                                        AuditItemResult.item_key == data.item_key)).first()  # fmt: skip
    if row is None:
        row = AuditItemResult(audit_id=audit.id, item_key=data.item_key, org_unit_id=audit.org_unit_id)
        session.add(row)
    row.result, row.note, row.evidence_link = data.result, data.note, data.evidence_link
    row.evidence_id = evidence_id or row.evidence_id
    row.recorded_by, row.recorded_at = principal.username, utcnow()
    session.flush()
    _track_issue(session, audit, checklist.name if checklist else "", items[data.item_key], data, principal.username)
    done = {r.item_key for r in audit_results(session, principal, audit.id)}
    audit.status = "completed" if set(items) <= done else "in_progress"
    session.flush()
    return row


def _track_issue(session: Session, audit: NetworkAudit, name: str, item: dict[str, Any], data: AuditResultIn,
                 who: str) -> None:  # fmt: skip
    key, now = audit_key(audit, item["key"]), utcnow()
    issue = irepo.by_keys(session, audit.org_unit_id, [key]).get(key)
    if data.result != "fail":
        if issue is not None and issues.effective_status(issue, now) in ("open", "accepted"):
            issue.fixed_at = now
            issues.set_status(issue, "fixed", f"passed in audit {audit.title}", who, now)
        return
    detail = f"{name}: {item['text']} failed in audit {audit.title}: {data.note}"
    if issue is None:
        single = uuid.UUID(audit.asset_ids[0]) if len(audit.asset_ids) == 1 else None
        scope = f"{len(audit.asset_ids)} assets" if audit.asset_ids else "org unit"
        session.add(NetworkIssue(
            key=key, source="audit", org_unit_id=audit.org_unit_id, asset_id=single, host=scope,
            rule=f"audit:{item['key']}"[:100], component=f"checklist {name}"[:200], severity="medium", detail=detail,
            cves=[], first_seen_at=now, last_seen_at=now, occurrences=1, status="open",
            priority=issues.priority("open", "medium"), regressed=False, status_reason="", status_by="",
        ))  # fmt: skip
        return
    issue.occurrences, issue.last_seen_at, issue.detail = issue.occurrences + 1, now, detail
    if issue.status == "fixed":
        issue.regressed = True
        issues.set_status(issue, "open", f"failed again in audit {audit.title}", who, now)
