"""Courses: external LMS modules, documents or Tandem quizzes, and the requirements they satisfy."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.compliance.frameworks import service as frameworks
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.errors import FieldError, InvalidInput, NotFound
from tandem.training import actions
from tandem.training import repository as repo
from tandem.training.common import check, require_in_unit
from tandem.training.models import Course, Question
from tandem.training.repository import TrainingRepository
from tandem.training.schemas import CourseCreate, CourseRead, CourseUpdate, QuestionIn

FIELDS = ("title", "description", "format", "url", "external_id", "version", "duration_minutes", "validity_days",
          "pass_mark", "requirement_refs")  # fmt: skip


def get_course(session: Session, principal: Principal | None, course_id: uuid.UUID) -> Course:
    """Return a course principal may see."""
    obj = TrainingRepository(session, Course).get(principal, course_id)
    if obj is None:
        raise NotFound("course not found")
    return obj


def find_course(session: Session, principal: Principal | None, ref: str) -> Course:
    """Return the visible course with this id or exact title (case ignored); NotFound or ambiguous is an error."""
    try:
        return get_course(session, principal, uuid.UUID(ref.strip()))
    except ValueError:
        pass
    found = [c for c in visible_courses(session, principal) if c.title.casefold() == ref.strip().casefold()]
    if not found:
        raise NotFound(f"no course with the id or title {ref!r}")
    if len(found) > 1:
        raise InvalidInput.one("course", f"{len(found)} courses are titled {ref!r}; give the course id")
    return found[0]


def list_courses(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the courses principal may see."""
    require(session, principal, actions.VIEW.name)
    try:
        return TrainingRepository(session, Course).list_page(principal, req)
    except (ValueError, KeyError):
        raise InvalidInput.one("query", "a filter value has the wrong type") from None


def visible_courses(session: Session, principal: Principal | None) -> list[Course]:
    """Return every course principal may see, by title."""
    rows = TrainingRepository(session, Course).visible(principal)
    return sorted(rows, key=lambda c: c.title.lower())


def requirement_errors(session: Session, refs: list[str]) -> list[FieldError]:
    """Check "framework-key:ref" links against the compliance library."""
    errors = []
    for n, ref in enumerate(refs):
        key, sep, req_ref = ref.partition(":")
        try:
            if not sep or not req_ref:
                raise NotFound("use framework-key:requirement-ref, e.g. hipaa-security-rule:164.308(a)(5)(i)")
            framework = frameworks.find_framework(session, None, key)
            frameworks.get_requirement(session, None, framework.id, req_ref)
        except NotFound as exc:
            errors.append(FieldError(f"body.requirement_refs.{n}", exc.message))
    return errors


def _question_errors(format_: str, questions: list[QuestionIn] | None) -> list[FieldError]:
    errors = []
    for n, q in enumerate(questions or []):
        if any(i >= len(q.choices) for i in q.correct):
            errors.append(FieldError(f"body.questions.{n}.correct", "names a choice that does not exist"))
    if format_ == "quiz" and questions is not None and not questions:
        errors.append(FieldError("body.questions", "a quiz needs at least one question"))
    return errors


def set_questions(session: Session, course: Course, questions: list[QuestionIn]) -> None:
    """Replace a course's questions."""
    for old in repo.questions_of(session, course.id):
        session.delete(old)
    session.flush()
    for n, q in enumerate(questions):
        session.add(Question(course_id=course.id, position=n, prompt=q.prompt, choices=list(q.choices),
                             correct=sorted(set(q.correct))))  # fmt: skip
    session.flush()


def create_course(session: Session, principal: Principal | None, data: CourseCreate) -> Course:
    """Add a course (with its quiz questions)."""
    require_in_unit(session, principal, data.org_unit_id, actions.EDIT.name)
    errors = requirement_errors(session, data.requirement_refs) + _question_errors(data.format, data.questions)
    if errors:
        raise InvalidInput(errors)
    course = TrainingRepository(session, Course).add(Course(**data.model_dump(exclude={"questions"})))
    set_questions(session, course, data.questions)
    return course


def update_course(session: Session, principal: Principal | None, course_id: uuid.UUID, data: CourseUpdate) -> Course:
    """Change a course; questions given replace the old ones."""
    course = get_course(session, principal, course_id)
    check(session, principal, actions.EDIT.name, course)
    patch = data.model_dump(exclude_unset=True, exclude={"questions"})
    fmt = patch.get("format") or course.format
    errors = requirement_errors(session, patch.get("requirement_refs") or [])
    errors += _question_errors(fmt, data.questions)
    if errors:
        raise InvalidInput(errors)
    for key in FIELDS:
        if key in patch and (patch[key] is not None or key == "validity_days"):
            setattr(course, key, patch[key])
    if data.questions is not None:
        set_questions(session, course, data.questions)
    session.flush()
    return course


def delete_course(session: Session, principal: Principal | None, course_id: uuid.UUID) -> None:
    """Delete a course with its questions, assignments and completions."""
    course = get_course(session, principal, course_id)
    check(session, principal, actions.EDIT.name, course)
    TrainingRepository(session, Course).delete(course)


def to_read(session: Session, course: Course) -> CourseRead:
    """Return the output schema with the number of questions."""
    out = CourseRead.model_validate(course)
    out.question_count = repo.question_counts(session, [course.id]).get(course.id, 0)
    return out
