"""Read queries behind the incident control check: notification obligations with their incident."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.incidents.models import Incident, Obligation
from tandem.platform.auth.models import OrgUnit


def obligations(session: Session, unit_ids: Collection[uuid.UUID] | None) -> list[tuple[Any, ...]]:
    """Return (obligation, incident title, unit name) of every notification obligation of incidents in the units."""
    stmt = (
        select(Obligation, Incident.title, OrgUnit.name)
        .join(Incident, Incident.id == Obligation.incident_id)
        .join(OrgUnit, OrgUnit.id == Incident.org_unit_id)
        .order_by(Incident.reported_at, Obligation.due_at, Obligation.id)
    )
    if unit_ids is not None:
        stmt = stmt.where(Incident.org_unit_id.in_(list(unit_ids)))
    return [(o, title, unit) for o, title, unit in session.execute(stmt)]
