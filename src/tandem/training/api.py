"""REST routes /api/v1/training: courses, programs, assignments, completions, imports, status, at-risk."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response

from tandem.platform.api.deps import DbSession, actor_of, get_db, requires
from tandem.platform.api.paging import page_out, page_request
from tandem.platform.auth import service as auth
from tandem.platform.auth.principal import Principal
from tandem.platform.db.uow import unit_of_work
from tandem.platform.errors import InvalidInput
from tandem.platform.safety.uploads import read_limited
from tandem.training import completions, courses, documents, evidence, phishing, programs, reminders, status
from tandem.training.repository import ASSIGNMENT_SPEC, COMPLETION_SPEC, COURSE_SPEC, PROGRAM_SPEC
from tandem.training.schemas import (
    AssignmentRead,
    CompletionCreate,
    CompletionRead,
    CourseCreate,
    CourseRead,
    CourseUpdate,
    ProgramCreate,
    ProgramRead,
    ProgramUpdate,
)

router = APIRouter(prefix="/api/v1/training", tags=["training"])
VIEW, EDIT = "training.view", "training.edit"
MAX_UPLOAD = 50 * 1024**2


@router.get("/courses")
def list_courses(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List courses (filters: format)."""
    page = courses.list_courses(session, principal, page_request(request, COURSE_SPEC))
    return page_out(page, lambda c: courses.to_read(session, c))


