"""REST routes /api/v1/monitoring/checks: queue own TCP/TLS checks, show the approved scope."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from tandem.monitoring.ownchecks import jobs as _jobs  # noqa: F401 - registers monitoring.run_checks
from tandem.monitoring.ownchecks import service
from tandem.monitoring.ownchecks.schemas import ChecksIn, ScopeRead
from tandem.monitoring.schemas import JobQueued
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal

router = APIRouter(prefix="/api/v1/monitoring", tags=["monitoring"])
VIEW, EDIT = "monitoring.view", "monitoring.edit"


@router.post("/checks", status_code=202, response_model=JobQueued)
def queue_checks(body: ChecksIn, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Queue TCP and TLS checks of the given targets (or the inventory's declared services) inside the scope."""
    job = service.queue_checks(session, principal, body.targets, body.org_unit_id)
    return JobQueued(job_id=job.id, name=job.name)


@router.get("/checks/scope", response_model=ScopeRead)
def show_scope(principal: Principal = requires(VIEW)) -> Any:
    """Return the approved target scope."""
    scope = service.current_scope()
    return ScopeRead(entries=[e.strip() for e in scope.describe().split(",")] if not scope.empty else [],
                     empty=scope.empty)  # fmt: skip
