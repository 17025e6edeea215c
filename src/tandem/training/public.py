"""The public pages behind secret links, for people without a Tandem account: take a quiz and be graded, read a
course document and confirm it, confirm reading a policy version."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from tandem.platform.api.deps import client_ip, get_db, requires
from tandem.platform.api.ratelimit import public_rate_limit
from tandem.platform.auth.links import resolve_link, revoke_link
from tandem.platform.db.types import utcnow
from tandem.platform.db.uow import Actor, unit_of_work
from tandem.platform.errors import NotFound
from tandem.platform.web.forms import WebForm, texts
from tandem.platform.web.render import render
from tandem.training import completions, documents
from tandem.training import repository as repo
from tandem.training.engine.quiz import grade
from tandem.training.models import AckCampaign, Acknowledgement, Assignment, Course, Policy
from tandem.training.reminders import ACK_PURPOSE, DOCUMENT_PURPOSE, QUIZ_PURPOSE

router = APIRouter(include_in_schema=False)
PUBLIC = [requires("public"), Depends(public_rate_limit)]


def _open_assignment(session: Any, purpose: str, token: str, fmt: str) -> tuple[Any, Assignment, Course, Any]:
    link = resolve_link(session, purpose, token)
    assignment = session.get(Assignment, link.subject_id)
    course = session.get(Course, assignment.course_id) if assignment else None
    person = repo.people_by_ids(session, [assignment.person_id]).get(assignment.person_id) if assignment else None
    if assignment is None or course is None or person is None or course.format != fmt:
        raise NotFound("link not found")
    return link, assignment, course, person


def _open(session: Any, token: str) -> tuple[Any, Assignment, Course, Any, list[Any]]:
    link, assignment, course, person = _open_assignment(session, QUIZ_PURPOSE, token, "quiz")
    return link, assignment, course, person, repo.questions_of(session, course.id)


def _uow(request: Request) -> Any:
    # Opening a link updates its use count, so even the GET needs a writable transaction.
    actor = Actor("anonymous", None, f"quiz link from {client_ip(request)}")
    return unit_of_work(get_db(request), actor=actor, request_id=request.state.request_id)


@router.get("/p/training/quiz/{token}", dependencies=PUBLIC)
def quiz_page(token: str, request: Request) -> HTMLResponse:
    """Show the quiz of the assignment the link was issued for."""
    with _uow(request) as session:
        _, _, course, person, questions = _open(session, token)
        return render(request, "training/quiz.html", course=course, person=person, questions=questions,
                      token=token, result=None)  # fmt: skip


@router.post("/p/training/quiz/{token}", dependencies=PUBLIC)
def submit_quiz(token: str, request: Request, form: WebForm) -> HTMLResponse:
    """Grade the answers and record the attempt; a pass closes the link."""
    with _uow(request) as session:
        link, _, course, person, questions = _open(session, token)
        answers = {n: [int(v) for v in texts(form, f"q{n}") if v.isdigit()] for n in range(len(questions))}
        result = grade([q.correct for q in questions], answers, course.pass_mark)
        completions.add_completion(session, person, course, utcnow(), result.score, result.passed, "tandem quiz")
        if result.passed:
            revoke_link(session, uuid.UUID(str(link.id)))
        return render(request, "training/quiz.html", course=course, person=person, questions=questions,
                      token=token, result=result)  # fmt: skip


@router.get("/p/training/document/{token}", dependencies=PUBLIC)
def document_page(token: str, request: Request) -> HTMLResponse:
    """Show the course document to download and the "I have read and understood it" confirmation."""
    with _uow(request) as session:
        _, _, course, person = _open_assignment(session, DOCUMENT_PURPOSE, token, "document")
        if not course.document_sha256:
            raise NotFound("link not found")
        return render(request, "training/document.html", course=course, person=person, token=token, done=None)


@router.get("/p/training/document/{token}/file", dependencies=PUBLIC)
def document_file(token: str, request: Request) -> Response:
    """Download the course document the link was issued for, as an inert attachment."""
    with _uow(request) as session:
        _, _, course, _ = _open_assignment(session, DOCUMENT_PURPOSE, token, "document")
        course, data = documents.read_document(course)
        return Response(data, media_type=course.document_media_type, headers=documents.download_headers(course))


@router.post("/p/training/document/{token}", dependencies=PUBLIC)
def confirm_document(token: str, request: Request) -> HTMLResponse:
    """Record that the person read and understood the document, and close the link."""
    with _uow(request) as session:
        link, _, course, person = _open_assignment(session, DOCUMENT_PURPOSE, token, "document")
        done = documents.confirm_read(session, person, course)
        revoke_link(session, uuid.UUID(str(link.id)))
        return render(request, "training/document.html", course=course, person=person, token=token, done=done)


def _open_ack(session: Any, token: str) -> tuple[Any, Acknowledgement, Policy, Any, Any]:
    link = resolve_link(session, ACK_PURPOSE, token)
    ack = session.get(Acknowledgement, link.subject_id)
    campaign = session.get(AckCampaign, ack.campaign_id) if ack else None
    policy = session.get(Policy, campaign.policy_id) if campaign else None
    person = repo.people_by_ids(session, [ack.person_id]).get(ack.person_id) if ack else None
    if ack is None or policy is None or person is None:
        raise NotFound("link not found")
    version = next((v for v in repo.versions_of(session, policy.id) if v.number == ack.version), None)
    return link, ack, policy, person, version


@router.get("/p/training/ack/{token}", dependencies=PUBLIC)
def ack_page(token: str, request: Request) -> HTMLResponse:
    """Show the policy version a person is asked to confirm reading."""
    with _uow(request) as session:
        _, ack, policy, person, version = _open_ack(session, token)
        return render(request, "training/ack.html", ack=ack, policy=policy, person=person, version=version,
                      token=token, done=ack.acknowledged_at is not None)  # fmt: skip


@router.post("/p/training/ack/{token}", dependencies=PUBLIC)
def confirm_ack(token: str, request: Request) -> HTMLResponse:
    """Record the confirmation and close the link."""
    with _uow(request) as session:
        link, ack, policy, person, version = _open_ack(session, token)
        if ack.acknowledged_at is None:
            ack.acknowledged_at = utcnow()
        revoke_link(session, uuid.UUID(str(link.id)))
        return render(request, "training/ack.html", ack=ack, policy=policy, person=person, version=version,
                      token=token, done=True)  # fmt: skip
