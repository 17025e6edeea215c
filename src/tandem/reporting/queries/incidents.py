"""Active incidents and their notification clocks: who must be told by when, counted down at render time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.incidents.models import Incident, Obligation
from tandem.platform.auth.principal import Principal
from tandem.reporting.queries.common import graceful, link, may, scoped

VIEW = "incidents.view"
ENDED = ("closed",)


@dataclass
class Clock:
    """One open notification obligation."""

    regime: str
    recipient: str
    due_at: dt.datetime | None
    asap: bool

    def countdown(self, now: dt.datetime | None = None) -> str:
        """Return 'due in 1 d 4 h', 'overdue by 3 h' or 'as soon as possible'."""
        if self.due_at is None:
            return "as soon as possible" if self.asap else "no fixed deadline"
        delta = self.due_at - (now or dt.datetime.now(dt.UTC))
        span = _span(abs(delta))
        return f"due in {span}" if delta.total_seconds() >= 0 else f"overdue by {span}"


def _span(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    return f"{days} d {hours} h" if days else f"{hours} h {mins} min"


@dataclass
class ActiveIncident:
    """An incident that is not closed, with its open notification clocks (soonest first)."""

    id: str
    title: str
    status: str
    severity: str
    earliest_due_at: dt.datetime | None
    clocks: list[Clock] = field(default_factory=list)
    url: str = ""


@dataclass
class ActiveIncidents:
    """Incidents not yet closed, soonest deadline first."""

    incidents: list[ActiveIncident] = field(default_factory=list)
    count: int = 0
    open_clocks: int = 0
    list_url: str = "/incidents"

    def status_url(self, status: str) -> str:
        """Return the incident list filtered by status."""
        return link("/incidents", status=status)


@graceful(ActiveIncidents)
def active_incidents(session: Session, principal: Principal, limit: int = 5) -> ActiveIncidents:
    """Return the incidents that are not closed with their open notification obligations."""
    if not may(principal, VIEW):
        return ActiveIncidents()
    stmt = scoped(select(Incident).where(Incident.status.not_in(ENDED)), session, principal, Incident, VIEW)
    count = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    # Soonest deadline first; incidents without one after them (portable NULLS LAST).
    order = (Incident.earliest_due_at.is_(None), Incident.earliest_due_at, Incident.reported_at.desc())
    rows = session.scalars(stmt.order_by(*order).limit(limit)).all()
    obligations = session.scalars(
        select(Obligation).where(Obligation.incident_id.in_([i.id for i in rows]), Obligation.status == "open")
    ).all() if rows else []  # fmt: skip
    clocks: dict[object, list[Clock]] = {}
    for o in obligations:
        clocks.setdefault(o.incident_id, []).append(Clock(o.regime, o.recipient_label or o.recipient, o.due_at, o.asap))
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    out = [
        ActiveIncident(str(i.id), i.title, i.status, i.severity, i.earliest_due_at,
                       sorted(clocks.get(i.id, []), key=lambda c: c.due_at or far), f"/incidents/{i.id}")
        for i in rows
    ]  # fmt: skip
    return ActiveIncidents(out, count, sum(len(i.clocks) for i in out))
