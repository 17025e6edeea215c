"""Incident rules: open, rate and move through the lifecycle; facts re-evaluate the obligations; every change
writes the timeline."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.incidents import actions, assessment, playbooks, review
from tandem.incidents import repository as repo
from tandem.incidents.common import actor_of, check, require_in_unit
from tandem.incidents.models import Event, Incident, Obligation
from tandem.incidents.repository import IncidentRepository
from tandem.incidents.schemas import Decision, EventIn, IncidentCreate, IncidentRead, IncidentUpdate, ObligationUpdate
from tandem.incidents.vocab import STATUSES, TYPES
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput, NotFound

__all__ = ["get_incident", "list_incidents", "open_incident", "to_read", "update_incident", "visible_incidents"]
FACTS = (
    "discovered_at",
    "aware_at",
    "determined_at",
    "materiality_determined_at",
    "personal_data",
    "breach_types",
    "sectors",
    "eu_establishment",
    "gdpr_risk",
    "hipaa_low_probability",
    "significant_incident",
    "material",
    "notification_incident",
)
NULLABLE = {"aware_at", "determined_at", "materiality_determined_at"}
PLAIN = ("title", "description", "severity", "priority", "resolution")
STAMPS = {"contained": "contained_at", "stable": "stable_at", "closed": "closed_at"}


def get_incident(session: Session, principal: Principal | None, incident_id: uuid.UUID) -> Incident:
    """Return an incident principal may see."""
    obj = IncidentRepository(session).get(principal, incident_id)
    if obj is None:
        raise NotFound("incident not found")
    return obj


def list_incidents(session: Session, principal: Principal, req: PageRequest) -> Page[Incident]:
    """List the incidents principal may see, with filters and search."""
    require(session, principal, actions.VIEW.name)
    try:
        return IncidentRepository(session).list_page(principal, req)
    except ValueError:
        raise InvalidInput.one("query", "a filter value has the wrong type") from None


def visible_incidents(session: Session, principal: Principal | None, filters: dict[str, Any]) -> list[Incident]:
    """Return every visible incident matching exact filters, newest first (register, workspace lists)."""
    if principal is not None:
        require(session, principal, actions.VIEW.name)
    stmt = IncidentRepository(session).filtered(principal, filters).order_by(Incident.discovered_at.desc())
    return list(session.scalars(stmt))


def record(
    session: Session,
    incident: Incident,
    kind: str,
    summary: str,
    principal: Principal | None,
    details: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> Event:
    """Write a timeline entry."""
    event = Event(
        incident_id=incident.id,
        kind=kind,
        summary=summary[:5000],
        details=details or {},
        actor=actor_of(principal),
        occurred_at=at or utcnow(),
    )
    session.add(event)
    session.flush()
    return event


def open_incident(session: Session, principal: Principal | None, data: IncidentCreate) -> Incident:
    """Open an incident: timeline entry, the type's playbook tasks, a first assessment."""
    require_in_unit(session, principal, data.org_unit_id, actions.EDIT.name)
    now = utcnow()
    values = data.model_dump()
    values["discovered_at"] = values["discovered_at"] or now
    if values["aware_at"] is not None and values["aware_at"] < values["discovered_at"]:
        raise InvalidInput.one("body.aware_at", "must not be before discovered_at")
    incident = IncidentRepository(session).add(Incident(**values, reported_at=now))
    record(session, incident, "reported", f"Reported: {incident.title} ({TYPES[incident.type]})", principal)
    record(session, incident, "detection", "Discovered", principal, at=incident.discovered_at)
    playbooks.instantiate(session, principal, incident)
    assessment.reassess(session, principal, incident, "opened")
    return incident


def _check_status(current: str, new: str) -> None:
    old, nxt = STATUSES.index(current), STATUSES.index(new)
    if nxt < old - 1:
        raise InvalidInput.one("body.status", f"cannot go back from {current} to {new} (one step back at most)")


