"""REST routes to follow and cancel jobs."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from tandem.platform.api.deps import DbSession, get_db, requires
from tandem.platform.api.paging import PageOut, page_out, page_request
from tandem.platform.auth.principal import Principal
from tandem.platform.jobs import service
from tandem.platform.jobs.schemas import JobRead

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


def _read(job: Any) -> JobRead:
    return JobRead.model_validate(service.describe(job))


@router.get("", response_model=PageOut[JobRead])
def list_jobs(request: Request, session: DbSession, principal: Principal = requires("jobs.view")) -> Any:
    """List jobs (one's own; all of them for job managers); filter by status or name."""
    return page_out(service.list_jobs(session, principal, page_request(request, service.LIST_SPEC)), _read)


@router.get("/{job_id}", response_model=JobRead)
def get_job(job_id: uuid.UUID, session: DbSession, principal: Principal = requires("jobs.view")) -> Any:
    """Return a job with its progress and log."""
    return _read(service.get_job_row(session, principal, job_id))


def stop_first(job_id: uuid.UUID, request: Request, principal: Principal = requires("jobs.view")) -> None:
    """Flag a job running in this process before the request's write transaction waits for its lock."""
    service.request_stop(get_db(request), principal, job_id)


@router.post("/{job_id}/cancel", response_model=JobRead)
def cancel_job(
    job_id: uuid.UUID,
    _stopping: Annotated[None, Depends(stop_first)],  # declared before the session: resolved first
    session: DbSession,
    principal: Principal = requires("jobs.view"),
) -> Any:
    """Cancel a queued job, or ask a running one to stop."""
    return _read(service.cancel_job(session, principal, job_id))
