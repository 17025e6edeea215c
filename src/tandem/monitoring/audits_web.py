"""Network audit pages: checklists and audits (schedule form, shipped template), one audit's items with result
forms (note, evidence file or link)."""

from __future__ import annotations

import datetime as dt
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from tandem.monitoring import audits
from tandem.monitoring.audit_models import AUDIT_STATUSES
from tandem.monitoring.schemas import AuditCreate, AuditResultIn, AuditUpdate
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.models import User
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import Conflict, FieldError, InvalidInput, TandemError
from tandem.platform.safety.errors import UnsafeInput
from tandem.platform.safety.uploads import read_limited
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)
VIEW, EDIT = "monitoring.view", "monitoring.edit"


def _invalid(exc: ValidationError) -> InvalidInput:
    return InvalidInput([FieldError(".".join(["form", *map(str, e["loc"])]), e["msg"]) for e in exc.errors()])


def _audits(request: Request, session: DbSession, principal: Principal, status: int = 200,
            errors: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
    lists = audits.list_checklists(session, principal, PageRequest.parse(audits.CHECKLIST_SPEC, {"limit": "500"}))
    req = PageRequest.parse(audits.AUDIT_SPEC, {"limit": "200", "sort": "-created_at"})
    page = audits.list_audits(session, principal, req)
    names = {c.id: c.name for c in lists.items}
    return render(request, "monitoring/audits.html", status, checklists=lists.items, page=page, names=names,
                  errors=errors or {})  # fmt: skip


@router.get("/monitoring/audits")
def audits_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """List checklists and audits, with the schedule form."""
    return _audits(request, session, principal)


@router.post("/monitoring/audits")
def schedule(request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Schedule an audit, or create the shipped template checklist."""
    try:
        if text(form, "action", 20) == "template":
            made = audits.install_template(session, principal)
            return redirect("/monitoring/audits", f"Checklist {made.name} ready")
        try:
            due = text(form, "due_on", 20)
            data = AuditCreate.model_validate({
                "checklist_id": text(form, "checklist_id", 40), "title": text(form, "title", 201),
                "assignee": text(form, "assignee", 201), "due_on": dt.date.fromisoformat(due) if due else None,
                "asset_ids": [a for a in text(form, "asset_ids", 4000).replace(",", " ").split() if a]})  # fmt: skip
        except ValidationError as exc:
            raise _invalid(exc) from None
        except ValueError:
            raise InvalidInput.one("form.due_on", "must be a date") from None
        audit = audits.create_audit(session, principal, data)
    except TandemError as exc:
        discard(session)
        return _audits(request, session, principal, 422, form_errors(exc))
    return redirect(f"/monitoring/audits/{audit.id}", "Audit scheduled")


def _detail(request: Request, session: DbSession, principal: Principal, audit_id: uuid.UUID, status: int = 200,
            errors: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
    audit = audits.get_audit(session, principal, audit_id)
    checklist = audits.get_checklist(session, principal, audit.checklist_id)
    results = {r.item_key: r for r in audits.audit_results(session, principal, audit_id)}
    return render(request, "monitoring/audit.html", status, audit=audit, checklist=checklist, results=results,
                  errors=errors or {})  # fmt: skip


@router.get("/monitoring/audits/{audit_id}")
def audit_page(
    audit_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """Show an audit's checklist items with their results and the result forms."""
    return _detail(request, session, principal, audit_id)


@router.post("/monitoring/audits/{audit_id}")
def record(
    audit_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Record one item's result with a note and an evidence file or link."""
    try:
        upload = form.get("file")
        file = None
        if isinstance(upload, UploadFile) and upload.filename:
            file = (read_limited(upload.file, get_settings().max_upload_bytes, upload.filename), upload.filename)
        try:
            data = AuditResultIn.model_validate({
                "item_key": text(form, "item_key", 101), "result": text(form, "result", 10),
                "note": text(form, "note", 4001), "evidence_link": text(form, "evidence_link", 1001)})  # fmt: skip
        except ValidationError as exc:
            raise _invalid(exc) from None
        audits.record_result(session, principal, audit_id, data, file)
    except (TandemError, UnsafeInput) as exc:
        discard(session)
        errors = form_errors(exc) if isinstance(exc, TandemError) else {"file": str(exc)}
        return _detail(request, session, principal, audit_id, 422, errors)
    return redirect(f"/monitoring/audits/{audit_id}", f"{data.item_key}: {data.result}")


def _edit(request: Request, session: DbSession, principal: Principal, audit_id: uuid.UUID, status: int = 200,
          errors: dict[str, str] | None = None, values: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
    audit = audits.get_audit(session, principal, audit_id)
    assignee = session.get(User, audit.assignee_id) if audit.assignee_id else None
    current = {"title": audit.title, "asset_ids": " ".join(audit.asset_ids), "status": audit.status,
               "assignee": assignee.username if assignee else "", "due_on": str(audit.due_on or "")}  # fmt: skip
    recorded = len(audits.audit_results(session, principal, audit.id))
    return render(request, "monitoring/audit_edit.html", status, audit=audit, values={**current, **(values or {})},
                  statuses=AUDIT_STATUSES, recorded=recorded, errors=errors or {})  # fmt: skip


@router.get("/monitoring/audits/{audit_id}/edit")
def edit_page(
    audit_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(EDIT)
) -> HTMLResponse:
    """The edit form of an audit, with cancel and delete."""
    return _edit(request, session, principal, audit_id)


def _update(form: WebForm) -> AuditUpdate:
    due = text(form, "due_on", 20)
    try:
        return AuditUpdate.model_validate({
            "title": text(form, "title", 201), "assignee": text(form, "assignee", 201),
            "status": text(form, "status", 20) or None, "due_on": dt.date.fromisoformat(due) if due else None,
            "asset_ids": [a for a in text(form, "asset_ids", 4000).replace(",", " ").split() if a]})  # fmt: skip
    except ValidationError as exc:
        raise _invalid(exc) from None
    except ValueError:
        raise InvalidInput.one("form.due_on", "must be a date") from None


@router.post("/monitoring/audits/{audit_id}/edit")
def edit(
    audit_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Save an audit's title, scope, assignee, due date and status."""
    try:
        audits.update_audit(session, principal, audit_id, _update(form))
    except TandemError as exc:
        discard(session)
        values = {k: text(form, k, 4000) for k in ("title", "asset_ids", "assignee", "due_on", "status")}
        return _edit(request, session, principal, audit_id, 422, form_errors(exc), values)
    return redirect(f"/monitoring/audits/{audit_id}", "Audit saved")


@router.post("/monitoring/audits/{audit_id}/delete")
def delete(
    audit_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Cancel an audit (it keeps its results) or delete one without results; both need the confirmation box."""
    cancel = text(form, "action", 10) == "cancel"
    try:
        if text(form, "confirm", 5) != "yes":
            raise InvalidInput.one("form.confirm", f"tick the box to confirm {'cancelling' if cancel else 'deleting'}")
        if cancel:
            audits.update_audit(session, principal, audit_id, AuditUpdate(status="cancelled"))
        else:
            audits.delete_audit(session, principal, audit_id)
    except (InvalidInput, Conflict) as exc:
        discard(session)
        return _edit(request, session, principal, audit_id, 422 if isinstance(exc, InvalidInput) else 409,
                     form_errors(exc))  # fmt: skip
    if cancel:
        return redirect(f"/monitoring/audits/{audit_id}", "Audit cancelled")
    return redirect("/monitoring/audits", "Audit deleted")
