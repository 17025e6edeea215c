"""The breach register (GDPR 33(5)) and the assessment views: every incident, notified or not, with the
decision, its rationale, the obligations and what the rules decided not to require."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tandem.incidents import repository as repo
from tandem.incidents import service
from tandem.incidents.assessment import countdown
from tandem.incidents.models import Incident, Obligation, Population
from tandem.incidents.schemas import ObligationRead
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow

FAR = "9999"


def obligations(session: Session, incident: Incident, include_withdrawn: bool = False) -> list[Obligation]:
    """Return the obligations, earliest deadline first, ASAP ones next, withdrawn last."""
    rows = repo.children(session, Obligation, incident.id)
    if not include_withdrawn:
        rows = [o for o in rows if o.status != "withdrawn"]
    return sorted(
        rows,
        key=lambda o: (
            o.status == "withdrawn",
            o.status != "open",
            o.due_at.isoformat() if o.due_at else FAR,
            o.rule_key,
            o.jurisdiction,
        ),
    )


def obligation_rows(session: Session, incident: Incident, include_withdrawn: bool = True) -> list[dict[str, Any]]:
    """Return obligations with a countdown computed now (what the workspace and the CLI show)."""
    now = utcnow()
    out = []
    for o in obligations(session, incident, include_withdrawn):
        shown = countdown(o.due_at, now, o.asap, o.clock_at) if o.status == "open" else o.status
        out.append(
            {
                **ObligationRead.model_validate(o).model_dump(mode="json"),
                "countdown": shown,
                "overdue": o.status == "open" and o.due_at is not None and o.due_at < now,
            }
        )
    return out


def banner(session: Session, incident: Incident) -> dict[str, Any] | None:
    """Return the countdown banner: the earliest open deadline (None when nothing is due)."""
    rows = [r for r in obligation_rows(session, incident, False) if r["status"] == "open"]
    timed = [r for r in rows if r["due_at"]]
    if not timed:
        return {"asap": [r for r in rows if r["asap"]], "first": None} if rows else None
    first = min(timed, key=lambda r: r["due_at"])
    return {"first": first, "asap": [r for r in rows if r["asap"] and not r["due_at"]]}


def assessment_out(session: Session, incident: Incident) -> dict[str, Any]:
    """Return the last assessment: obligations with countdowns and the decisions not to notify."""
    return {
        "incident_id": str(incident.id),
        "earliest_due_at": incident.earliest_due_at,
        "obligations": obligation_rows(session, incident),
        **(incident.assessment or {}),
    }


def rows(session: Session, principal: Principal) -> list[dict[str, Any]]:
    """Return the register: one row per visible incident."""
    out = []
    for incident in service.visible_incidents(session, principal, {}):
        obs = obligations(session, incident)
        people = sum(p.count for p in repo.children(session, Population, incident.id))
        out.append(
            {
                "id": str(incident.id),
                "title": incident.title,
                "type": incident.type,
                "status": incident.status,
                "discovered_at": incident.discovered_at.isoformat(),
                "personal_data": incident.personal_data,
                "affected": people,
                "decision": incident.notification_decision,
                "rationale": incident.decision_rationale,
                "obligations": len(obs),
                "sent": sum(1 for o in obs if o.status == "sent"),
                "open": sum(1 for o in obs if o.status == "open"),
                "earliest_due_at": incident.earliest_due_at.isoformat() if incident.earliest_due_at else None,
                "not_required": len((incident.assessment or {}).get("decisions", [])),
            }
        )
    return out
