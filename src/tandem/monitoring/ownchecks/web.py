"""Own-check pages: the form that queues TCP/TLS checks of explicit targets or the inventory's declared services."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tandem.monitoring.ownchecks import jobs as _jobs  # noqa: F401 - registers monitoring.run_checks
from tandem.monitoring.ownchecks import service
from tandem.monitoring.ownchecks.targets import SERVICE_TAG
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import TandemError
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)
EDIT = "monitoring.edit"


def _page(request: Request, status: int = 200, errors: dict[str, str] | None = None, targets: str = "") -> HTMLResponse:
    try:
        scope = service.current_scope().describe()
    except TandemError as exc:
        scope, errors = "(invalid)", {**(errors or {}), **form_errors(exc)}
    return render(request, "monitoring/ownchecks_page.html", status, scope=scope, errors=errors or {},
                  targets=targets, service_tag=SERVICE_TAG)  # fmt: skip


@router.get("/monitoring/checks")
def checks_page(request: Request, principal: Principal = requires(EDIT)) -> HTMLResponse:
    """Show the approved scope and the form that queues own checks."""
    return _page(request)


@router.post("/monitoring/checks")
def queue_checks(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Queue own checks of the listed targets (one per line), or of the inventory's declared services."""
    raw = text(form, "targets", 100_000)
    specs = [line.strip() for line in raw.replace(",", "\n").splitlines() if line.strip()]
    try:
        job = service.queue_checks(session, principal, specs)
    except TandemError as exc:
        discard(session)
        return _page(request, 422, form_errors(exc), raw)
    return redirect(f"/jobs/{job.id}", "Own checks queued")
