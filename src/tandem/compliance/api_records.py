"""REST routes /api/v1/compliance: controls, assessments and results, POA&M items, evidence."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from tandem.compliance.assessments import exports, poam
from tandem.compliance.assessments import service as assessments
from tandem.compliance.controls import service as controls
from tandem.compliance.evidence import service as evidence
from tandem.compliance.records import SPEC
from tandem.compliance.schemas import (
    AssessmentCreate,
    AssessmentRead,
    AssessmentUpdate,
    ControlCreate,
    ControlUpdate,
    EvidenceCreate,
    EvidenceRead,
    EvidenceUpdate,
    PoamCreate,
    PoamRead,
    PoamUpdate,
    ResultRead,
    ResultUpdate,
)
from tandem.platform.api.deps import DbSession, actor_of, get_db, requires
from tandem.platform.api.paging import page_out, page_request
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.db.uow import unit_of_work
from tandem.platform.safety.uploads import inert_download_headers, read_limited

router = APIRouter(prefix="/api/v1/compliance", tags=["compliance"])
VIEW, EDIT, ASSESS = "compliance.view", "compliance.edit", "compliance.assess"


def _ok() -> Response:
    return Response(status_code=204)


# --- controls -------------------------------------------------------------------------------------


@router.get("/controls")
def list_controls(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List controls."""
    page = controls.list_controls(session, principal, page_request(request, SPEC))
    return page_out(page, lambda c: controls.to_read(session, c))


