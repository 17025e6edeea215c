"""Daily metric snapshots: take them (the periodic job) and read a metric's history for a trend chart."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.platform.auth.models import OrgUnit
from tandem.platform.auth.permissions import visible_to
from tandem.platform.auth.principal import Grant, Principal
from tandem.reporting.homes.models import MetricSnapshot
from tandem.reporting.queries import metrics

SNAPSHOT_USER = uuid.UUID(int=0)


def tree_principal(root: OrgUnit) -> Principal:
    """Return a principal that reads a whole org tree (used only to compute the tree's snapshot)."""
    return Principal(user_id=SNAPSHOT_USER, username="reporting snapshot", grants=(Grant("admin", root.id, root.path),))


def take_snapshots(session: Session, day: dt.date | None = None) -> int:
    """Store today's value of every metric for every org tree; a second run on one day overwrites. Return rows."""
    day = day or dt.date.today()
    written = 0
    for root in session.scalars(select(OrgUnit).where(OrgUnit.parent_id.is_(None))).all():
        principal = tree_principal(root)
        existing = {
            s.name: s
            for s in session.scalars(
                select(MetricSnapshot).where(MetricSnapshot.org_unit_id == root.id, MetricSnapshot.day == day)
            )
        }
        for metric in metrics.all_metrics(session, principal):
            row = existing.get(metric.name)
            if row is None:
                session.add(MetricSnapshot(org_unit_id=root.id, day=day, name=metric.name, value=metric.value))
            else:
                row.value = metric.value
            written += 1
    session.flush()
    return written


def history(session: Session, principal: Principal, name: str, days: int = 365) -> list[tuple[dt.date, float]]:
    """Return (day, value) of a metric over the trees principal reads whole, summed per day, oldest first."""
    spec = metrics.BY_NAME.get(name)
    if spec is None or principal.user_id is None:
        return []
    since = dt.date.today() - dt.timedelta(days=days)
    query: Any = select(MetricSnapshot.day, func.sum(MetricSnapshot.value)).where(
        MetricSnapshot.name == name, MetricSnapshot.day >= since, MetricSnapshot.value.is_not(None)
    )
    stmt = visible_to(query, session, principal, MetricSnapshot, spec.action)
    stmt = stmt.group_by(MetricSnapshot.day).order_by(MetricSnapshot.day)
    return [(d, float(v)) for d, v in session.execute(stmt)]
