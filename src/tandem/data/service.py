"""Data-discovery rules: start, cancel and resume scans of a data store's source; list scans, objects and diffs."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tandem.data import actions, results
from tandem.data import repository as repo
from tandem.data.classify import TYPE_CATEGORIES as DISCOVERED_CATEGORIES  # noqa: F401 - for other domains
from tandem.data.files import OutsideRoots, confine
from tandem.data.models import DataScan, DataScanObject
from tandem.data.schemas import ScanCreate
from tandem.data.settings import get_data_settings
from tandem.data.sqlsource import BadDatabaseURL, check_db_url, looks_like_url
from tandem.inventory import service as inventory
from tandem.inventory.schemas import DataStoreCreate
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.db.paging import ListSpec, Page, PageRequest
from tandem.platform.errors import Conflict, InvalidInput, NotFound
from tandem.platform.jobs.context import request_cancel_live
from tandem.platform.jobs.service import enqueue
from tandem.platform.safety.errors import BlockedURL

SCAN_SPEC = ListSpec(
    sort_fields=("created_at", "name", "status"),
    default_sort="created_at",
    filter_fields=("status", "source_kind", "data_store_id"),
    search_fields=("name", "source"),
)
OBJECT_SPEC = ListSpec(
    sort_fields=("created_at", "path", "finding_count"),
    default_sort="created_at",
    filter_fields=("scan_id", "data_store_id", "kind"),
    search_fields=("path", "column"),
)
JOB = "data.scan_store"
STORES = inventory.kind_of("data_store")


class _InUnit:
    def __init__(self, org_unit_id: uuid.UUID) -> None:
        self.org_unit_id = org_unit_id


def check_source(source: str) -> tuple[str, str]:
    """Return (source kind, normalised source) or raise a located InvalidInput."""
    settings = get_data_settings()
    try:
        if looks_like_url(source):
            url = check_db_url(source, settings.roots(), get_settings().allow_hosts())
            return "sql", url.render_as_string(hide_password=True)
        path, _ = confine(source, settings.roots())
        return "files", str(path)
    except (OutsideRoots, BadDatabaseURL) as exc:
        raise InvalidInput.one("body.source", str(exc)) from None
    except BlockedURL as exc:
        raise InvalidInput.one("body.source", f"host not allowed: {exc}") from None


def _store(session: Session, principal: Principal | None, data: ScanCreate, kind: str) -> Any:
    """Return the target data store: by id, by name, or created (provenance: data discovery)."""
    if data.data_store_id is not None:
        return inventory.get_record(session, principal, STORES, data.data_store_id)
    name = data.store_name or Path(data.source.split("?", 1)[0]).name or "Scanned source"
    try:
        return inventory.resolve_ref(session, principal, f"data_store:{name}")[1]
    except NotFound:
        pass
    unit = data.org_unit_id or _root(session)
    create = DataStoreCreate(
        name=name[:200],
        kind="database" if kind == "sql" else "file-share",
        org_unit_id=unit,
        location=data.source[:200] if kind == "files" else "",
        source="discovered by data scan",
    )
    return inventory.create_record(session, principal, STORES, create)


def _root(session: Session) -> uuid.UUID:
    from tandem.platform.auth.service import root_unit

    root = root_unit(session)
    if root is None:
        raise Conflict("create the organisation first")
    return root.id


def create_scan(session: Session, principal: Principal | None, data: ScanCreate, queue: bool = True) -> DataScan:
    """Check the source and the store, record the scan and (unless queue=False) queue its job."""
    kind, source = check_source(data.source)
    if principal is not None and data.data_store_id is None and data.org_unit_id is not None:
        require(session, principal, actions.SCAN.name, _InUnit(data.org_unit_id))
    store = _store(session, principal, data, kind)
    if principal is not None:
        require(session, principal, actions.SCAN.name, store)
    who = principal.username if principal is not None else "console"
    scan = DataScan(
        name=(data.name or f"{store.name} scan")[:200],
        data_store_id=store.id,
        source_kind=kind,
        source=source[:1000],
        org_unit_id=store.org_unit_id,
        requested_by=who[:200],
    )
    repo.ScanRepository(session).add(scan)
    if queue:
        scan.job_id = enqueue(session, JOB, {"scan_id": str(scan.id)}).id
    session.flush()
    return scan


def get_scan(session: Session, principal: Principal | None, scan_id: uuid.UUID) -> DataScan:
    """Return a visible scan."""
    scan = repo.ScanRepository(session).get(principal, scan_id)
    if scan is None:
        raise NotFound("scan not found")
    return scan


def list_scans(session: Session, principal: Principal, req: PageRequest) -> Page[DataScan]:
    """List visible scans."""
    require(session, principal, actions.VIEW.name)
    r = repo.ScanRepository(session)
    return r.page(r.base_query(principal), req)


def scan_objects(session: Session, principal: Principal | None, scan_id: uuid.UUID) -> list[DataScanObject]:
    """Return a visible scan's files, tables and columns."""
    return list(repo.objects_of(session, get_scan(session, principal, scan_id).id))


