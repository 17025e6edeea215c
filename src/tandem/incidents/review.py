"""The post-incident review, generated at "stable" from the timeline; its follow-ups become tasks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tandem.incidents import repository as repo
from tandem.incidents.common import actor_of
from tandem.incidents.models import Event, Incident, Obligation, Task
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow

FOLLOW_UPS = (
    "Hold the review meeting with every participant; record what went well and what did not",
    "Turn each control that failed into a risk treatment or a remediation task",
    "Update the playbook of this incident type with what was learned",
)


def _hours(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 3600, 1)


def summary(session: Session, incident: Incident) -> dict[str, Any]:
    """Return the review's content: what happened, the times, the decisions, obligations and open work."""
    events = repo.timeline(session, incident.id)
    first_detection = next((e.occurred_at for e in events if e.kind == "detection"), incident.discovered_at)
    tasks = repo.children(session, Task, incident.id)
    obligations = repo.children(session, Obligation, incident.id)
    return {
        "generated_at": utcnow().isoformat(),
        "what_happened": [
            f"{e.occurred_at:%Y-%m-%d %H:%M} {e.kind}: {e.summary}"
            for e in events
            if e.kind in ("detection", "escalation", "containment", "decision", "notification_sent", "status", "note")
        ][:200],
        "hours_to_report": _hours(first_detection, incident.reported_at),
        "hours_to_contain": _hours(first_detection, incident.contained_at),
        "hours_to_stable": _hours(first_detection, incident.stable_at or utcnow()),
        "decisions": [e.summary for e in events if e.kind == "decision"],
        "obligations": [
            {
                "recipient": o.recipient_label,
                "jurisdiction": o.jurisdiction,
                "status": o.status,
                "due_at": o.due_at.isoformat() if o.due_at else None,
                "sent_at": o.sent_at.isoformat() if o.sent_at else None,
                "on_time": bool(o.sent_at and (o.due_at is None or o.sent_at <= o.due_at)),
            }
            for o in obligations
            if o.status != "withdrawn"
        ],
        "open_tasks": [t.title for t in tasks if t.status == "open"],
        "follow_ups": list(FOLLOW_UPS),
    }


def generate(session: Session, principal: Principal | None, incident: Incident) -> dict[str, Any]:
    """Write the review onto the incident and add its follow-up tasks (owned by the commander, due in 14 days)."""
    incident.review = summary(session, incident)
    due = utcnow() + dt.timedelta(days=14)
    for title in FOLLOW_UPS:
        session.add(Task(incident_id=incident.id, title=title, owner_role="commander", source="review", due_at=due))
    session.add(
        Event(
            incident_id=incident.id,
            kind="review",
            actor=actor_of(principal),
            summary=f"Post-incident review generated with {len(FOLLOW_UPS)} follow-up tasks",
        )
    )
    session.flush()
    return incident.review
