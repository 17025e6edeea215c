"""REST routes /api/v1/data: scans (start, cancel, resume, detail, diff), scanned objects, catalog, classification."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request

from tandem.data import catalog, service
from tandem.data.schemas import (
    CatalogRead,
    ClassifyIn,
    DiffRead,
    ObjectDetail,
    ObjectRead,
    ScanCreate,
    ScanDetail,
    ScanQueued,
    ScanRead,
    SuggestionRead,
)
from tandem.inventory.schemas import DataStoreRead
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.api.paging import PageOut, page_out, page_request
from tandem.platform.auth.principal import Principal

router = APIRouter(prefix="/api/v1/data", tags=["data"])
VIEW, SCAN, CLASSIFY = "data.view", "data.scan", "data.classify"


@router.get("/scans", response_model=PageOut[ScanRead])
def list_scans(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List scans; filter by status, source_kind or data_store_id."""
    page = service.list_scans(session, principal, page_request(request, service.SCAN_SPEC))
    return page_out(page, ScanRead.model_validate)


@router.post("/scans", status_code=202, response_model=ScanQueued)
def start_scan(body: ScanCreate, session: DbSession, principal: Principal = requires(SCAN)) -> Any:
    """Queue a scan of a path under the scan roots or of a database URL, for a data store (found or created)."""
    scan = service.create_scan(session, principal, body)
    return ScanQueued(scan=ScanRead.model_validate(scan), job_id=scan.job_id)


@router.get("/scans/{scan_id}", response_model=ScanDetail)
def get_scan(scan_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a scan with its files, tables and columns (masked samples) and its diff to the previous scan."""
    scan = ScanRead.model_validate(service.get_scan(session, principal, scan_id)).model_dump()
    objects = [ObjectRead.model_validate(o) for o in service.scan_objects(session, principal, scan_id)]
    return ScanDetail(**scan, diff=service.get_scan(session, principal, scan_id).diff, objects=objects)


@router.get("/scans/{scan_id}/diff", response_model=DiffRead)
def diff_scan(
    scan_id: uuid.UUID, session: DbSession, against: uuid.UUID | None = None, principal: Principal = requires(VIEW)
) -> Any:
    """Diff a scan against another of the same store (default: the previous one)."""
    return service.diff_scans(session, principal, scan_id, against)


@router.post("/scans/{scan_id}/cancel", response_model=ScanRead)
def cancel_scan(scan_id: uuid.UUID, session: DbSession, principal: Principal = requires(SCAN)) -> Any:
    """Cancel a queued scan or stop a running one."""
    return service.cancel_scan(session, principal, scan_id)


@router.post("/scans/{scan_id}/resume", status_code=202, response_model=ScanRead)
def resume_scan(scan_id: uuid.UUID, session: DbSession, principal: Principal = requires(SCAN)) -> Any:
    """Queue a cancelled or failed scan again from where it stopped."""
    return service.resume_scan(session, principal, scan_id)


@router.post("/scans/{scan_id}/rescan", status_code=202, response_model=ScanRead)
def rescan(scan_id: uuid.UUID, session: DbSession, principal: Principal = requires(SCAN)) -> Any:
    """Start a new, incremental scan of the same store and source."""
    return service.rescan(session, principal, scan_id)


@router.get("/objects", response_model=PageOut[ObjectRead])
def list_objects(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List scanned files, tables and columns; filter by scan_id, data_store_id or kind."""
    page = service.list_objects(session, principal, page_request(request, service.OBJECT_SPEC))
    return page_out(page, ObjectDetail.model_validate)


@router.get("/catalog", response_model=CatalogRead)
def get_catalog(session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Where is our sensitive data: findings per data category and data store, with classification."""
    return catalog.matrix(session, principal)


@router.get("/stores/{store_id}/classification", response_model=SuggestionRead)
def get_suggestion(store_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the store's categories and classification beside what its latest scan suggests."""
    return catalog.suggestion(session, principal, store_id)


@router.post("/stores/{store_id}/classification", response_model=DataStoreRead)
def classify_store(
    store_id: uuid.UUID, body: ClassifyIn, session: DbSession, principal: Principal = requires(CLASSIFY)
) -> Any:
    """Confirm the suggestion (empty body) or correct it; the inventory record keeps the scan as provenance."""
    return DataStoreRead.model_validate(catalog.classify_store(session, principal, store_id, body))
