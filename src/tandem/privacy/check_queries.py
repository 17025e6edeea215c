"""Read queries behind the privacy control check: data stores and the processing records that name them."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.inventory.models import DataStore
from tandem.platform.auth.models import OrgUnit
from tandem.privacy.models import Activity


def stores(session: Session, classification: str, unit_ids: Collection[uuid.UUID] | None) -> list[tuple[Any, ...]]:
    """Return (id, name, classification, data categories, unit name) of the stores (of the classification)."""
    stmt = (
        select(DataStore.id, DataStore.name, DataStore.classification, DataStore.data_categories, OrgUnit.name)
        .join(OrgUnit, OrgUnit.id == DataStore.org_unit_id)
        .order_by(DataStore.name, DataStore.id)
    )
    if classification:
        stmt = stmt.where(DataStore.classification == classification)
    if unit_ids is not None:
        stmt = stmt.where(DataStore.org_unit_id.in_(list(unit_ids)))
    return [(i, n, c, list(cats or []), u) for i, n, c, cats, u in session.execute(stmt)]


def records_by_store(session: Session) -> dict[str, list[str]]:
    """Return {data store id: names of the processing records (not deprecated) naming it}."""
    out: dict[str, list[str]] = {}
    stmt = select(Activity.name, Activity.data_store_ids).where(Activity.status != "deprecated")
    for name, store_ids in session.execute(stmt.order_by(Activity.name)):
        for store_id in store_ids or []:
            out.setdefault(str(store_id), []).append(name)
    return out
