"""Read queries behind the risk control check: open scenarios with their owner and review date."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.inventory.models import Person
from tandem.platform.auth.models import OrgUnit
from tandem.risk.models import Scenario


def open_scenarios(session: Session, unit_ids: Collection[uuid.UUID] | None) -> list[tuple[Any, ...]]:
    """Return (id, title, status, review date, owner name, unit name) of the scenarios not closed."""
    stmt = (
        select(Scenario.id, Scenario.title, Scenario.status, Scenario.review_date, Person.full_name, OrgUnit.name)
        .outerjoin(Person, Person.id == Scenario.owner_id)
        .join(OrgUnit, OrgUnit.id == Scenario.org_unit_id)
        .where(Scenario.status != "closed")
        .order_by(Scenario.review_date, Scenario.title, Scenario.id)
    )
    if unit_ids is not None:
        stmt = stmt.where(Scenario.org_unit_id.in_(list(unit_ids)))
    return [tuple(r) for r in session.execute(stmt)]
