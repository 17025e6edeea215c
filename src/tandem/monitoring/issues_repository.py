"""SQL of network issues: lookup by stable key, candidates a scan may have fixed, expired acceptances, sightings."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from tandem.monitoring.models import NetworkIssue, Scan, ScanFinding
from tandem.platform.db.repository import Repository

T = TypeVar("T")
CHUNK = 500  # bound parameter lists well under every driver's limit


class IssueRepository(Repository[NetworkIssue]):
    model = NetworkIssue
    view_action = "monitoring.view"


def _chunks(values: Collection[T]) -> Iterator[list[T]]:
    items = list(values)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def by_keys(session: Session, org_unit_id: uuid.UUID, keys: Collection[str]) -> dict[str, NetworkIssue]:
    """Return the unit's issues with these stable keys."""
    found: dict[str, NetworkIssue] = {}
    for part in _chunks(keys):
        stmt = select(NetworkIssue).where(NetworkIssue.org_unit_id == org_unit_id, NetworkIssue.key.in_(part))
        found.update((i.key, i) for i in session.scalars(stmt))
    return found


def live_on_hosts(
    session: Session, org_unit_id: uuid.UUID, source: str, hosts: Collection[str], asset_ids: Collection[uuid.UUID]
) -> list[NetworkIssue]:
    """Return the unit's open or accepted issues of the source on these hosts or assets."""
    base = select(NetworkIssue).where(
        NetworkIssue.org_unit_id == org_unit_id,
        NetworkIssue.source == source,
        NetworkIssue.status.in_(("open", "accepted")),
    )
    found: dict[uuid.UUID, NetworkIssue] = {}
    for part in _chunks(hosts):
        found.update((i.id, i) for i in session.scalars(base.where(NetworkIssue.host.in_(part))))
    for ids in _chunks(asset_ids):
        found.update((i.id, i) for i in session.scalars(base.where(NetworkIssue.asset_id.in_(ids))))
    return list(found.values())


def scan_targets(session: Session, scan_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Return the target of each scan."""
    targets: dict[uuid.UUID, str] = {}
    for part in _chunks(scan_ids):
        targets.update((i, t) for i, t in session.execute(select(Scan.id, Scan.target).where(Scan.id.in_(part))))
    return targets


def expired_acceptances(session: Session, now: dt.datetime) -> Sequence[NetworkIssue]:
    """Return every accepted issue whose acceptance has run out."""
    stmt = select(NetworkIssue).where(NetworkIssue.status == "accepted", NetworkIssue.accepted_until <= now)
    return session.scalars(stmt).all()


def status_condition(status: str, now: dt.datetime) -> Any:
    """Return the WHERE clause of an effective status: an expired acceptance counts as open."""
    expired = and_(NetworkIssue.status == "accepted", NetworkIssue.accepted_until <= now)
    if status == "open":
        return or_(NetworkIssue.status == "open", expired)
    if status == "accepted":
        return and_(NetworkIssue.status == "accepted", or_(NetworkIssue.accepted_until.is_(None),
                                                           NetworkIssue.accepted_until > now))  # fmt: skip
    return NetworkIssue.status == status


def sightings(session: Session, issue_id: uuid.UUID, limit: int = 200) -> list[tuple[ScanFinding, Scan]]:
    """Return the scan findings behind an issue with their scans, newest first."""
    stmt = (
        select(ScanFinding, Scan)
        .join(Scan, Scan.id == ScanFinding.scan_id)
        .where(ScanFinding.issue_id == issue_id)
        .order_by(ScanFinding.created_at.desc(), ScanFinding.id)
        .limit(limit)
    )
    return [(f, s) for f, s in session.execute(stmt)]


def keyed_under(session: Session, org_unit_id: uuid.UUID, prefix: str) -> list[NetworkIssue]:
    """Return the unit's issues whose stable key starts with the prefix (a subject such as `host:10.0.0.5|`)."""
    stmt = select(NetworkIssue).where(
        NetworkIssue.org_unit_id == org_unit_id, NetworkIssue.key.startswith(prefix, autoescape=True)
    )
    return list(session.scalars(stmt.order_by(NetworkIssue.key)))


def move_sightings(session: Session, from_id: uuid.UUID, to_id: uuid.UUID) -> None:
    """Point every scan finding of one issue at another (two issues merged into one)."""
    session.execute(update(ScanFinding).where(ScanFinding.issue_id == from_id).values(issue_id=to_id))
