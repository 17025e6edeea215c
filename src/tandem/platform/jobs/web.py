"""Job pages: the list and a detail page whose progress updates without reloading."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from tandem.platform.api.deps import DbSession, get_db, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import PageRequest
from tandem.platform.jobs import service
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/jobs")
def jobs_page(request: Request, session: DbSession, principal: Principal = requires("jobs.view")) -> HTMLResponse:
    """List jobs, newest first."""
    params = {k: v for k, v in request.query_params.items() if v and k != "flash"}
    params.setdefault("sort", "-created_at")
    page = service.list_jobs(session, principal, PageRequest.parse(service.LIST_SPEC, params))
    return render(request, "platform/jobs.html", page=page, params=params)


@router.get("/jobs/{job_id}")
def job_page(
    job_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires("jobs.view")
) -> HTMLResponse:
    """Show one job; app.js polls the API for progress while it runs."""
    job = service.describe(service.get_job_row(session, principal, job_id))
    return render(request, "platform/job.html", job=job)


def stop_first(job_id: uuid.UUID, request: Request, principal: Principal = requires("jobs.view")) -> None:
    """Flag a job running in this process before the request's write transaction waits for its lock."""
    service.request_stop(get_db(request), principal, job_id)


@router.post("/jobs/{job_id}/cancel")
def job_cancel(
    job_id: uuid.UUID,
    _stopping: Annotated[None, Depends(stop_first)],  # declared before the session: resolved first
    session: DbSession,
    principal: Principal = requires("jobs.view"),
) -> Response:
    """Cancel a job."""
    service.cancel_job(session, principal, job_id)
    return redirect(f"/jobs/{job_id}", "Cancellation requested.")
