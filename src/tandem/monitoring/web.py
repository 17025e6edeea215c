"""Monitoring pages: scans with upload, scan detail with findings and diffs, the shadow-IT queue."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from tandem.monitoring import service
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import InvalidInput, TandemError
from tandem.platform.safety.errors import UnsafeInput
from tandem.platform.safety.uploads import read_limited, safe_filename
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)
VIEW, EDIT = "monitoring.view", "monitoring.edit"


def _scans(request: Request, session: DbSession, principal: Principal, status: int = 200,
           errors: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
    page = service.list_scans(
        session, principal, PageRequest.parse(service.SCAN_SPEC, {"limit": "100", "sort": "-created_at"})
    )
    return render(request, "monitoring/scans.html", status, page=page, errors=errors or {})


@router.get("/monitoring/scans")
def scans_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """List scans, newest first, with the upload form."""
    return _scans(request, session, principal)


@router.post("/monitoring/scans")
async def upload_scan(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Queue the uploaded scan's import."""
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput.one("file", "choose a file")
        data = read_limited(upload.file, get_settings().max_upload_bytes, upload.filename)
        job = service.queue_scan_import(session, principal, data, safe_filename(upload.filename),
                                        text(form, "name", 200), text(form, "target", 300))  # fmt: skip
    except (TandemError, UnsafeInput) as exc:
        discard(session)
        errors = form_errors(exc) if isinstance(exc, TandemError) else {"file": str(exc)}
        return _scans(request, session, principal, 422, errors)
    return redirect(f"/jobs/{job.id}", "Scan import queued")


@router.get("/monitoring/scans/{scan_id}")
def scan_page(
    scan_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """Show a scan: hosts, audit findings and port changes since the previous scan of the same target."""
    scan = service.get_scan(session, principal, scan_id)
    findings = service.scan_findings(session, principal, scan_id)
    diffs = [f for f in findings if f.rule.startswith("port-")]
    others = [f for f in findings if not f.rule.startswith("port-")]
    return render(request, "monitoring/scan.html", scan=scan, findings=others, diffs=diffs)


@router.get("/monitoring/shadow-it")
def shadow_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """The shadow-IT queue: discovered hosts nobody adopted or dismissed yet."""
    status = request.query_params.get("status", "unconfirmed")
    params = {"limit": "200", "sort": "-last_seen_at", **({"status": status} if status != "any" else {})}
    page = service.list_discovered(session, principal, PageRequest.parse(service.HOST_SPEC, params))
    return render(request, "monitoring/shadow_it.html", page=page, status=status, errors={})


@router.post("/monitoring/shadow-it/{host_id}")
def decide(host_id: uuid.UUID, request: Request, form: WebForm, session: DbSession,
           principal: Principal = requires(EDIT)) -> Response:  # fmt: skip
    """Adopt (create the asset) or dismiss a discovered host."""
    try:
        if text(form, "decision", 10) == "adopt":
            service.adopt_host(session, principal, host_id, text(form, "hostname", 255))
            flash = "Host adopted into the inventory; its network findings moved to the asset"
        else:
            service.dismiss_host(session, principal, host_id, text(form, "reason", 4000))
            flash = "Host dismissed; its open network findings are closed"
    except TandemError as exc:
        discard(session)
        return redirect("/monitoring/shadow-it", "; ".join(form_errors(exc).values())[:200])
    return redirect("/monitoring/shadow-it", flash)
