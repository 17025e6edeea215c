"""Assessment forms: start an assessment (optionally pre-filled), complete or reopen it, gaps to POA&M, evidence."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from tandem.compliance.assessments import service as assessments
from tandem.compliance.common import validate
from tandem.compliance.evidence import service as evidence
from tandem.compliance.records import SPEC
from tandem.compliance.schemas import AssessmentCreate, AssessmentUpdate, EvidenceCreate, EvidenceUpdate
from tandem.compliance.web_common import BLANK, errors_of, framework_choices, unit_choices
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import InvalidInput, NotFound, TandemError
from tandem.platform.safety.errors import UnsafeInput
from tandem.platform.safety.uploads import read_limited
from tandem.platform.web.forms import WebForm, discard, text
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)
VIEW, EDIT, ASSESS = "compliance.view", "compliance.edit", "compliance.assess"
ASSESSMENT_FIELDS = ("title", "framework_id", "org_unit_id", "scope", "prefill_from_id")
EVIDENCE_FIELDS = ("kind", "title", "url", "note", "valid_from", "valid_until")
EVIDENCE_KINDS = [("file", "File"), ("link", "Link"), ("note", "Note")]


def _assessment_form(
    request: Request, session: Session, principal: Principal, values: dict[str, str], errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:  # fmt: skip
    page = assessments.list_assessments(session, principal, PageRequest.parse(SPEC, {"limit": "200"}))
    sources = BLANK + [(str(a.id), a.title) for a in page.items]
    return render(request, "compliance/assessment_form.html", status, values=values, errors=errors, sources=sources,
                  frameworks=BLANK + framework_choices(session, principal),
                  units=unit_choices(session, principal, ASSESS))  # fmt: skip


@router.get("/compliance/assessments/new")
def new_assessment(request: Request, session: DbSession, principal: Principal = requires(ASSESS)) -> HTMLResponse:
    """Show the form that starts an assessment (?framework_id= and ?prefill_from_id= preselect)."""
    values = {k: v[:100] for k, v in request.query_params.items() if k in ("framework_id", "prefill_from_id")}
    return _assessment_form(request, session, principal, values, {})


@router.post("/compliance/assessments/new")
def create_assessment(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires(ASSESS)
) -> Response:
    """Start the assessment: one result per assessable requirement, pre-filled through mappings if asked."""
    values = {name: text(form, name).strip() for name in ASSESSMENT_FIELDS}
    data: dict[str, Any] = {k: v or None for k, v in values.items()}
    data["title"], data["scope"] = values["title"], values["scope"]
    try:
        assessment = assessments.create_assessment(session, principal, validate(AssessmentCreate, data))
    except TandemError as exc:
        discard(session)
        return _assessment_form(request, session, principal, values, errors_of(exc), 422)
    return redirect(f"/compliance/assessments/{assessment.id}", "Assessment started.")


@router.post("/compliance/assessments/{assessment_id}/status")
def set_status(
    assessment_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(ASSESS)
) -> Response:
    """Complete (every result decided) or reopen an assessment."""
    try:
        data = validate(AssessmentUpdate, {"status": text(form, "status", 20)})
        assessments.update_assessment(session, principal, assessment_id, data)
    except TandemError as exc:
        discard(session)
        return redirect(f"/compliance/assessments/{assessment_id}", errors_of(exc).popitem()[1])
    return redirect(f"/compliance/assessments/{assessment_id}", "Status changed.")


@router.post("/compliance/assessments/{assessment_id}/poam")
def gaps_to_poam(
    assessment_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Open a POA&M item, due on the chosen date, for every gap that has none yet."""
    try:
        try:
            due = dt.date.fromisoformat(text(form, "due_date", 20))
        except ValueError:
            raise InvalidInput.one("due_date", "choose a due date (YYYY-MM-DD)") from None
        items = assessments.gaps_to_poam(session, principal, assessment_id, due)
    except TandemError as exc:
        discard(session)
        return redirect(f"/compliance/assessments/{assessment_id}", errors_of(exc).popitem()[1])
    return redirect(f"/compliance/poam?assessment_id={assessment_id}", f"Opened {len(items)} POA&M item(s).")


def _result(session: Session, principal: Principal, assessment_id: uuid.UUID, result_id: uuid.UUID) -> Any:
    row = next((r for r in assessments.results(session, principal, assessment_id) if r["id"] == result_id), None)
    if row is None:
        raise NotFound("no such result in this assessment")
    return row


def _evidence_page(
    request: Request, session: Session, principal: Principal, assessment_id: uuid.UUID, result_id: uuid.UUID,
    values: dict[str, str], errors: dict[str, str], status: int = 200,
) -> HTMLResponse:  # fmt: skip
    assessment = assessments.get_assessment(session, principal, assessment_id)
    return render(request, "compliance/evidence.html", status, assessment=assessment, values=values, errors=errors,
                  result=_result(session, principal, assessment_id, result_id), kinds=EVIDENCE_KINDS,
                  items=assessments.result_evidence(session, principal, assessment_id, result_id),
                  expired=evidence.is_expired)  # fmt: skip


@router.get("/compliance/assessments/{assessment_id}/results/{result_id}/evidence")
def evidence_page(
    assessment_id: uuid.UUID, result_id: uuid.UUID, request: Request, session: DbSession,
    principal: Principal = requires(VIEW),
) -> HTMLResponse:  # fmt: skip
    """Show a result's evidence and the form that adds a file, a link or a note."""
    return _evidence_page(request, session, principal, assessment_id, result_id, {"kind": "file"}, {})


def _add(
    session: Session, principal: Principal, assessment_id: uuid.UUID, result_id: uuid.UUID, form: FormData,
    values: dict[str, str],
) -> None:  # fmt: skip
    assessment = assessments.get_assessment(session, principal, assessment_id)
    _result(session, principal, assessment_id, result_id)
    common = {"org_unit_id": assessment.org_unit_id, "result_id": result_id}
    if values["kind"] != "file":
        data = {name: values[name] or None for name in ("valid_from", "valid_until")}
        data.update({name: values[name] for name in ("kind", "title", "url", "note")}, **common)
        evidence.add_evidence(session, principal, validate(EvidenceCreate, data))
        return
    period = validate(EvidenceUpdate, {name: values[name] or None for name in ("valid_from", "valid_until")})
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput.one("file", "choose a file")
    data_bytes = read_limited(upload.file, get_settings().max_upload_bytes, upload.filename)
    fields = {"title": values["title"], "note": values["note"], "valid_from": period.valid_from,
              "valid_until": period.valid_until, **common}  # fmt: skip
    evidence.upload_evidence(session, principal, data_bytes, upload.filename, fields)


@router.post("/compliance/assessments/{assessment_id}/results/{result_id}/evidence")
def add_evidence(
    assessment_id: uuid.UUID, result_id: uuid.UUID, request: Request, form: WebForm, session: DbSession,
    principal: Principal = requires(EDIT),
) -> Response:  # fmt: skip
    """Add a file (size-limited, type-checked), an http(s) link or a note to a result, valid for a period."""
    values = {name: text(form, name, 20_000).strip() for name in EVIDENCE_FIELDS}
    try:
        _add(session, principal, assessment_id, result_id, form, values)
    except (TandemError, UnsafeInput) as exc:
        discard(session)
        errors = errors_of(exc)
        return _evidence_page(request, session, principal, assessment_id, result_id, values, errors, 422)
    return redirect(f"/compliance/assessments/{assessment_id}/results/{result_id}/evidence", "Evidence added.")
