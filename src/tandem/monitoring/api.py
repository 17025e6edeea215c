"""REST routes /api/v1/monitoring: scans (import, list, detail with diffs), per-scan findings, lasting network
findings (issues) with triage, the shadow-IT queue."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from tandem.monitoring import issues, service
from tandem.monitoring.schemas import (
    AdoptIn,
    DiscoveredHostRead,
    DismissIn,
    IssueDetail,
    IssueRead,
    IssueSighting,
    IssueTriageIn,
    JobQueued,
    ScanDetail,
    ScanFindingRead,
    ScanRead,
)
from tandem.platform.api.deps import DbSession, actor_of, get_db, requires
from tandem.platform.api.paging import PageOut, page_out, page_request
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.db.uow import unit_of_work
from tandem.platform.errors import InvalidInput
from tandem.platform.safety.uploads import safe_filename

PREFIX = "/api/v1/monitoring"
router = APIRouter(prefix=PREFIX, tags=["monitoring"])
VIEW, EDIT = "monitoring.view", "monitoring.edit"


@router.get("/scans", response_model=PageOut[ScanRead])
def list_scans(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List imported scans."""
    return page_out(
        service.list_scans(session, principal, page_request(request, service.SCAN_SPEC)), ScanRead.model_validate
    )


@router.post("/scans/imports", status_code=202, response_model=JobQueued)
async def import_scan(
    request: Request,
    file_name: str = Query("scan.xml", max_length=200),
    name: str = Query("", max_length=200),
    target: str = Query("", max_length=300),
    org_unit_id: uuid.UUID | None = Query(None),
    principal: Principal = requires(EDIT),
) -> Any:
    """Queue the import of the body as nmap XML (-oX) or a Greenbone report XML."""
    data = await request.body()
    limit = get_settings().max_upload_bytes
    if len(data) > limit:
        raise InvalidInput.one("body", f"the file exceeds the {limit}-byte upload limit")

    def run() -> Any:
        with unit_of_work(get_db(request), actor=actor_of(principal, request)) as session:
            job = service.queue_scan_import(
                session, principal, data, safe_filename(file_name), name, target, org_unit_id
            )
            return JobQueued(job_id=job.id, name=job.name)

    return await run_in_threadpool(run)


@router.get("/scans/{scan_id}", response_model=ScanDetail)
def get_scan(scan_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a scan with its audit findings and port changes since the previous scan of its target."""
    scan = ScanRead.model_validate(service.get_scan(session, principal, scan_id)).model_dump()
    findings = [ScanFindingRead.model_validate(f) for f in service.scan_findings(session, principal, scan_id)]
    return ScanDetail(**scan, findings=findings)


@router.get("/findings", response_model=PageOut[ScanFindingRead])
def list_findings(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List audit findings across scans; filter by severity, rule or host."""
    page = service.list_findings(session, principal, page_request(request, service.FINDING_SPEC))
    return page_out(page, ScanFindingRead.model_validate)


@router.get("/issues", response_model=PageOut[IssueRead])
def list_issues(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List lasting network findings, open and most severe first; filter by status, severity, rule, host, asset_id."""
    page = issues.list_issues(session, principal, page_request(request, issues.ISSUE_SPEC))
    return page_out(page, issues.to_read)


@router.get("/issues/{issue_id}", response_model=IssueDetail)
def get_issue(issue_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a network finding with the scans that reported it and their evidence, newest first."""
    read = issues.to_read(issues.get_issue(session, principal, issue_id)).model_dump()
    seen = [IssueSighting(scan_id=s.id, scan_name=s.name, scanned_at=s.scanned_at, imported_at=s.created_at,
                          severity=f.severity, detail=f.detail, cves=list(f.cves or []))
            for f, s in issues.issue_sightings(session, principal, issue_id)]  # fmt: skip
    return IssueDetail(**read, sightings=seen)


@router.post("/issues/{issue_id}/triage", response_model=IssueRead)
def triage_issue(
    issue_id: uuid.UUID, body: IssueTriageIn, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Set a network finding's status: accepted (reason, until), false_positive (reason), fixed or open."""
    return issues.to_read(issues.triage_issue(session, principal, issue_id, body))


@router.get("/shadow-it", response_model=PageOut[DiscoveredHostRead])
def list_discovered(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List hosts scans saw that the inventory does not know (filter status=unconfirmed for the queue)."""
    page = service.list_discovered(session, principal, page_request(request, service.HOST_SPEC))
    return page_out(page, DiscoveredHostRead.model_validate)


@router.post("/shadow-it/{host_id}/adopt", response_model=DiscoveredHostRead)
def adopt(host_id: uuid.UUID, body: AdoptIn, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Create the inventory asset for a discovered host."""
    return service.adopt_host(session, principal, host_id, body.hostname, body.org_unit_id)


@router.post("/shadow-it/{host_id}/dismiss", response_model=DiscoveredHostRead)
def dismiss(host_id: uuid.UUID, body: DismissIn, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Dismiss a discovered host with a reason."""
    return service.dismiss_host(session, principal, host_id, body.reason)
