"""Vulnerability pages: findings with filters, finding detail with the why, triage, feed status and uploads."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import Conflict, InvalidInput, TandemError
from tandem.platform.safety.errors import UnsafeInput
from tandem.platform.safety.uploads import read_limited, safe_filename
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render
from tandem.vulnerabilities import cves, ingest, service, sync
from tandem.vulnerabilities.models import STATUSES
from tandem.vulnerabilities.schemas import CveRead, FindingStatusIn, SyncRequest

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
    return render(request, "vulnerabilities/cve.html", cve=cve, params=params, statuses=STATUSES,
                  epss_chart=_epss_chart(cve) if len(cve.epss_history) > 1 else None,
                  epss_step=ingest.get_vulnerability_settings().epss_history_min_change)  # fmt: skip


def _epss_chart(cve: CveRead) -> dict[str, Any]:
    """Return the kept EPSS points as a step line (a point holds until the next one kept)."""
    points = cve.epss_history
    data = [{"type": "scatter", "mode": "lines+markers", "line": {"shape": "hv", "color": "#1565c0"}, "name": "EPSS",
             "x": [p.date for p in points], "y": [p.score for p in points]}]  # fmt: skip
    layout = {"height": 240, "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
              "yaxis": {"title": {"text": "EPSS score"}, "rangemode": "tozero"}, "xaxis": {"type": "date"}}  # fmt: skip
    return {"data": data, "layout": layout}


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
    return _feeds(request, session, principal)


def _feeds(
    request: Request, session: DbSession, principal: Principal, status: int = 200, errors: dict[str, str] | None = None,
    sync_errors: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    return render(request, "vulnerabilities/feeds.html", status, status=service.feed_status(session, principal),
                  sync=sync.sync_state(session, principal), kinds=ingest.KINDS, errors=errors or {},
                  sync_errors=sync_errors or {})  # fmt: skip


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
        return _feeds(request, session, principal, 422, errors)
    return redirect(f"/jobs/{job.id}", "Feed import queued")


@router.post("/vulnerabilities/matches")
def queue_match(request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Queue a matching pass."""
    mode = "full" if text(form, "mode", 10) == "full" else "delta"
    job = service.queue_match(session, principal, mode)
    return redirect(f"/jobs/{job.id}", "Matching queued")


@router.post("/vulnerabilities/sync")
def queue_sync(request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Queue the NVD API sync and the KEV / EPSS downloads ticked in the form."""
    try:
        since = text(form, "since", 10)
        body = SyncRequest.model_validate({
            "only": [k for k in ("nvd", "kev", "epss") if form.get(f"only_{k}")],
            "since": since or None, "full": bool(form.get("full")), "match": True,
        })  # fmt: skip
        jobs = sync.queue_sync(session, principal, body)
    except TandemError as exc:
        discard(session)
        return _feeds(request, session, principal, 409 if isinstance(exc, Conflict) else 422,
                      sync_errors=form_errors(exc))  # fmt: skip
    except ValueError:
        discard(session)
        return _feeds(request, session, principal, 422, sync_errors={"since": "give a day as YYYY-MM-DD"})
    return redirect(f"/jobs/{jobs[0].id}", f"Sync queued ({', '.join(j.name.split('.')[1] for j in jobs)})")
