"""SQL of the data domain: scans, scanned objects, and the latest finished scan per data store."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from tandem.data.models import DataScan, DataScanObject
from tandem.platform.auth.principal import Principal
from tandem.platform.db.repository import Repository
from tandem.platform.jobs.models import Job

OBJECT_FIELDS = (
    "kind",
    "path",
    "column",
    "size",
    "mtime",
    "content_hash",
    "finding_count",
    "type_counts",
    "confidence",
    "samples",
    "value_hashes",
    "hints",
    "cooccurrence",
    "errors",
)


class ScanRepository(Repository[DataScan]):
    model = DataScan
    view_action = "data.view"


class ObjectRepository(Repository[DataScanObject]):
    model = DataScanObject
    view_action = "data.view"


def objects_of(session: Session, scan_id: uuid.UUID) -> Sequence[DataScanObject]:
    """Return a scan's objects by path and column."""
    stmt = select(DataScanObject).where(DataScanObject.scan_id == scan_id)
    return session.scalars(stmt.order_by(DataScanObject.path, DataScanObject.column)).all()


def object_rows(session: Session, scan_id: uuid.UUID) -> list[dict[str, Any]]:
    """Return a scan's objects as plain dicts (for incremental re-scans and diffs)."""
    return [{f: getattr(o, f) for f in OBJECT_FIELDS} for o in objects_of(session, scan_id)]


def done_paths(session: Session, scan_id: uuid.UUID) -> set[str]:
    """Return the paths (files or tables) a scan already stored: a resumed scan skips them."""
    return set(session.scalars(select(DataScanObject.path).where(DataScanObject.scan_id == scan_id)).all())


def add_objects(session: Session, scan: DataScan, rows: list[dict[str, Any]]) -> None:
    """Insert a batch of objects of a scan in one executemany."""
    if not rows:
        return
    full = [
        {
            "id": uuid.uuid4(),
            "scan_id": scan.id,
            "data_store_id": scan.data_store_id,
            "org_unit_id": scan.org_unit_id,
            "carried": False,
            "size": None,
            "mtime": None,
            "content_hash": "",
            "hints": [],
            "errors": [],
            **{k: v for k, v in r.items() if k in (*OBJECT_FIELDS, "carried")},
        }
        for r in rows
    ]
    session.execute(cast(Table, DataScanObject.__table__).insert(), full)


def totals(session: Session, scan_id: uuid.UUID) -> tuple[list[dict[str, Any]], int]:
    """Return the type counts of a scan's non-table objects and how many were carried over."""
    rows = session.execute(
        select(DataScanObject.kind, DataScanObject.type_counts, DataScanObject.carried).where(
            DataScanObject.scan_id == scan_id
        )
    ).all()
    return [{"kind": k, "type_counts": t} for k, t, _ in rows], sum(1 for *_, c in rows if c)


def previous_scan(session: Session, scan: DataScan) -> DataScan | None:
    """Return the latest succeeded earlier scan of the same store and source kind."""
    stmt = (
        select(DataScan)
        .where(
            DataScan.data_store_id == scan.data_store_id,
            DataScan.status == "succeeded",
            DataScan.source_kind == scan.source_kind,
            DataScan.id != scan.id,
            DataScan.created_at <= scan.created_at,
        )
        .order_by(DataScan.created_at.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def latest_scans(session: Session, principal: Principal | None) -> list[DataScan]:
    """Return the latest succeeded scan of every data store the principal may see."""
    stmt = ScanRepository(session).base_query(principal).where(DataScan.status == "succeeded")
    latest: dict[uuid.UUID, DataScan] = {}
    for scan in session.scalars(stmt.order_by(DataScan.created_at)):
        latest[scan.data_store_id] = scan
    return list(latest.values())


def store_scans(session: Session, principal: Principal | None, store_id: uuid.UUID) -> list[DataScan]:
    """Return a store's scans, newest first."""
    stmt = ScanRepository(session).base_query(principal).where(DataScan.data_store_id == store_id)
    return list(session.scalars(stmt.order_by(DataScan.created_at.desc())))


def request_job_cancel(session: Session, job_id: uuid.UUID) -> str | None:
    """Flag a scan's job as cancelled (queued jobs end at once); return its status."""
    job = session.get(Job, job_id)
    if job is None:
        return None
    if job.status == "queued":
        session.execute(update(Job).where(Job.id == job_id).values(status="cancelled", cancel_requested=True))
        return "cancelled"
    if job.status == "running":
        job.cancel_requested = True
    session.flush()
    return job.status