def update_incident(
    session: Session, principal: Principal | None, incident_id: uuid.UUID, data: IncidentUpdate
) -> Incident:
    """Change an incident; fact changes re-evaluate the obligations, status changes stamp the lifecycle."""
    incident = get_incident(session, principal, incident_id)
    check(session, principal, actions.EDIT.name, incident)
    patch = data.model_dump(exclude_unset=True)
    changed_facts = {
        k: v for k, v in patch.items() if k in FACTS and (v is not None or k in NULLABLE) and getattr(incident, k) != v
    }
    for key in PLAIN:
        if patch.get(key) is not None and getattr(incident, key) != patch[key]:
            setattr(incident, key, patch[key])
    for key, value in changed_facts.items():
        setattr(incident, key, value)
    if changed_facts:
        shown = ", ".join(f"{k}={_show(v)}" for k, v in changed_facts.items())
        record(
            session,
            incident,
            "facts",
            f"Facts changed: {shown}",
            principal,
            {k: _show(v) for k, v in changed_facts.items()},
        )
        assessment.reassess(session, principal, incident, "facts changed")
    if patch.get("type") and patch["type"] != incident.type:
        incident.type = patch["type"]
        record(session, incident, "escalation", f"Type set to {TYPES[incident.type]}", principal)
        playbooks.instantiate(session, principal, incident)
    if patch.get("status") and patch["status"] != incident.status:
        _move(session, principal, incident, patch["status"])
    session.flush()
    return incident


def _show(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _move(session: Session, principal: Principal | None, incident: Incident, status: str) -> None:
    _check_status(incident.status, status)
    old, incident.status = incident.status, status
    stamp = STAMPS.get(status)
    if stamp and getattr(incident, stamp) is None:
        setattr(incident, stamp, utcnow())
    kind = "containment" if status == "contained" else "status"
    record(session, incident, kind, f"Status {old} → {status}", principal, {"from": old, "to": status})
    if status == "stable" and incident.review is None:
        review.generate(session, principal, incident)


def delete_incident(session: Session, principal: Principal | None, incident_id: uuid.UUID) -> None:
    """Delete an incident opened by mistake (its children go with it)."""
    incident = get_incident(session, principal, incident_id)
    check(session, principal, actions.EDIT.name, incident)
    if incident.notification_decision == "notify" or any(
        o.status == "sent" for o in repo.children(session, Obligation, incident.id)
    ):
        raise InvalidInput.one("incident", "a notified incident stays in the breach register; close it instead")
    IncidentRepository(session).delete(incident)


def decide(session: Session, principal: Principal | None, incident_id: uuid.UUID, data: Decision) -> Incident:
    """Record the notify / not-notify decision with its rationale (the breach register, GDPR 33(5))."""
    incident = get_incident(session, principal, incident_id)
    check(session, principal, actions.DECIDE.name, incident)
    incident.notification_decision, incident.decision_rationale = data.decision, data.rationale
    record(session, incident, "decision", f"Decision: {data.decision.replace('_', ' ')} — {data.rationale}", principal)
    return incident


def add_event(session: Session, principal: Principal | None, incident_id: uuid.UUID, data: EventIn) -> Event:
    """Add a timeline entry (detection, escalation, decision, containment, notification, note)."""
    incident = get_incident(session, principal, incident_id)
    check(session, principal, actions.EDIT.name, incident)
    return record(session, incident, data.kind, data.summary, principal, at=data.occurred_at)


def update_obligation(
    session: Session,
    principal: Principal | None,
    incident_id: uuid.UUID,
    obligation_id: uuid.UUID,
    data: ObligationUpdate,
) -> Obligation:
    """Mark an obligation sent (with evidence), waived (with a reason) or open again."""
    incident = get_incident(session, principal, incident_id)
    check(session, principal, actions.EDIT.name, incident)
    row = repo.child(session, Obligation, incident.id, obligation_id)
    if row is None:
        raise NotFound("obligation not found")
    if data.status in ("sent", "waived") and not data.evidence.strip():
        what = "what was sent, how and to whom" if data.status == "sent" else "why it is not needed"
        raise InvalidInput.one("body.evidence", f"say {what}")
    row.status, row.evidence = data.status, data.evidence
    row.sent_at = (data.sent_at or utcnow()) if data.status == "sent" else None
    kind = "notification_sent" if data.status == "sent" else "decision"
    record(
        session,
        incident,
        kind,
        f"{row.recipient_label} ({row.jurisdiction}): {data.status}{f' — {data.evidence}' if data.evidence else ''}",
        principal,
        {"obligation_id": str(row.id)},
    )
    incident.earliest_due_at = assessment.earliest_open_due(session, incident.id)
    return row


def to_read(incident: Incident) -> IncidentRead:
    """Return the output schema."""
    return IncidentRead.model_validate(incident)


__all__ += ["check", "require_in_unit"]


def validate(model: Any, data: dict[str, Any]) -> Any:
    """Validate input for a non-HTTP caller (CLI), with located errors."""
    from pydantic import ValidationError

    from tandem.platform.errors import FieldError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput([FieldError(".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()]) from None
