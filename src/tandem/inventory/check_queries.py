"""Read queries behind the inventory's control checks: owners of assets and applications, protection of stores."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import select, true
from sqlalchemy.orm import Session, aliased

from tandem.inventory.models import Application, Asset, DataStore, Person
from tandem.platform.auth.models import OrgUnit


def _in_units(column: Any, unit_ids: Collection[uuid.UUID] | None) -> Any:
    """Return the SQL condition limiting a unit column to the units (always true for None)."""
    return true() if unit_ids is None else column.in_(list(unit_ids))


def asset_owners(session: Session, unit_ids: Collection[uuid.UUID] | None) -> list[tuple[Any, ...]]:
    """Return (id, hostname, criticality, owner name or None, unit name) of the assets in the units."""
    stmt = (
        select(Asset.id, Asset.hostname, Asset.criticality, Person.full_name, OrgUnit.name)
        .outerjoin(Person, Person.id == Asset.owner_id)
        .join(OrgUnit, OrgUnit.id == Asset.org_unit_id)
        .order_by(Asset.hostname, Asset.id)
    )
    return [tuple(r) for r in session.execute(stmt.where(_in_units(Asset.org_unit_id, unit_ids)))]


def application_owners(session: Session, unit_ids: Collection[uuid.UUID] | None) -> list[tuple[Any, ...]]:
    """Return (id, name, business owner or None, IT owner or None, unit name) of the applications in the units."""
    business, it = aliased(Person), aliased(Person)
    stmt = (
        select(Application.id, Application.name, business.full_name, it.full_name, OrgUnit.name)
        .outerjoin(business, business.id == Application.business_owner_id)
        .outerjoin(it, it.id == Application.it_owner_id)
        .join(OrgUnit, OrgUnit.id == Application.org_unit_id)
        .order_by(Application.name, Application.id)
    )
    return [tuple(r) for r in session.execute(stmt.where(_in_units(Application.org_unit_id, unit_ids)))]


def stores_classified(
    session: Session, classification: str, unit_ids: Collection[uuid.UUID] | None
) -> list[tuple[Any, ...]]:
    """Return (id, name, owner name or None, encrypted at rest, unit name) of the stores with the classification."""
    stmt = (
        select(DataStore.id, DataStore.name, Person.full_name, DataStore.encrypted_at_rest, OrgUnit.name)
        .outerjoin(Person, Person.id == DataStore.owner_id)
        .join(OrgUnit, OrgUnit.id == DataStore.org_unit_id)
        .where(DataStore.classification == classification)
        .order_by(DataStore.name, DataStore.id)
    )
    return [tuple(r) for r in session.execute(stmt.where(_in_units(DataStore.org_unit_id, unit_ids)))]
