"""Reminders: e-mail people whose training is overdue, due soon or expiring, and pending acknowledgements."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.links import issue_link
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput
from tandem.platform.mail import send_mail
from tandem.training import actions, policies, status
from tandem.training import repository as repo
from tandem.training.common import check
from tandem.training.models import Assignment
from tandem.training.repository import TrainingRepository
from tandem.training.settings import get_training_settings

QUIZ_PURPOSE = "training.quiz"
ACK_PURPOSE = "training.ack"
DOCUMENT_PURPOSE = "training.document"
LINK_LIFETIME = dt.timedelta(days=60)


def _link(session: Session, purpose: str, row: Any, page: str) -> str:
    _, token = issue_link(session, purpose=purpose, subject_id=row.id, org_unit_id=row.org_unit_id,
                          expires_at=utcnow() + LINK_LIFETIME)  # fmt: skip
    return f"{get_training_settings().public_url.rstrip('/')}/p/training/{page}/{token}"


def quiz_link(session: Session, assignment: Any) -> str:
    """Issue a secret link to the quiz of an assignment and return its full address."""
    return _link(session, QUIZ_PURPOSE, assignment, "quiz")


def document_link(session: Session, assignment: Any) -> str:
    """Issue a secret link where a person reads a course document and confirms it; return its full address."""
    return _link(session, DOCUMENT_PURPOSE, assignment, "document")


def ack_link(session: Session, ack: Any) -> str:
    """Issue a secret link where a person confirms reading a policy version; return its full address."""
    return _link(session, ACK_PURPOSE, ack, "ack")


def has_link(course: Any) -> bool:
    """Return whether a person completes the course through a secret link (a quiz, or an uploaded document)."""
    return bool(course.format == "quiz" or (course.format == "document" and course.document_sha256))


def course_link(session: Session, course: Any, assignment: Any) -> str:
    """Issue the secret link of an assignment: its quiz, or its document to read and confirm."""
    return quiz_link(session, assignment) if course.format == "quiz" else document_link(session, assignment)


def issue_assignment_link(session: Session, principal: Principal | None, assignment_id: uuid.UUID) -> dict[str, Any]:
    """Issue a quiz or document link for an open assignment (to send to the person by hand)."""
    assignment = status.get_assignment(session, principal, assignment_id)
    check(session, principal, actions.EDIT.name, assignment)
    course = repo.courses_by_ids(session, [assignment.course_id]).get(assignment.course_id)
    if course is None or not has_link(course) or assignment.state != "open":
        raise InvalidInput.one("assignment", "only open assignments of a Tandem quiz or of a course with an "
                               "uploaded document have links")  # fmt: skip
    person = repo.people_by_ids(session, [assignment.person_id])[assignment.person_id]
    return {"url": course_link(session, course, assignment), "person": person.full_name, "email": person.email,
            "program_id": str(assignment.program_id), "kind": course.format}  # fmt: skip


def issue_link_for(
    session: Session, principal: Principal | None, person_id: uuid.UUID, course_id: uuid.UUID
) -> dict[str, Any]:
    """Issue the quiz or document link of a person's open assignment of a course (any program)."""
    rows = TrainingRepository(session, Assignment).visible(principal, person_id=person_id, course_id=course_id,
                                                           state="open")  # fmt: skip
    if not rows:
        raise InvalidInput.one("course", "this person has no open assignment of this course")
    return issue_assignment_link(session, principal, rows[0].id)


def _due_items(session: Session, today: dt.date) -> dict[uuid.UUID, list[tuple[Any, str]]]:
    settings = get_training_settings()
    quiet_since = utcnow() - dt.timedelta(days=settings.remind_every_days)
    soon = today + dt.timedelta(days=settings.due_soon_days)
    items: dict[uuid.UUID, list[tuple[Any, str]]] = defaultdict(list)
    for row in status.status_rows(session, None, today):
        a = row["assignment"]
        if a.reminded_at is not None and a.reminded_at > quiet_since:
            continue
        if row["status"] == "overdue":
            items[row["person"].id].append((row, f"OVERDUE since {a.due_date}"))
        elif row["status"] == "due" and a.due_date <= soon:
            items[row["person"].id].append((row, f"due by {a.due_date}"))
        elif row["status"] == "expiring":
            items[row["person"].id].append((row, "your completion expires soon; please retake it"))
    return items


def _body(session: Session, person: Any, entries: list[tuple[Any, str]]) -> str:
    lines = [f"Hello {person.full_name},", "", "The following training needs your attention:", ""]
    for row, why in entries:
        course = row["course"]
        lines.append(f"- {course.title} ({row['program'].title}): {why}")
        if course.format == "quiz":
            lines.append(f"  Take the quiz: {quiz_link(session, row['assignment'])}")
        elif has_link(course):
            lines.append(f"  Read it and confirm: {document_link(session, row['assignment'])}")
        elif course.url:
            lines.append(f"  Open the course: {course.url}")
    return "\n".join([*lines, "", "Thank you for helping keep Northwind's patients and data safe.", ""])


def send_reminders(session: Session, today: dt.date | None = None) -> dict[str, int]:
    """Send one e-mail per person listing what is due; return how many were sent (0 when no SMTP is set)."""
    today = today or utcnow().date()
    sent = 0
    now = utcnow()
    for entries in _due_items(session, today).values():
        person = entries[0][0]["person"]
        if send_mail([person.email], "Training reminder", _body(session, person, entries)):
            sent += 1
            for row, _ in entries:
                row["assignment"].reminded_at = now
    acks = policies.pending_acks(session, today, now - dt.timedelta(days=get_training_settings().remind_every_days))
    for ack, person, policy in acks:
        body = (f"Hello {person.full_name},\n\nPlease read version {ack.version} of the policy \"{policy.title}\" "
                f"and confirm you have read it:\n{ack_link(session, ack)}\n")  # fmt: skip
        if send_mail([person.email], f"Please acknowledge: {policy.title}", body):
            sent += 1
            ack.reminded_at = now
    session.flush()
    return {"sent": sent}