@router.post("/controls", status_code=201)
def create_control(body: ControlCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Create a control with the requirements it meets and the inventory objects in its scope."""
    return controls.to_read(session, controls.create_control(session, principal, body))


@router.get("/controls/{control_id}")
def get_control(control_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a control."""
    return controls.to_read(session, controls.get_control(session, principal, control_id))


@router.patch("/controls/{control_id}")
def update_control(
    control_id: uuid.UUID, body: ControlUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change a control."""
    return controls.to_read(session, controls.update_control(session, principal, control_id, body))


@router.delete("/controls/{control_id}", status_code=204)
def delete_control(control_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a control."""
    controls.delete_control(session, principal, control_id)
    return _ok()


# --- assessments ----------------------------------------------------------------------------------


@router.get("/assessments")
def list_assessments(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List assessments."""
    page = assessments.list_assessments(session, principal, page_request(request, SPEC))
    return page_out(page, AssessmentRead.model_validate)


@router.post("/assessments", status_code=201, response_model=AssessmentRead)
def create_assessment(body: AssessmentCreate, session: DbSession, principal: Principal = requires(ASSESS)) -> Any:
    """Start an assessment of a framework (optionally pre-filled from another assessment through mappings)."""
    return assessments.create_assessment(session, principal, body)


@router.get("/assessments/{assessment_id}", response_model=AssessmentRead)
def get_assessment(assessment_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return an assessment."""
    return assessments.get_assessment(session, principal, assessment_id)


@router.patch("/assessments/{assessment_id}", response_model=AssessmentRead)
def update_assessment(
    assessment_id: uuid.UUID, body: AssessmentUpdate, session: DbSession, principal: Principal = requires(ASSESS)
) -> Any:
    """Rename, complete or reopen an assessment."""
    return assessments.update_assessment(session, principal, assessment_id, body)


@router.delete("/assessments/{assessment_id}", status_code=204)
def delete_assessment(
    assessment_id: uuid.UUID, session: DbSession, principal: Principal = requires(ASSESS)
) -> Response:
    """Delete an assessment and its results."""
    assessments.delete_assessment(session, principal, assessment_id)
    return _ok()


@router.get("/assessments/{assessment_id}/results")
def list_results(
    assessment_id: uuid.UUID,
    session: DbSession,
    result: str | None = Query(None, max_length=32),
    q: str = Query("", max_length=200),
    principal: Principal = requires(VIEW),
) -> Any:
    """Return every result with its requirement and effective state."""
    return {"items": assessments.results(session, principal, assessment_id, result, q)}


@router.patch("/assessments/{assessment_id}/results/{key}", response_model=ResultRead)
def set_result(
    assessment_id: uuid.UUID, key: str, body: ResultUpdate, session: DbSession, principal: Principal = requires(ASSESS)
) -> Any:
    """Record a result (key: result id or requirement ref)."""
    return assessments.set_result(session, principal, assessment_id, key, body, principal.username)


@router.post("/assessments/{assessment_id}/results/{key}/confirm", response_model=ResultRead)
def confirm(assessment_id: uuid.UUID, key: str, session: DbSession, principal: Principal = requires(ASSESS)) -> Any:
    """Confirm a pre-filled result (409 when it was not pre-filled)."""
    return assessments.confirm_prefill(session, principal, assessment_id, key, principal.username)


@router.get("/assessments/{assessment_id}/progress")
def progress(assessment_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return progress, counts and mean maturity."""
    return assessments.progress(session, principal, assessment_id)


@router.post("/assessments/{assessment_id}/poam", status_code=201)
def gaps_to_poam(
    assessment_id: uuid.UUID, session: DbSession, due: dt.date = Query(...), principal: Principal = requires(EDIT)
) -> Any:
    """Open a POA&M item for every gap without one."""
    items = assessments.gaps_to_poam(session, principal, assessment_id, due)
    return {"items": [PoamRead.model_validate(i) for i in items]}


@router.get("/assessments/{assessment_id}/exports/{fmt}")
def export_assessment(
    assessment_id: uuid.UUID, fmt: str, session: DbSession, principal: Principal = requires("compliance.export")
) -> Any:
    """Export: oscal (assessment-results), poam (OSCAL POA&M), gaps.csv or gaps.xlsx."""
    name = f"assessment-{assessment_id}"
    if fmt == "oscal":
        return exports.assessment_results(session, principal, assessment_id)
    if fmt == "poam":
        return exports.poam(session, principal, assessment_id)
    if fmt == "gaps.csv":
        body: Any = exports.gap_csv(session, principal, assessment_id)
        media = "text/csv; charset=utf-8"
    elif fmt == "gaps.xlsx":
        body = exports.gap_xlsx(session, principal, assessment_id)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        from tandem.platform.errors import NotFound

        raise NotFound("unknown export; use oscal, poam, gaps.csv or gaps.xlsx")
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}-{fmt}"'})


# --- POA&M items ----------------------------------------------------------------------------------


@router.get("/poam-items")
def list_poam(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List POA&M items."""
    return page_out(poam.list_items(session, principal, page_request(request, poam.SPEC)), PoamRead.model_validate)


@router.post("/poam-items", status_code=201, response_model=PoamRead)
def create_poam(body: PoamCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Open a POA&M item."""
    return poam.create_item(session, principal, body)


@router.get("/poam-items/{item_id}", response_model=PoamRead)
def get_poam(item_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a POA&M item."""
    return poam.get_item(session, principal, item_id)


@router.patch("/poam-items/{item_id}", response_model=PoamRead)
def update_poam(item_id: uuid.UUID, body: PoamUpdate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Change a POA&M item."""
    return poam.update_item(session, principal, item_id, body)


@router.delete("/poam-items/{item_id}", status_code=204)
def delete_poam(item_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a POA&M item."""
    poam.delete_item(session, principal, item_id)
    return _ok()


# --- evidence -------------------------------------------------------------------------------------


@router.get("/evidence")
def list_evidence(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List evidence."""
    return page_out(
        evidence.list_evidence(session, principal, page_request(request, evidence.SPEC)), EvidenceRead.model_validate
    )


@router.post("/evidence", status_code=201, response_model=EvidenceRead)
def add_evidence(body: EvidenceCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Add a link (http/https only) or a note as evidence."""
    return evidence.add_evidence(session, principal, body)


@router.post("/evidence/files", status_code=201, response_model=EvidenceRead)
async def upload_evidence(
    request: Request,
    file: UploadFile = File(...),
    org_unit_id: uuid.UUID = Form(...),
    title: str = Form("", max_length=300),
    valid_from: dt.date | None = Form(None),
    valid_until: dt.date | None = Form(None),
    control_id: uuid.UUID | None = Form(None),
    result_id: uuid.UUID | None = Form(None),
    principal: Principal = requires(EDIT),
) -> Any:
    """Upload an evidence file (pdf, png, jpg, txt, csv, json, xml, docx, xlsx), stored by SHA-256."""
    data = read_limited(file.file, get_settings().max_upload_bytes, file.filename or "upload")
    fields = {
        "org_unit_id": org_unit_id,
        "title": title,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "control_id": control_id,
        "result_id": result_id,
    }

    def run() -> Any:
        with unit_of_work(get_db(request), actor=actor_of(principal, request)) as session:
            return EvidenceRead.model_validate(
                evidence.upload_evidence(session, principal, data, file.filename or "upload", fields)
            )

    return await run_in_threadpool(run)


@router.get("/evidence/{evidence_id}", response_model=EvidenceRead)
def get_evidence(evidence_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return an evidence record."""
    return evidence.get_evidence(session, principal, evidence_id)


@router.get("/evidence/{evidence_id}/file")
def download_evidence(evidence_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Response:
    """Download an evidence file, always as an attachment that the browser may not sniff or run."""
    record, data = evidence.file_of(session, principal, evidence_id)
    headers = inert_download_headers(record.file_name)
    return Response(data, media_type=record.media_type, headers=headers)


@router.patch("/evidence/{evidence_id}", response_model=EvidenceRead)
def update_evidence(
    evidence_id: uuid.UUID, body: EvidenceUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change an evidence's title, note or validity."""
    return evidence.update_evidence(session, principal, evidence_id, body)


@router.delete("/evidence/{evidence_id}", status_code=204)
def delete_evidence(evidence_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete an evidence record."""
    evidence.delete_evidence(session, principal, evidence_id)
    return _ok()
