"""The change and delete forms of the training pages: change, deactivate or delete a program; delete a course, a
policy or a phishing campaign; record a completion or an acknowledgement by hand. Deletes need their confirmation
box ticked; errors are shown next to the form that failed."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput, TandemError
from tandem.platform.web.forms import WebForm, discard, form_errors, text, texts
from tandem.platform.web.render import redirect
from tandem.training import completions, courses, phishing, policies, programs
from tandem.training.schemas import CompletionCreate, ProgramUpdate
from tandem.training.web import phishing_view, policies_view, program_view
from tandem.training.web_courses import course_view, validated

router = APIRouter(include_in_schema=False)
EDIT = "training.edit"
PROGRAM_FIELDS = ("title", "description", "due_days", "due_date", "kind", "values", "days")


def _confirmed(form: Any, what: str) -> None:
    if text(form, "confirm") != "yes":
        raise InvalidInput.one("confirm", f"tick the box to confirm deleting {what}")


def _one_line(exc: TandemError) -> str:
    return "; ".join(e.reason for e in exc.errors) if isinstance(exc, InvalidInput) else exc.message


def _when(value: str, field: str) -> dt.datetime | None:
    if not value.strip():
        return None
    try:
        return dt.datetime.combine(dt.date.fromisoformat(value.strip()), dt.time(12), dt.UTC)
    except ValueError:
        raise InvalidInput.one(field, f"{value!r} is not a date") from None


@router.post("/training/programs/{program_id}/edit")
def edit_program(
    program_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Change a program's title, courses, due rule and (when a rule is chosen) its audience; assignments follow."""
    data: dict[str, Any] = {"title": text(form, "title"), "description": text(form, "description"),
                            "due_days": text(form, "due_days").strip() or None,
                            "due_date": text(form, "due_date").strip() or None,
                            "course_ids": texts(form, "course_ids") or None}  # fmt: skip
    if text(form, "kind"):
        picked = [v.strip() for v in text(form, "values").split(",") if v.strip()]
        rule: dict[str, Any] = {"kind": text(form, "kind"), "values": picked}
        if text(form, "days").strip():
            rule["days"] = text(form, "days").strip()
        data["audience"] = [rule]
    try:
        program = programs.update_program(session, principal, program_id, validated(ProgramUpdate, data))
    except InvalidInput as exc:
        discard(session)
        values = {k: text(form, k) for k in PROGRAM_FIELDS} | {"course_ids": texts(form, "course_ids")}
        return program_view(request, session, principal, program_id, None, form_errors(exc), values)
    return redirect(f"/training/programs/{program_id}", f"Saved {program.title}; assignments recomputed.")


@router.post("/training/programs/{program_id}/active")
def activate_program(
    program_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Deactivate a program (its open assignments close) or activate it again."""
    active = text(form, "active") == "yes"
    program = programs.update_program(session, principal, program_id, ProgramUpdate(active=active))
    state = "activated; its courses are assigned again" if active else "deactivated; its open assignments closed"
    return redirect(f"/training/programs/{program_id}", f"{program.title} {state}.")


@router.post("/training/programs/{program_id}/delete")
def delete_program(
    program_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Delete a program with its assignments (completions stay: they are evidence)."""
    program = programs.get_program(session, principal, program_id)
    try:
        _confirmed(form, f"the program {program.title} and its assignments")
        programs.delete_program(session, principal, program_id)
    except InvalidInput as exc:
        discard(session)
        return program_view(request, session, principal, program_id, None, form_errors(exc))
    return redirect("/training/programs", f"Deleted the program {program.title}.")


@router.post("/training/courses/{course_id}/delete")
def delete_course(
    course_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Delete a course with its questions, assignments and completions."""
    course = courses.get_course(session, principal, course_id)
    try:
        _confirmed(form, f"the course {course.title}, its assignments and completions")
        courses.delete_course(session, principal, course_id)
    except InvalidInput as exc:
        discard(session)
        return course_view(request, session, principal, course_id, delete_error=_one_line(exc))
    return redirect("/training/programs", f"Deleted the course {course.title}.")


@router.post("/training/courses/{course_id}/completions")
def record_completion(
    course_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Record by hand that a person completed the course (classroom training, a paper test)."""
    values = {k: text(form, k, 320) for k in ("person", "date", "score", "failed")}
    try:
        person = policies.owner_by_email(session, values["person"], "person")
        if person is None:
            raise InvalidInput.one("person", "give the person's e-mail address")
        data = validated(CompletionCreate, {"person_id": person, "course_id": course_id,
                                            "completed_at": _when(values["date"], "date") or utcnow(),
                                            "score": values["score"].strip() or None,
                                            "passed": values["failed"] != "yes"})  # fmt: skip
        completions.record_completion(session, principal, data)
    except InvalidInput as exc:
        discard(session)
        renamed = {"completed_at": "date", "person_id": "person"}
        errors = {renamed.get(k, k): v for k, v in form_errors(exc).items()}
        return course_view(request, session, principal, course_id, record_errors=errors, record_values=values)
    return redirect(f"/training/courses/{course_id}", f"Recorded the completion of {values['person'].strip()}.")


@router.post("/training/policies/{policy_id}/acknowledge")
def record_ack(
    policy_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Record by hand that a person acknowledged the policy's latest campaign (e.g. a signed form)."""
    try:
        person = policies.owner_by_email(session, text(form, "person", 320), "person")
        if person is None:
            raise InvalidInput.one("person", "give the person's e-mail address")
        ack = policies.acknowledge_latest(session, principal, policy_id, person, _when(text(form, "date"), "date"))
    except TandemError as exc:
        discard(session)
        return policies_view(request, session, principal, {f"ack-{policy_id}": _one_line(exc)})
    return redirect("/training/policies", f"Recorded the acknowledgement of version {ack.version}.")


@router.post("/training/policies/{policy_id}/delete")
def delete_policy(
    policy_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Delete a policy with its versions, campaigns and acknowledgements."""
    policy = policies.get_policy(session, principal, policy_id)
    try:
        _confirmed(form, f"the policy {policy.title} with its versions and acknowledgements")
        policies.delete_policy(session, principal, policy_id)
    except InvalidInput as exc:
        discard(session)
        return policies_view(request, session, principal, {f"delete-{policy_id}": _one_line(exc)})
    return redirect("/training/policies", f"Deleted the policy {policy.title}.")


@router.post("/training/phishing/{campaign_id}/delete")
def delete_campaign(
    campaign_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Delete a phishing campaign and its results."""
    campaign = phishing.get_campaign(session, principal, campaign_id)
    try:
        _confirmed(form, f"the campaign {campaign.name} and its results")
        phishing.delete_campaign(session, principal, campaign_id)
    except InvalidInput as exc:
        discard(session)
        return phishing_view(request, session, principal, {str(campaign_id): _one_line(exc)})
    return redirect("/training/phishing", f"Deleted the campaign {campaign.name}.")
