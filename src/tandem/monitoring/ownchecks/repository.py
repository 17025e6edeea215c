"""SQL of the own checks: the inventory assets that declare services, and asset links of a stored check."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any, cast

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from tandem.inventory.models import Asset
from tandem.monitoring.models import ScanFinding
from tandem.platform.auth.permissions import visible_to
from tandem.platform.auth.principal import Principal

EDIT = "monitoring.edit"


def service_assets(session: Session, principal: Principal, unit_ids: list[uuid.UUID] | None = None) -> Iterator[Any]:
    """Yield (id, hostname, ip_addresses, declared_services, tags) of assets the principal may check, in a stable
    order."""
    columns = select(Asset.id, Asset.hostname, Asset.ip_addresses, Asset.declared_services, Asset.tags).order_by(
        Asset.hostname, Asset.id
    )
    stmt = cast(Select[Any], columns)
    if unit_ids is not None:
        stmt = stmt.where(Asset.org_unit_id.in_(unit_ids))
    yield from session.execute(visible_to(stmt, session, principal, Asset, EDIT).execution_options(yield_per=1000))


def link_assets(session: Session, scan_id: uuid.UUID, declared: dict[tuple[str, int], uuid.UUID]) -> None:
    """Link each finding on a declared service to the asset declaring it: it knows better than an address lookup."""
    for (host, port), asset_id in declared.items():
        session.execute(
            update(ScanFinding)
            .where(ScanFinding.scan_id == scan_id, ScanFinding.host == host, ScanFinding.port == port)
            .values(asset_id=asset_id)
        )
