"""SQL of the monitoring domain: scans, findings, discovered hosts, and the inventory's address index."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from tandem.inventory.models import Asset
from tandem.monitoring.audit_models import AuditChecklist, AuditItemResult, NetworkAudit
from tandem.monitoring.models import DiscoveredHost, Scan, ScanFinding
from tandem.platform.db.repository import Repository


class ScanRepository(Repository[Scan]):
    model = Scan
    view_action = "monitoring.view"


class FindingRepository(Repository[ScanFinding]):
    model = ScanFinding
    view_action = "monitoring.view"


class HostRepository(Repository[DiscoveredHost]):
    model = DiscoveredHost
    view_action = "monitoring.view"


def asset_index(session: Session) -> dict[str, uuid.UUID]:
    """Map every inventory asset's IP, MAC and hostname (lower-case) to its id."""
    index: dict[str, uuid.UUID] = {}
    rows = session.execute(select(Asset.id, Asset.hostname, Asset.ip_addresses, Asset.mac_addresses))
    for asset_id, hostname, ips, macs in rows:
        for key in [hostname, *(ips or []), *(macs or [])]:
            if key:
                index.setdefault(str(key).lower(), asset_id)
    return index


def previous_scan(session: Session, org_unit_id: uuid.UUID, target: str, before: Any) -> Scan | None:
    """Return the latest earlier scan of the same target in the same unit."""
    stmt = (
        select(Scan)
        .where(Scan.org_unit_id == org_unit_id, Scan.target == target, Scan.created_at < before)
        .order_by(Scan.created_at.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def discovered(session: Session, org_unit_id: uuid.UUID, addresses: Sequence[str]) -> dict[str, DiscoveredHost]:
    """Return the unit's discovered hosts with these addresses."""
    if not addresses:
        return {}
    stmt = select(DiscoveredHost).where(
        DiscoveredHost.org_unit_id == org_unit_id, DiscoveredHost.address.in_(list(addresses))
    )
    return {h.address: h for h in session.scalars(stmt)}


def findings_of(session: Session, scan_id: uuid.UUID) -> Sequence[ScanFinding]:
    """Return a scan's findings, most severe first."""
    order = {s: i for i, s in enumerate(("critical", "high", "medium", "low", "info"))}
    rows = session.scalars(select(ScanFinding).where(ScanFinding.scan_id == scan_id)).all()
    return sorted(rows, key=lambda f: (order.get(f.severity, 9), f.host, f.port or 0, f.rule))


def add_findings(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert a scan's findings in one executemany."""
    if rows:
        session.execute(cast(Table, ScanFinding.__table__).insert(), rows)


class ChecklistRepository(Repository[AuditChecklist]):
    model = AuditChecklist
    view_action = "monitoring.view"


class AuditRepository(Repository[NetworkAudit]):
    model = NetworkAudit
    view_action = "monitoring.view"


def audits_of_checklist(session: Session, checklist_id: uuid.UUID) -> list[NetworkAudit]:
    """Return the audits that run a checklist."""
    stmt = select(NetworkAudit).where(NetworkAudit.checklist_id == checklist_id).order_by(NetworkAudit.created_at)
    return list(session.scalars(stmt))


def recorded_items(session: Session, checklist_id: uuid.UUID, keys: Sequence[str]) -> list[tuple[str, str]]:
    """Return (item key, audit title) of the results recorded for these items in live audits of a checklist."""
    if not keys:
        return []
    stmt = (
        select(AuditItemResult.item_key, NetworkAudit.title)
        .join(NetworkAudit, NetworkAudit.id == AuditItemResult.audit_id)
        .where(NetworkAudit.checklist_id == checklist_id, NetworkAudit.status != "cancelled",
               AuditItemResult.item_key.in_(list(keys)))
        .order_by(AuditItemResult.item_key, NetworkAudit.title)
    )  # fmt: skip
    return [(k, t) for k, t in session.execute(stmt)]


def asset_services(session: Session, asset_ids: Collection[uuid.UUID]) -> list[tuple[uuid.UUID, Any, Any]]:
    """Return (id, declared_services, tags) of the assets."""
    if not asset_ids:
        return []
    stmt = select(Asset.id, Asset.declared_services, Asset.tags).where(Asset.id.in_(list(asset_ids)))
    return [(i, s, t) for i, s, t in session.execute(stmt)]
