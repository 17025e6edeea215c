"""Access pages: overview with who-can search, findings, identities (effective access), accounts and the
correlation queue, imports with upload. Review campaign pages are in web_reviews.py."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from tandem.access import analyze, effective, imports, service
from tandem.access.models import Account, Finding, Identity, ImportRun, System
from tandem.access.repository import SPECS, AccessRepository
from tandem.access.schemas import CorrelateIn, FindingUpdate
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import InvalidInput, NotFound, TandemError
from tandem.platform.web.forms import WebForm, discard, text
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)
VIEW, EDIT = "access.view", "access.edit"
KIND_LABELS = {
    "orphan": "Orphan account",
    "dormant": "Dormant account",
    "terminated_active": "Terminated, still active",
    "privileged_no_mfa": "Privileged without MFA",
    "excessive": "Excessive access",
    "sod": "SoD conflict",
    "unowned_service": "Service account without owner",
}
STATUSES = ("open", "acknowledged", "confirmed", "escalated", "resolved", "false_positive")


def _count(session: Any, principal: Principal, model: Any, **where: Any) -> int:
    return service.count_visible(session, principal, model, **where)


@router.get("/access")
def overview(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Counts, findings per kind, the latest analysis and the who-can search."""
    counts = {
        "systems": _count(session, principal, System),
        "identities": _count(session, principal, Identity),
        "accounts": _count(session, principal, Account),
        "uncorrelated": _count(session, principal, Account, identity_id=None, is_service_account=False),
    }
    stmt = AccessRepository(session, Finding).visible(principal, status="open")
    by_kind: dict[str, int] = {}
    for kind in session.scalars(stmt.with_only_columns(Finding.kind)):
        by_kind[kind] = by_kind.get(kind, 0) + 1
    return render(
        request,
        "access/overview.html",
        counts=counts,
        by_kind=sorted(by_kind.items()),
        labels=KIND_LABELS,
        run=analyze.latest_run(session),
    )


@router.post("/access/analyze")
def analyze_page(session: DbSession, principal: Principal = requires("access.analyze")) -> Response:
    """Queue the analysis and follow its job."""
    run = analyze.start(session, principal)
    return redirect(f"/jobs/{run.job_id}", "Analysis queued.")


@router.get("/access/who-can")
def who_can_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Who can reach a data store or data category, through which account, entitlement and group path."""
    target = request.query_params.get("target", "")[:300].strip()
    result, error = None, ""
    if target:
        try:
            result = effective.who_can(session, principal, target, limit=1000)
        except NotFound as exc:
            error = exc.message
    return render(request, "access/who_can.html", target=target, result=result, error=error)


@router.get("/access/findings")
def findings_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Findings and activity signals with filters."""
    params = {k: v for k, v in request.query_params.items() if k in ("kind", "status", "severity", "cursor") and v}
    params.setdefault("status", "open")
    try:
        page = service.list_page(
            session, principal, "findings", PageRequest.parse(SPECS["findings"], {**params, "limit": "100"})
        )
    except InvalidInput:
        params = {"status": "open"}
        page = service.list_page(session, principal, "findings", PageRequest.parse(SPECS["findings"], params))
    kinds = sorted({*KIND_LABELS, *service.finding_kinds(session, principal)})
    return render(
        request, "access/findings.html", page=page, params=params, kinds=kinds, labels=KIND_LABELS, statuses=STATUSES
    )