@router.post("/courses", status_code=201, response_model=CourseRead)
def create_course(body: CourseCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Add a course; a quiz carries its questions and pass mark."""
    return courses.to_read(session, courses.create_course(session, principal, body))


@router.get("/courses/{course_id}", response_model=CourseRead)
def get_course(course_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a course."""
    return courses.to_read(session, courses.get_course(session, principal, course_id))


@router.patch("/courses/{course_id}", response_model=CourseRead)
def update_course(
    course_id: uuid.UUID, body: CourseUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change a course; questions given replace the old ones."""
    return courses.to_read(session, courses.update_course(session, principal, course_id, body))


@router.delete("/courses/{course_id}", status_code=204)
def delete_course(course_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a course with its assignments and completions."""
    courses.delete_course(session, principal, course_id)
    return Response(status_code=204)


@router.post("/courses/{course_id}/document", response_model=CourseRead)
async def upload_course_document(
    course_id: uuid.UUID, request: Request, file: UploadFile = File(...), principal: Principal = requires(EDIT)
) -> Any:
    """Upload the document of a document course (pdf, docx, pptx, odt, odp, txt, png, jpg; size-limited, sniffed)."""
    from starlette.concurrency import run_in_threadpool

    name = file.filename or "upload"
    data = read_limited(file.file, documents.limit() + 1, name)

    def run() -> Any:
        with unit_of_work(get_db(request), actor=actor_of(principal, request)) as session:
            return courses.to_read(session, documents.attach_document(session, principal, course_id, data, name))

    return await run_in_threadpool(run)


@router.get("/courses/{course_id}/document")
def download_course_document(
    course_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)
) -> Response:
    """Download a course's document, always as an attachment the browser may not sniff or run."""
    course, data = documents.file_of(session, principal, course_id)
    return Response(data, media_type=course.document_media_type, headers=documents.download_headers(course))


@router.get("/programs")
def list_programs(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List programs (filters: active)."""
    page = programs.list_programs(session, principal, page_request(request, PROGRAM_SPEC))
    return page_out(page, ProgramRead.model_validate)


@router.post("/programs", status_code=201, response_model=ProgramRead)
def create_program(body: ProgramCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Add a program; its courses are assigned to the audience at once."""
    return programs.create_program(session, principal, body)


@router.get("/programs/{program_id}", response_model=ProgramRead)
def get_program(program_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a program."""
    return programs.get_program(session, principal, program_id)


@router.patch("/programs/{program_id}", response_model=ProgramRead)
def update_program(
    program_id: uuid.UUID, body: ProgramUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change a program; assignments are recomputed."""
    return programs.update_program(session, principal, program_id, body)


@router.delete("/programs/{program_id}", status_code=204)
def delete_program(program_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a program and its assignments (completions stay)."""
    programs.delete_program(session, principal, program_id)
    return Response(status_code=204)


@router.post("/programs/{program_id}/recompute")
def recompute_program(program_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Recompute a program's assignments now: new audience members assigned, leavers' assignments closed."""
    return programs.recompute_program(session, principal, program_id)


@router.get("/assignments")
def list_assignments(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List assignments (filters: program_id, course_id, person_id, state) with their computed status."""
    page = status.list_assignments(session, principal, page_request(request, ASSIGNMENT_SPEC))
    return page_out(page, lambda a: AssignmentRead.model_validate(a))


@router.post("/assignments/{assignment_id}/link", status_code=201)
def issue_link(assignment_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Issue a secret link (60 days) to an assignment's quiz or document; the address is shown only in this answer."""
    return reminders.issue_assignment_link(session, principal, assignment_id)


@router.post("/assignments/{assignment_id}/quiz-link", status_code=201)
def issue_quiz_link(assignment_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Issue a secret link to an assignment's quiz or document (the older name of POST .../link)."""
    return reminders.issue_assignment_link(session, principal, assignment_id)


@router.get("/completions")
def list_completions(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List completions (filters: course_id, person_id, source)."""
    page = completions.list_completions(session, principal, page_request(request, COMPLETION_SPEC))
    return page_out(page, CompletionRead.model_validate)


@router.post("/completions", status_code=201, response_model=CompletionRead)
def record_completion(body: CompletionCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Record a completion made outside Tandem and its LMS (e.g. classroom training)."""
    return completions.record_completion(session, principal, body)


@router.post("/imports")
async def import_file(
    request: Request,
    kind: str = Query(..., pattern="^(completions|phishing)$", description="completions or phishing"),
    file_name: str = Query("upload.csv", max_length=200),
    format: str | None = Query(None, description="completions: csv|xapi; phishing: gophish-csv|gophish-json|csv"),
    campaign: str = Query("", max_length=300, description="phishing: the campaign's name"),
    unit_id: uuid.UUID | None = Query(None, description="phishing: the campaign's org unit (default: root)"),
    principal: Principal = requires("training.import"),
) -> Any:  # fmt: skip
    """Import the request body: LMS completions (CSV, xAPI JSON) or phishing results (a campaign imported again is
    updated: one result per recipient, earliest event times kept); all rows or none."""
    from starlette.concurrency import run_in_threadpool

    data = await request.body()
    if len(data) > MAX_UPLOAD:
        raise InvalidInput.one(file_name, "file is larger than 50 MiB")
    args = (kind, data, file_name, format, campaign, unit_id)
    return await run_in_threadpool(_import_sync, request, principal, *args)


def _import_sync(
    request: Request, principal: Principal, kind: str, data: bytes, file_name: str, fmt: str | None, campaign: str,
    unit_id: uuid.UUID | None,
) -> Any:  # fmt: skip
    with unit_of_work(get_db(request), actor=actor_of(principal, request), request_id=request.state.request_id) as s:
        if kind == "completions":
            return completions.import_completions(s, principal, data, file_name, fmt)
        if unit_id is None:
            root = auth.root_unit(s)
            unit_id = root.id if root else uuid.uuid4()
        return phishing.import_results(s, principal, data, file_name, campaign=campaign or file_name,
                                       unit_id=unit_id, fmt=fmt)  # fmt: skip


@router.get("/status")
def training_status(session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return completion rates overall and by program, department and role, and the monthly trend."""
    data = status.summary(session, principal)
    return {k: data[k] for k in ("overall", "programs", "departments", "roles", "trend")}


@router.get("/at-risk")
def people_at_risk(session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return people with overdue training or repeated phishing clicks, most flags first."""
    return [status.risk_out(r) for r in status.summary(session, principal)["at_risk"]]


@router.get("/phishing/campaigns")
def phishing_overview(session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return each campaign's click, submit and report rates, time to first report, per department; repeat clickers."""
    return phishing.overview(session, principal)


@router.delete("/phishing/campaigns/{campaign_id}", status_code=204)
def delete_campaign(campaign_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete an imported campaign and its results."""
    phishing.delete_campaign(session, principal, campaign_id)
    return Response(status_code=204)


@router.get("/evidence.csv")
def evidence_csv(session: DbSession, principal: Principal = requires("training.export")) -> Response:
    """Download the evidence (completions with course version, acknowledgements with policy version) as CSV."""
    return Response(evidence.csv_bytes(session, principal), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="training-evidence.csv"'})  # fmt: skip


@router.get("/evidence.pdf")
def evidence_pdf(session: DbSession, principal: Principal = requires("training.export")) -> Response:
    """Download the evidence as a PDF report."""
    return Response(evidence.pdf_bytes(session, principal), media_type="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="training-evidence.pdf"'})  # fmt: skip
