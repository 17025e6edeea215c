"""Vulnerability pages: findings with filters, finding detail with the why, triage, feed status and uploads."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import InvalidInput, TandemError
from tandem.platform.safety.errors import UnsafeInput
from tandem.platform.safety.uploads import read_limited, safe_filename
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render
from tandem.vulnerabilities import cves, ingest, service
from tandem.vulnerabilities.models import STATUSES
from tandem.vulnerabilities.schemas import FindingStatusIn

router = APIRouter(include_in_schema=False)
VIEW, EDIT = "vulnerabilities.view", "vulnerabilities.edit"
FILTERS = ("status", "priority_tier", "kev", "q", "cursor", "sort", "asset_id", "cve_id")


@router.get("/vulnerabilities")
def findings_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """List findings, most urgent first, with status / tier / KEV filters."""
    params = {k: v for k, v in request.query_params.items() if v and k in FILTERS}
    params.setdefault("status", "open")
    query = {k: v for k, v in params.items() if not (k == "status" and v == "any")}
    page = service.list_findings(session, principal, PageRequest.parse(service.FINDING_SPEC, {"limit": "100", **query}))
    return render(request, "vulnerabilities/findings.html", page=page, params=params, statuses=STATUSES,
                  counts=service.finding_counts(session, principal))  # fmt: skip


@router.get("/vulnerabilities/cves/{cve_id}")
def cve_page(cve_id: str, request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Show a CVE: KEV, EPSS, CVSS, its description, and the affected items you may see with why each matched."""
    params = {k: v for k, v in request.query_params.items() if v and k in ("status", "cursor", "asset_id")}
    req = PageRequest.parse(cves.AFFECTED_SPEC, {"limit": "100", **params})
    cve = cves.get_cve(session, principal, cve_id, req)
    return render(request, "vulnerabilities/cve.html", cve=cve, params=params, statuses=STATUSES)


@router.get("/vulnerabilities/findings/{finding_id}")
def finding_page(
    finding_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """Show a finding: the component, the advisory, why it matched, its priority and triage history."""
    return _finding(request, session, principal, finding_id)


def _finding(
    request: Request, session: DbSession, principal: Principal, finding_id: uuid.UUID, status: int = 200,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    finding = service.get_finding(session, principal, finding_id)
    try:
        advisory = service.get_advisory(session, principal, finding.advisory_id)
    except TandemError:
        advisory = None
    return render(request, "vulnerabilities/finding.html", status, finding=finding, advisory=advisory,
                  statuses=STATUSES, errors=errors or {})  # fmt: skip


@router.post("/vulnerabilities/findings/{finding_id}/status")
def set_status(
    finding_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Record a triage decision from the form."""
    try:
        body = FindingStatusIn.model_validate(
            {"status": text(form, "status", 20), "reason": text(form, "reason", 4000)}
        )
        service.set_status(session, principal, finding_id, body)
    except TandemError as exc:
        discard(session)
        return _finding(request, session, principal, finding_id, 422, form_errors(exc))
    except ValueError:
        discard(session)
        return _finding(request, session, principal, finding_id, 422, {"status": "choose a status"})
    return redirect(f"/vulnerabilities/findings/{finding_id}", "Status saved")


@router.get("/vulnerabilities/feeds")
def feeds_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Show what is stored, the latest imports and matching pass, and the upload form."""
    return render(request, "vulnerabilities/feeds.html", status=service.feed_status(session, principal),
                  kinds=ingest.KINDS, errors={})  # fmt: skip


@router.post("/vulnerabilities/feeds")
async def upload_feed(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Queue the uploaded feed file's import."""
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput.one("file", "choose a file")
        data = read_limited(upload.file, get_settings().max_upload_bytes, upload.filename)
        job = service.queue_feed_import(
            session, principal, text(form, "kind", 10), data, safe_filename(upload.filename)
        )
    except (TandemError, UnsafeInput) as exc:
        discard(session)
        errors = form_errors(exc) if isinstance(exc, TandemError) else {"file": str(exc)}
        return render(request, "vulnerabilities/feeds.html", 422, status=service.feed_status(session, principal),
                      kinds=ingest.KINDS, errors=errors)  # fmt: skip
    return redirect(f"/jobs/{job.id}", "Feed import queued")


@router.post("/vulnerabilities/matches")
def queue_match(request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Queue a matching pass."""
    mode = "full" if text(form, "mode", 10) == "full" else "delta"
    job = service.queue_match(session, principal, mode)
    return redirect(f"/jobs/{job.id}", "Matching queued")