@router.get("/access/findings/{finding_id}")
def finding_page(
    finding_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """One finding: evidence, the identity and account concerned, its lifecycle."""
    finding = service.get(session, principal, "findings", finding_id)
    return render(
        request,
        "access/finding.html",
        f=finding,
        names=service.labels(session, [finding]),
        labels=KIND_LABELS,
        statuses=STATUSES,
    )


@router.post("/access/findings/{finding_id}/status")
def finding_status(
    finding_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Change a finding's status with a note (escalated = handed to incident response)."""
    try:
        data = FindingUpdate.model_validate({"status": text(form, "status", 40), "note": text(form, "note", 5000)})
        service.update_finding(session, principal, finding_id, data)
    except (TandemError, ValueError):
        discard(session)
        return redirect(f"/access/findings/{finding_id}", "Choose a valid status.")
    return redirect(f"/access/findings/{finding_id}", "Finding updated.")


@router.get("/access/identities")
def identities_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Identities with search and status filter."""
    params = {k: v for k, v in request.query_params.items() if k in ("q", "status", "cursor") and v}
    try:
        page = service.list_page(
            session, principal, "identities", PageRequest.parse(SPECS["identities"], {**params, "limit": "100"})
        )
    except InvalidInput:
        params, page = (
            {},
            service.list_page(session, principal, "identities", PageRequest.parse(SPECS["identities"], {})),
        )
    return render(request, "access/identities.html", page=page, params=params)


@router.get("/access/identities/{identity_id}")
def identity_page(
    identity_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """A person: accounts, everything they can reach (with include paths and data stores), their findings."""
    result = effective.effective_for_identity(session, principal, identity_id)
    findings = service.findings_for(session, principal, identity_id=identity_id)
    systems = service.system_names(session, principal)
    return render(
        request,
        "access/identity.html",
        ident=result["identity"],
        accounts=result["accounts"],
        rows=result["rows"],
        findings=findings,
        systems=systems,
    )


@router.get("/access/accounts")
def accounts_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Accounts, or (queue=1) the uncorrelated queue with a form to resolve each."""
    queue = request.query_params.get("queue") == "1"
    params = {k: v for k, v in request.query_params.items() if k in ("q", "status", "system_id", "cursor") and v}
    if queue:
        rows, cursor = service.uncorrelated_accounts(session, principal), None
    else:
        try:
            page = service.list_page(
                session, principal, "accounts", PageRequest.parse(SPECS["accounts"], {**params, "limit": "100"})
            )
        except InvalidInput:
            params, page = (
                {},
                service.list_page(session, principal, "accounts", PageRequest.parse(SPECS["accounts"], {})),
            )
        rows, cursor = list(page.items), page.next_cursor
    systems = service.system_names(session, principal)
    idents = service.identities_by_id(session, principal, [r.identity_id for r in rows if r.identity_id])
    return render(
        request,
        "access/accounts.html",
        rows=rows,
        cursor=cursor,
        params=params,
        queue=queue,
        systems=systems,
        idents=idents,
    )


@router.post("/access/accounts/{account_id}/correlate")
def correlate_page(
    account_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Resolve a queued account by the identity's employee id."""
    emp = text(form, "employee_id", 100).strip()
    ident = service.identity_by_employee_id(session, principal, emp)
    if ident is None:
        return redirect("/access/accounts?queue=1", f"No identity with employee id {emp!r}.")
    service.correlate(session, principal, account_id, CorrelateIn(identity_id=ident.id))
    return redirect("/access/accounts?queue=1", f"Linked to {ident.display_name or ident.employee_id}.")


@router.get("/access/imports")
def imports_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Recent imports with their counts, and the upload form."""
    stmt = AccessRepository(session, ImportRun).visible(principal).order_by(ImportRun.created_at.desc()).limit(50)
    return render(
        request, "access/imports.html", runs=list(session.scalars(stmt)), kinds=imports.KINDS_ORDER, errors=[]
    )


@router.post("/access/imports")
async def upload_page(request: Request, principal: Principal = requires("access.import")) -> Response:
    """Import an uploaded file; all rows or none; errors listed by line."""
    from starlette.concurrency import run_in_threadpool

    form = await request.form()
    upload = form.get("file")
    kind = str(form.get("kind") or "")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return redirect("/access/imports", "Choose a file.")
    data = await upload.read(512 * 1024 * 1024 + 1)
    partial = form.get("partial") == "true"
    return await run_in_threadpool(_upload, request, principal, kind, data, upload.filename, partial)


def _upload(request: Request, principal: Principal, kind: str, data: bytes, name: str, partial: bool) -> Response:
    from tandem.platform.api.deps import actor_of, get_db
    from tandem.platform.db.uow import unit_of_work

    try:
        with unit_of_work(get_db(request), actor=actor_of(principal, request)) as session:
            run = imports.import_file(session, principal, kind, data, name[:200], partial=partial)
            summary = ", ".join(f"{k} {v}" for k, v in run.counts.items())
    except TandemError as exc:
        errors = exc.errors if isinstance(exc, InvalidInput) else []
        with unit_of_work(get_db(request), readonly=True) as session:
            stmt = (
                AccessRepository(session, ImportRun).visible(principal).order_by(ImportRun.created_at.desc()).limit(50)
            )
            return render(
                request,
                "access/imports.html",
                422,
                runs=list(session.scalars(stmt)),
                kinds=imports.KINDS_ORDER,
                errors=errors[:50] or [exc.message],
            )
    return redirect("/access/imports", f"Imported {name}: {summary}.")
