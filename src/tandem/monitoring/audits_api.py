"""REST routes /api/v1/monitoring: audit checklists (and the shipped template), network audits, item results."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from tandem.monitoring import audits, checklists
from tandem.monitoring.schemas import (
    AuditCreate,
    AuditDetail,
    AuditRead,
    AuditResultIn,
    AuditResultRead,
    AuditUpdate,
    ChecklistCopy,
    ChecklistCreate,
    ChecklistRead,
    ChecklistUpdate,
)
from tandem.platform.api.deps import DbSession, actor_of, get_db, requires
from tandem.platform.api.paging import PageOut, page_out, page_request
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.db.uow import unit_of_work
from tandem.platform.errors import FieldError, InvalidInput
from tandem.platform.safety.uploads import read_limited

router = APIRouter(prefix="/api/v1/monitoring", tags=["monitoring"])
VIEW, EDIT = "monitoring.view", "monitoring.edit"


@router.get("/checklists", response_model=PageOut[ChecklistRead])
def list_checklists(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List audit checklists."""
    page = audits.list_checklists(session, principal, page_request(request, audits.CHECKLIST_SPEC))
    return page_out(page, ChecklistRead.model_validate)


@router.post("/checklists", status_code=201, response_model=ChecklistRead)
def create_checklist(body: ChecklistCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Create a reusable checklist of items (key, text, guidance)."""
    return audits.create_checklist(session, principal, body)


@router.post("/checklists/template", status_code=201, response_model=ChecklistRead)
def install_template(
    session: DbSession, org_unit_id: uuid.UUID | None = None, principal: Principal = requires(EDIT)
) -> Any:
    """Create the shipped "Network security audit" checklist in a unit (idempotent)."""
    return audits.install_template(session, principal, org_unit_id)


@router.get("/checklists/{checklist_id}", response_model=ChecklistRead)
def get_checklist(checklist_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a checklist with its items in order."""
    return audits.get_checklist(session, principal, checklist_id)


@router.patch("/checklists/{checklist_id}", response_model=ChecklistRead)
def update_checklist(
    checklist_id: uuid.UUID, body: ChecklistUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Rename a checklist or replace its items (the whole list, in order); items with recorded results stay."""
    return checklists.update_checklist(session, principal, checklist_id, body)


@router.post("/checklists/{checklist_id}/copy", status_code=201, response_model=ChecklistRead)
def copy_checklist(
    checklist_id: uuid.UUID, body: ChecklistCopy, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Copy a checklist (e.g. the shipped template) under a new name, to make it your own."""
    return checklists.copy_checklist(session, principal, checklist_id, body)


@router.delete("/checklists/{checklist_id}", status_code=204)
def delete_checklist(checklist_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a checklist that no audit runs."""
    checklists.delete_checklist(session, principal, checklist_id)
    return Response(status_code=204)


@router.get("/audits", response_model=PageOut[AuditRead])
def list_audits(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List network audits; filter by status or checklist_id."""
    return page_out(audits.list_audits(session, principal, page_request(request, audits.AUDIT_SPEC)),
                    AuditRead.model_validate)  # fmt: skip


@router.post("/audits", status_code=201, response_model=AuditRead)
def create_audit(body: AuditCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Schedule an audit: checklist, scope (org unit, optional assets), assignee, due date."""
    return audits.create_audit(session, principal, body)


@router.get("/audits/{audit_id}", response_model=AuditDetail)
def get_audit(audit_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return an audit with its recorded item results."""
    read = AuditRead.model_validate(audits.get_audit(session, principal, audit_id)).model_dump()
    results = [AuditResultRead.model_validate(r) for r in audits.audit_results(session, principal, audit_id)]
    return AuditDetail(**read, results=results)


@router.patch("/audits/{audit_id}", response_model=AuditRead)
def update_audit(
    audit_id: uuid.UUID, body: AuditUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Edit an audit: title, scope (until a result is recorded), assignee, due date, status (e.g. cancelled)."""
    return audits.update_audit(session, principal, audit_id, body)


@router.delete("/audits/{audit_id}", status_code=204)
def delete_audit(audit_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete an audit without recorded results (cancel one that has them)."""
    audits.delete_audit(session, principal, audit_id)
    return Response(status_code=204)


@router.post("/audits/{audit_id}/results", response_model=AuditResultRead)
async def record_result(
    audit_id: uuid.UUID,
    request: Request,
    item_key: str = Form(..., max_length=100),
    result: str = Form(..., max_length=10),
    note: str = Form("", max_length=4000),
    evidence_link: str = Form("", max_length=1000),
    file: UploadFile | None = File(None),
    principal: Principal = requires(EDIT),
) -> Any:
    """Record an item's result (pass, fail, n/a) with a note and an evidence file or link; a fail raises a finding."""
    upload = None
    if file is not None and file.filename:
        upload = (read_limited(file.file, get_settings().max_upload_bytes, file.filename), file.filename)
    try:
        data = AuditResultIn.model_validate(
            {"item_key": item_key, "result": result, "note": note, "evidence_link": evidence_link}
        )
    except ValidationError as exc:
        raise InvalidInput(
            [FieldError(".".join(["body", *map(str, e["loc"])]), e["msg"]) for e in exc.errors()]
        ) from None

    def run() -> Any:
        with unit_of_work(get_db(request), actor=actor_of(principal, request)) as session:
            return AuditResultRead.model_validate(audits.record_result(session, principal, audit_id, data, upload))

    return await run_in_threadpool(run)
