"""The vendor-facing questionnaire page: the only page open without an account. A token opens exactly one
assessment; unknown, tampered, expired and withdrawn tokens look alike to a guesser, and requests are rate-limited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.platform.api.deps import actor_of, get_db, requires
from tandem.platform.api.ratelimit import public_rate_limit
from tandem.platform.auth.principal import ANONYMOUS
from tandem.platform.db.uow import unit_of_work
from tandem.platform.errors import InvalidInput, TandemError
from tandem.platform.web.forms import text
from tandem.platform.web.render import render
from tandem.vendors import assessments
from tandem.vendors.settings import get_vendors_settings

router = APIRouter(include_in_schema=False, dependencies=[Depends(public_rate_limit)])
PREFIX = "/p/vendors/q/{token}"


def _session(request: Request) -> Iterator[Session]:
    # Writable even for GET: opening a link records its use (last used, count) for the audit trail.
    with unit_of_work(get_db(request), actor=actor_of(ANONYMOUS, request),
                      request_id=getattr(request.state, "request_id", None)) as session:  # fmt: skip
        yield session


PublicSession = Annotated[Session, Depends(_session, scope="function")]


def _page(
    request: Request, session: Session, a: Any, token: str, errors: dict[str, str], status: int = 200, **ctx: Any
) -> HTMLResponse:
    sections: dict[str, list[dict[str, Any]]] = {}
    for q in a.questions:
        sections.setdefault(q["section"], []).append(q)
    response = render(request, "vendors/public.html", status, a=a, token=token, sections=sections, errors=errors,
                      evidence=assessments.evidence_of(session, a), read=assessments.to_read(a),
                      limit=get_vendors_settings().max_document_bytes,
                      **{"answers": a.answers or {}, **ctx})  # fmt: skip
    return response


@router.get(PREFIX)
def questionnaire(token: str, request: Request, session: PublicSession, _: Any = requires("public")) -> HTMLResponse:
    """Show the questionnaire the token opens, with the answers saved so far."""
    a = assessments.open_public(session, token)
    return _page(request, session, a, token, {}, done=a.status in ("submitted", "reviewed"))


@router.post(PREFIX)
async def answer(token: str, request: Request, session: PublicSession, _: Any = requires("public")) -> Response:
    """Save answers (button "save") or submit them for good (button "submit")."""
    form = await request.form()
    a = assessments.open_public(session, token)
    submitted: dict[str, dict[str, str]] = {}
    for q in a.questions:
        answer_value, comment = text(form, f"a.{q['id']}", 20), text(form, f"c.{q['id']}", 4001)
        if answer_value or comment:
            submitted[q["id"]] = {"answer": answer_value, "comment": comment}
    final = text(form, "action") == "submit"
    try:
        a = assessments.save_answers(session, token, submitted, final)
    except InvalidInput as exc:
        session.rollback()
        a = assessments.open_public(session, token)
        errors = {e.location.removeprefix("answers."): e.reason for e in exc.errors}
        typed = {**(a.answers or {}), **submitted}  # show what they typed (not saved)
        return _page(request, session, a, token, errors, 422, answers=typed)
    if final:
        return _page(request, session, a, token, {}, done=True)
    return _page(request, session, a, token, {}, saved=True)


@router.post(PREFIX + "/evidence")
async def evidence(token: str, request: Request, session: PublicSession, _: Any = requires("public")) -> Response:
    """Attach an evidence file to one question (size-limited, type sniffed from the bytes)."""
    limit = get_vendors_settings().max_document_bytes
    form = await request.form()
    upload = form.get("file")
    question = text(form, "question_id", 60)
    a = assessments.open_public(session, token)
    try:
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise InvalidInput.one("file", "choose a file")
        data = await upload.read(limit + 1)
        doc = assessments.add_evidence(session, token, question, data, upload.filename)
    except TandemError as exc:
        session.rollback()
        a = assessments.open_public(session, token)
        reason = exc.errors[0].reason if isinstance(exc, InvalidInput) else exc.message
        return _page(
            request, session, a, token, {question or "_form": reason}, 422 if isinstance(exc, InvalidInput) else 409
        )
    return _page(request, session, a, token, {}, uploaded=doc.file_name)
