"""The course page and its forms: upload and download the document of a document course, and edit the questions
of a quiz (add, change, remove questions, choices and correct answers; errors shown next to each question)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.permissions import unit_path
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import FieldError, InvalidInput
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render
from tandem.training import courses, documents
from tandem.training import repository as repo
from tandem.training.common import check
from tandem.training.question_form import Slot, parse_slots, read_slots, relocate, slots_of
from tandem.training.schemas import CourseUpdate

router = APIRouter(include_in_schema=False)
VIEW, EDIT = "training.view", "training.edit"
EDITABLE = ("title", "description", "url", "external_id", "version", "duration_minutes", "validity_days",
            "requirement_refs")  # fmt: skip
OPTIONAL = ("description", "url", "external_id")  # may be emptied; other empty fields are left as they are


@router.get("/training/courses/{course_id}")
def course_page(
    course_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """A course: format, validity, the requirements it satisfies, its document or its quiz questions."""
    return course_view(request, session, principal, course_id)


def course_view(
    request: Request, session: Any, principal: Principal, course_id: uuid.UUID, upload_error: str = "",
    errors: dict[str, str] | None = None, values: dict[str, str] | None = None, **extra: Any,
) -> HTMLResponse:  # fmt: skip
    """Render a course's page with the errors of whichever of its forms failed."""
    course = courses.get_course(session, principal, course_id)
    extra.setdefault("record_errors", {})
    extra.setdefault("record_values", {})
    can_edit = principal.can(EDIT, unit_path(session, course.org_unit_id))
    shown = values or {k: _shown(getattr(course, k)) for k in EDITABLE}
    failed = upload_error or errors or extra["record_errors"] or extra.get("delete_error")
    return render(request, "training/course.html", 422 if failed else 200, course=course,
                  questions=repo.questions_of(session, course.id), can_edit=can_edit,
                  show_answers=principal.can_anywhere(EDIT), upload_error=upload_error, errors=errors or {},
                  values=shown, **extra)  # fmt: skip


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value)


@router.post("/training/courses/{course_id}/edit")
def edit_page(
    course_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Change a course's details (e.g. a new version: later completions record it), or show the errors."""
    values = {k: text(form, k).strip() for k in EDITABLE}
    data: dict[str, Any] = {k: v for k, v in values.items() if v != "" or k in ("title", "version", *OPTIONAL)}
    data["requirement_refs"] = [r.strip() for r in values["requirement_refs"].split(",") if r.strip()]
    data["validity_days"] = values["validity_days"] or None
    try:
        course = courses.update_course(session, principal, course_id, validated(CourseUpdate, data))
    except InvalidInput as exc:
        discard(session)
        return course_view(request, session, principal, course_id, errors=form_errors(exc), values=values)
    return redirect(f"/training/courses/{course_id}", f"Saved {course.title} (version {course.version}).")


def validated(model: type[BaseModel], data: dict[str, Any]) -> Any:
    """Return the model for form data, or raise its validation errors as located input errors."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(
            [FieldError(".".join(["body", *map(str, e["loc"])]), e["msg"]) for e in exc.errors()]
        ) from None


def uploaded(form: Any, name: str = "file") -> tuple[bytes, str] | None:
    """Return (bytes, file name) of a form's file field, reading at most one byte past the limit; None if empty."""
    upload = form.get(name)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    return upload.file.read(documents.limit() + 1), upload.filename


@router.post("/training/courses/{course_id}/document")
def upload_page(
    course_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Upload (or replace) the document of a document course."""
    try:
        file = uploaded(form)
        if file is None:
            raise InvalidInput.one("file", "choose a file")
        course = documents.attach_document(session, principal, course_id, *file)
    except InvalidInput as exc:
        discard(session)
        return course_view(request, session, principal, course_id, "; ".join(e.reason for e in exc.errors))
    return redirect(f"/training/courses/{course_id}", f"Uploaded {course.document_name}.")


@router.get("/training/courses/{course_id}/document")
def download_page(course_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Response:
    """Download a course document as a sandboxed attachment."""
    course, data = documents.file_of(session, principal, course_id)
    return Response(data, media_type=course.document_media_type, headers=documents.download_headers(course))


def _editor(
    request: Request, course: Any, slots: list[Slot], errors: dict[str, str] | None = None, pass_mark: Any = None
) -> HTMLResponse:
    return render(request, "training/questions.html", 422 if errors else 200, course=course, slots=slots,
                  errors=errors or {}, pass_mark=course.pass_mark if pass_mark is None else pass_mark)  # fmt: skip


@router.get("/training/courses/{course_id}/questions")
def questions_page(
    course_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(EDIT)
) -> HTMLResponse:
    """The question editor of a quiz course."""
    course = _quiz(session, principal, course_id)
    return _editor(request, course, slots_of(repo.questions_of(session, course.id)))


def _quiz(session: Any, principal: Principal, course_id: uuid.UUID) -> Any:
    course = courses.get_course(session, principal, course_id)
    check(session, principal, EDIT, course)
    if course.format != "quiz":
        raise InvalidInput.one("format", f"only quiz courses have questions (this one is a {course.format})")
    return course


@router.post("/training/courses/{course_id}/questions")
def save_questions(
    course_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Replace the quiz's questions and pass mark with the form's, or show the form again with the errors."""
    course = _quiz(session, principal, course_id)
    slots = read_slots(form)
    questions, origin, errors = parse_slots(slots)
    pass_mark = text(form, "pass_mark", 10).strip()
    if not pass_mark.isdigit() or not 0 <= int(pass_mark) <= 100:
        errors.append(FieldError("pass_mark", "a whole number of percent from 0 to 100"))
    if not errors:
        try:
            courses.update_course(session, principal, course.id,
                                  CourseUpdate(questions=questions, pass_mark=int(pass_mark)))  # fmt: skip
        except InvalidInput as exc:
            discard(session)
            return _editor(request, _quiz(session, principal, course_id), slots,
                           relocate(exc.errors, origin), pass_mark)  # fmt: skip
        return redirect(f"/training/courses/{course_id}", f"Saved {len(questions)} questions.")
    return _editor(request, course, slots, _by_key(errors), pass_mark)


def _by_key(errors: list[FieldError]) -> dict[str, str]:
    out: dict[str, str] = {}
    for err in errors:
        out[err.location] = f"{out[err.location]}; {err.reason}" if err.location in out else err.reason
    return out
