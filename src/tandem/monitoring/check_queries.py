"""Read queries behind monitoring's control checks: the latest scan of each target, its findings (minus those
triaged away as network findings), discovered hosts, and which inventory assets recent scans saw."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.inventory.models import Asset
from tandem.monitoring.models import DiscoveredHost, NetworkIssue, Scan, ScanFinding
from tandem.platform.auth.models import OrgUnit


def latest_scans(session: Session, unit_ids: Collection[uuid.UUID] | None) -> list[Scan]:
    """Return the newest scan of every (org unit, target) in the units, by target."""
    stmt = select(Scan).order_by(Scan.created_at.desc(), Scan.id)
    if unit_ids is not None:
        stmt = stmt.where(Scan.org_unit_id.in_(list(unit_ids)))
    newest: dict[tuple[uuid.UUID, str], Scan] = {}
    for scan in session.scalars(stmt):
        newest.setdefault((scan.org_unit_id, scan.target), scan)
    return sorted(newest.values(), key=lambda s: (s.target, s.name))


def findings_in(
    session: Session, scan_ids: Sequence[uuid.UUID], rules: Sequence[str], now: dt.datetime
) -> tuple[list[ScanFinding], int]:
    """Return the findings of the scans with one of the rules, by host and port, leaving out those whose network
    finding is triaged away (a false positive, or accepted and not yet expired); and how many were left out."""
    if not scan_ids:
        return [], 0
    stmt = (
        select(ScanFinding, NetworkIssue.status, NetworkIssue.accepted_until)
        .outerjoin(NetworkIssue, NetworkIssue.id == ScanFinding.issue_id)
        .where(ScanFinding.scan_id.in_(list(scan_ids)), ScanFinding.rule.in_(list(rules)))
        .order_by(ScanFinding.host, ScanFinding.port, ScanFinding.rule)
    )
    kept, suppressed = [], 0
    for finding, status, until in session.execute(stmt):
        if status == "false_positive" or (status == "accepted" and (until is None or until > now)):
            suppressed += 1
        else:
            kept.append(finding)
    return kept, suppressed


def unconfirmed_hosts(session: Session, unit_ids: Collection[uuid.UUID] | None) -> list[tuple[Any, ...]]:
    """Return (id, address, hostnames, first seen, last seen, unit name) of the unconfirmed discovered hosts."""
    stmt = (
        select(DiscoveredHost.id, DiscoveredHost.address, DiscoveredHost.hostnames, DiscoveredHost.first_seen_at,
               DiscoveredHost.last_seen_at, OrgUnit.name)
        .join(OrgUnit, OrgUnit.id == DiscoveredHost.org_unit_id)
        .where(DiscoveredHost.status == "unconfirmed")
        .order_by(DiscoveredHost.first_seen_at, DiscoveredHost.address)
    )  # fmt: skip
    if unit_ids is not None:
        stmt = stmt.where(DiscoveredHost.org_unit_id.in_(list(unit_ids)))
    return [tuple(r) for r in session.execute(stmt)]


def assets_of_criticality(
    session: Session, criticality: str, unit_ids: Collection[uuid.UUID] | None
) -> list[tuple[Any, ...]]:
    """Return (id, hostname, kind, IP addresses, source, last verified, unit name) of the assets of the criticality."""
    stmt = (
        select(Asset.id, Asset.hostname, Asset.kind, Asset.ip_addresses, Asset.source, Asset.last_verified_at,
               OrgUnit.name)
        .join(OrgUnit, OrgUnit.id == Asset.org_unit_id)
        .where(func.lower(Asset.criticality) == criticality.lower())
        .order_by(Asset.hostname, Asset.id)
    )  # fmt: skip
    if unit_ids is not None:
        stmt = stmt.where(Asset.org_unit_id.in_(list(unit_ids)))
    return [tuple(r) for r in session.execute(stmt)]


def scans_since(session: Session, since: dt.datetime) -> list[Scan]:
    """Return every scan (any unit: a network scan sees assets of every unit) run or imported since the moment."""
    when = func.coalesce(Scan.scanned_at, Scan.created_at)
    return list(session.scalars(select(Scan).where(when >= since).order_by(when)))


def finding_hosts(session: Session, scan_ids: Sequence[uuid.UUID]) -> list[tuple[uuid.UUID, str, Any]]:
    """Return (scan id, host, asset id) of every finding of the scans."""
    if not scan_ids:
        return []
    stmt = select(ScanFinding.scan_id, ScanFinding.host, ScanFinding.asset_id).where(
        ScanFinding.scan_id.in_(list(scan_ids))
    )
    return [(s, h, a) for s, h, a in session.execute(stmt)]


def asset_names(session: Session, asset_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Return the hostnames of the assets."""
    if not asset_ids:
        return {}
    stmt = select(Asset.id, Asset.hostname).where(Asset.id.in_(list(asset_ids)))
    return {asset_id: hostname for asset_id, hostname in session.execute(stmt)}
