"""Completions: recorded in Tandem (quiz, manual) or imported from an LMS export, all rows or none."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.audit.writer import record_event
from tandem.platform.auth.permissions import require, visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.errors import FieldError, InvalidInput, NotFound
from tandem.training import actions, courses
from tandem.training import repository as repo
from tandem.training.common import check
from tandem.training.importers import lms
from tandem.training.importers.common import CompletionRow
from tandem.training.models import Completion, Course
from tandem.training.repository import TrainingRepository
from tandem.training.schemas import CompletionCreate

FORMATS = ("csv", "xapi")


def list_completions(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the completions principal may see."""
    require(session, principal, actions.VIEW.name)
    try:
        return TrainingRepository(session, Completion).list_page(principal, req)
    except (ValueError, KeyError):
        raise InvalidInput.one("query", "a filter value has the wrong type") from None


def add_completion(
    session: Session, person: Any, course: Course, when: dt.datetime, score: float | None, passed: bool, source: str
) -> Completion:
    """Store one attempt (no permission check: callers have done it)."""
    return TrainingRepository(session, Completion).add(Completion(
        person_id=person.id, course_id=course.id, course_version=course.version, completed_at=when, score=score,
        passed=passed, source=source[:200], org_unit_id=person.org_unit_id))  # fmt: skip


def record_completion(session: Session, principal: Principal | None, data: CompletionCreate) -> Completion:
    """Record that a person completed a course (e.g. classroom training)."""
    course = courses.get_course(session, principal, data.course_id)
    person = repo.people_by_ids(session, [data.person_id]).get(data.person_id)
    if person is None:
        raise InvalidInput.one("body.person_id", "no such person in the inventory")
    check(session, principal, actions.EDIT.name, person)
    return add_completion(session, person, course, data.completed_at, data.score, data.passed, "entered")


def parse(data: bytes, file_name: str, fmt: str | None) -> list[CompletionRow]:
    """Parse an LMS export: csv, or xapi (statements JSON); None guesses from the file name."""
    fmt = fmt or ("xapi" if file_name.lower().endswith(".json") else "csv")
    if fmt not in FORMATS:
        raise InvalidInput.one("format", f"must be one of {', '.join(FORMATS)}")
    return lms.parse_xapi(data, file_name) if fmt == "xapi" else lms.parse_csv(data, file_name)


def _course_index(session: Session, principal: Principal | None) -> dict[str, Course]:
    index: dict[str, Course] = {}
    for course in courses.visible_courses(session, principal):
        index.setdefault(course.title.strip().casefold(), course)
        if course.external_id:
            index.setdefault(course.external_id.strip().casefold(), course)
    return index


def import_completions(
    session: Session, principal: Principal | None, data: bytes, file_name: str, fmt: str | None = None
) -> dict[str, Any]:
    """Import completions; unknown people or courses reject the whole file; attempts already held are skipped."""
    if principal is not None:
        require(session, principal, actions.IMPORT.name)
    rows = parse(data, file_name, fmt)
    units = None if principal is None else visible_unit_ids(session, principal, actions.IMPORT.name)
    people = repo.people_by_email(session, units)
    index = _course_index(session, principal)
    errors, resolved = [], []
    for row in rows:
        person, course = people.get(row.email), index.get(row.course.casefold())
        if person is None:
            errors.append(FieldError(row.where, f"email: nobody with {row.email} in the inventory"))
        if course is None:
            errors.append(FieldError(row.where, f"course: no course titled or identified {row.course!r}"))
        if person is not None and course is not None:
            resolved.append((row, person, course))
    if errors:
        raise InvalidInput(errors[:200])
    held = repo.existing_attempts(session, list({c.id for _, _, c in resolved}))
    added = 0
    for row, person, course in resolved:
        if (person.id, course.id, row.completed_at) in held:
            continue
        held.add((person.id, course.id, row.completed_at))
        add_completion(session, person, course, row.completed_at, row.score, row.passed, f"imported {file_name}")
        added += 1
    summary = {"file": file_name, "rows": len(rows), "added": added, "skipped": len(rows) - added}
    record_event(session, "training.completions_imported", "training_completions", None, summary)
    return summary


def get_completion(session: Session, principal: Principal | None, completion_id: uuid.UUID) -> Completion:
    """Return a completion principal may see."""
    obj = TrainingRepository(session, Completion).get(principal, completion_id)
    if obj is None:
        raise NotFound("completion not found")
    return obj
