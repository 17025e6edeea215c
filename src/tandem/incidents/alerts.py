"""Overdue obligations: alert the incident's roles by e-mail once, and write it on the timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tandem.incidents import repository as repo
from tandem.incidents.models import Event, Participant
from tandem.platform.db.types import utcnow
from tandem.platform.mail import send_mail

ALERTED_ROLES = ("commander", "privacy_officer", "legal", "liaison")


def alert_overdue(session: Session, now: dt.datetime | None = None) -> dict[str, Any]:
    """Alert about every open obligation past its deadline not alerted yet (all units; a trusted job)."""
    now = now or utcnow()
    alerted, mailed = 0, 0
    for obligation, incident in repo.overdue(session, now):
        people = [p for p in repo.children(session, Participant, incident.id) if p.role in ALERTED_ROLES]
        late = now - obligation.due_at if obligation.due_at else dt.timedelta(0)
        subject = f"Overdue notification: {obligation.recipient_label} ({obligation.jurisdiction})"
        body = (
            f"Incident: {incident.title}\nObligation: {obligation.recipient_label} ({obligation.jurisdiction}), "
            f"{obligation.regime} — {obligation.citation}\nDue: {obligation.due_at:%Y-%m-%d %H:%M} UTC "
            f"(overdue by {int(late.total_seconds() // 3600)} h)\nPeople affected: {obligation.affected}\n\n"
            f"Record the notification (with evidence) or the reason it is not needed in the incident "
            f"workspace: /incidents/{incident.id}\n"
        )
        if send_mail(sorted({p.email for p in people if p.email}), subject.replace("\n", " "), body):
            mailed += 1
        obligation.alerted_at = now
        session.add(
            Event(
                incident_id=incident.id,
                kind="escalation",
                actor="tandem",
                occurred_at=now,
                summary=f"Overdue alert sent to {', '.join(p.name for p in people) or 'nobody (no roles)'}"
                f": {obligation.recipient_label} ({obligation.jurisdiction})",
            )
        )
        alerted += 1
    session.flush()
    return {"alerted": alerted, "mailed": mailed}
