"""REST routes /api/v1/vulnerabilities: findings and triage, advisories, feed status, feed imports, matching."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from tandem.platform.api.deps import DbSession, actor_of, get_db, requires
from tandem.platform.api.paging import PageOut, page_out, page_request
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.db.uow import unit_of_work
from tandem.platform.errors import InvalidInput
from tandem.platform.safety.uploads import safe_filename
from tandem.vulnerabilities import cves, service, sync
from tandem.vulnerabilities.schemas import (
    AdvisoryRead,
    CveRead,
    FeedStatus,
    FindingRead,
    FindingStatusIn,
    JobQueued,
    NvdSyncRead,
    SyncQueued,
    SyncRequest,
)

PREFIX = "/api/v1/vulnerabilities"
router = APIRouter(prefix=PREFIX, tags=["vulnerabilities"])
VIEW, EDIT = "vulnerabilities.view", "vulnerabilities.edit"


@router.get("/findings", response_model=PageOut[FindingRead])
def list_findings(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List findings, KEV first; filter by status, priority_tier, kev=true, cve_id, asset_id …"""
    page = service.list_findings(session, principal, page_request(request, service.FINDING_SPEC))
    return page_out(page, FindingRead.model_validate)


@router.get("/findings/summary")
def summary(session: DbSession, principal: Principal = requires(VIEW)) -> dict[str, int]:
    """Count visible findings per status and open ones per priority tier."""
    return service.finding_counts(session, principal)


@router.get("/findings/{finding_id}", response_model=FindingRead)
def get_finding(finding_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return one finding with why it matched (criterion, range, normalisation steps)."""
    return service.get_finding(session, principal, finding_id)


@router.post("/findings/{finding_id}/status", response_model=FindingRead)
def set_status(
    finding_id: uuid.UUID, body: FindingStatusIn, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Triage a finding: open, accepted, fixed or false_positive, with a reason."""
    return service.set_status(session, principal, finding_id, body)


@router.get("/advisories/{advisory_id}", response_model=AdvisoryRead)
def get_advisory(advisory_id: str, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a stored advisory with its KEV entry and EPSS score."""
    return service.get_advisory(session, principal, advisory_id)


@router.get("/cves/{cve_id}", response_model=CveRead)
def get_cve(cve_id: str, request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a CVE: advisory, KEV (due date, ransomware use), EPSS, and a page of the visible affected items with
    why each matched; page with ?limit and ?cursor, filter with ?status, ?asset_id, ?application_id."""
    return cves.get_cve(session, principal, cve_id, page_request(request, cves.AFFECTED_SPEC))


@router.get("/feeds", response_model=FeedStatus)
def feed_status(session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return stored record counts, recent imports and the last match pass."""
    return service.feed_status(session, principal)


@router.post("/feeds/imports", status_code=202, response_model=JobQueued)
async def import_feed(
    request: Request,
    kind: str = Query("auto", pattern="^(nvd|kev|epss|osv|auto)$", description="auto: told from the content"),
    file_name: str = Query("feed.json", max_length=200),
    match: bool = Query(True),
    principal: Principal = requires(EDIT),
) -> Any:
    """Queue the import of the request body as an NVD 2.0, KEV, EPSS or OSV file (gzip accepted)."""
    data = await request.body()
    limit = get_settings().max_upload_bytes
    if len(data) > limit:
        raise InvalidInput.one("body", f"the file exceeds the {limit}-byte upload limit")

    def run() -> Any:
        with unit_of_work(get_db(request), actor=actor_of(principal, request)) as session:
            job = service.queue_feed_import(session, principal, kind, data, safe_filename(file_name), match)
            return JobQueued(job_id=job.id, name=job.name)

    return await run_in_threadpool(run)


@router.post("/matches", status_code=202, response_model=JobQueued)
def queue_match(
    session: DbSession, mode: str = Query("delta", pattern="^(delta|full)$"), principal: Principal = requires(EDIT)
) -> Any:
    """Queue a matching pass of the inventory's software against the stored advisories."""
    job = service.queue_match(session, principal, mode)
    return JobQueued(job_id=job.id, name=job.name)


@router.post("/sync", status_code=202, response_model=SyncQueued)
def queue_sync(body: SyncRequest, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Queue the NVD API sync (resuming an interrupted one) and the KEV / EPSS downloads; fetching must be enabled."""
    jobs = sync.queue_sync(session, principal, body)
    return SyncQueued(jobs=[JobQueued(job_id=j.id, name=j.name) for j in jobs])


@router.get("/sync", response_model=NvdSyncRead)
def sync_state(session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the NVD sync cursor (window, next startIndex, totalResults), the last completed window and last error."""
    return sync.sync_state(session, principal)