def list_objects(session: Session, principal: Principal, req: PageRequest) -> Page[DataScanObject]:
    """List visible scanned objects (filter by scan_id, data_store_id, kind)."""
    require(session, principal, actions.VIEW.name)
    r = repo.ObjectRepository(session)
    return r.page(r.base_query(principal), req)


def store_history(session: Session, principal: Principal, store_id: uuid.UUID) -> list[DataScan]:
    """Return a visible data store's scans, newest first."""
    inventory.get_record(session, principal, STORES, store_id)
    return repo.store_scans(session, principal, store_id)


def diff_scans(
    session: Session, principal: Principal | None, scan_id: uuid.UUID, against: uuid.UUID | None = None
) -> dict[str, Any]:
    """Diff a scan against another one of the same store (default: the previous succeeded scan)."""
    scan = get_scan(session, principal, scan_id)
    other = get_scan(session, principal, against) if against else repo.previous_scan(session, scan)
    if other is not None and other.data_store_id != scan.data_store_id:
        raise InvalidInput.one("query.against", "scans of different data stores cannot be diffed")
    before = repo.object_rows(session, other.id) if other else []
    change = results.diff(before, repo.object_rows(session, scan.id))
    store = inventory.get_record(session, None, STORES, scan.data_store_id)
    since = f"{other.created_at:%Y-%m-%d %H:%M}" if other else "the first scan"
    return {
        "scan_id": scan.id,
        "against_id": other.id if other else None,
        "headline": results.headline(change, store.name, since),
        **change,
    }


def cancel_scan(session: Session, principal: Principal, scan_id: uuid.UUID) -> DataScan:
    """Cancel a queued scan or ask a running one to stop (it keeps what it stored; resume continues)."""
    scan = get_scan(session, principal, scan_id)
    require(session, principal, actions.SCAN.name, scan)
    if scan.status not in ("queued", "running"):
        raise Conflict(f"the scan is already {scan.status}")
    status = repo.request_job_cancel(session, scan.job_id) if scan.job_id else None
    if scan.job_id:
        request_cancel_live(scan.job_id)
    if status in (None, "cancelled") or scan.status == "queued":
        scan.status = "cancelled"
    session.flush()
    return scan


def resume_scan(session: Session, principal: Principal, scan_id: uuid.UUID) -> DataScan:
    """Queue a cancelled or failed scan again; objects it already stored are not scanned twice."""
    scan = get_scan(session, principal, scan_id)
    require(session, principal, actions.SCAN.name, scan)
    if scan.status not in ("cancelled", "failed"):
        raise Conflict(f"only cancelled or failed scans resume; this one is {scan.status}")
    scan.status, scan.finished_at = "queued", None
    scan.job_id = enqueue(session, JOB, {"scan_id": str(scan.id)}).id
    session.flush()
    return scan


def rescan(session: Session, principal: Principal, scan_id: uuid.UUID) -> DataScan:
    """Start a new scan of the same store and source (unchanged files are carried over, not re-read)."""
    scan = get_scan(session, principal, scan_id)
    data = ScanCreate(source=scan.source, data_store_id=scan.data_store_id, name=scan.name)
    return create_scan(session, principal, data)
