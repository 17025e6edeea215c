"""The forms of the training pages: new course, new program (courses and one audience rule), new policy, a policy's
next version and its acknowledgement campaign. Validation errors come back next to their fields."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth import service as auth
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import InvalidInput, TandemError
from tandem.platform.web.forms import WebForm, discard, form_errors, text, texts
from tandem.platform.web.render import redirect, render
from tandem.training import courses, documents, policies, programs
from tandem.training.engine.audience import RULE_KINDS
from tandem.training.question_form import Slot, parse_slots, read_slots
from tandem.training.schemas import (
    CampaignCreate,
    CourseCreate,
    PolicyCreate,
    PolicyUpdate,
    ProgramCreate,
    VersionCreate,
)
from tandem.training.web_courses import uploaded, validated

router = APIRouter(include_in_schema=False)
EDIT = "training.edit"
COURSE_FIELDS = ("title", "description", "format", "url", "external_id", "version", "duration_minutes",
                 "validity_days", "requirement_refs", "pass_mark")  # fmt: skip
PROGRAM_FIELDS = ("title", "description", "kind", "values", "days", "due_days", "due_date")
POLICY_FIELDS = ("title", "description", "review_date")


def _root(session: Any) -> uuid.UUID:
    root = auth.root_unit(session)
    if root is None:
        raise InvalidInput.one("org_unit_id", "create the organisation first")
    return root.id


def _form(request: Request, session: Any, principal: Principal, what: str, **ctx: Any) -> HTMLResponse:
    errors = ctx.pop("errors", {})
    return render(request, "training/form.html", 422 if errors else 200, what=what, errors=errors,
                  values=ctx.pop("values", {}), courses=courses.visible_courses(session, principal),
                  kinds=RULE_KINDS, first_question=ctx.pop("first_question", Slot()), **ctx)  # fmt: skip


@router.get("/training/new/{what}")
def new_page(what: str, request: Request, session: DbSession, principal: Principal = requires(EDIT)) -> HTMLResponse:
    """The empty form for a course, a program or a policy."""
    if what not in CREATORS:
        raise InvalidInput.one("path.what", "must be course, program or policy")
    return _form(request, session, principal, what)


def _course(form: Any, session: Any, principal: Principal) -> tuple[str, str]:
    data: dict[str, Any] = {k: text(form, k).strip() for k in COURSE_FIELDS}
    data["requirement_refs"] = [r.strip() for r in data["requirement_refs"].split(",") if r.strip()]
    data = {k: v for k, v in data.items() if v != ""} | {"org_unit_id": _root(session)}
    file = uploaded(form)
    if data.get("format") == "quiz":
        questions, _, errors = parse_slots(read_slots(form))
        if errors:
            raise InvalidInput(errors)
        data["questions"] = [q.model_dump() for q in questions]
    elif file is not None and data.get("format") != "document":
        raise InvalidInput.one("file", "only document courses carry a document; choose the format document")
    course = courses.create_course(session, principal, validated(CourseCreate, data))
    if file is not None and course.format == "document":
        documents.attach_document(session, principal, course.id, *file)
        return f"/training/courses/{course.id}", f"Course added with its document {course.document_name}."
    return f"/training/courses/{course.id}", "Course added."


def _program(form: Any, session: Any, principal: Principal) -> tuple[str, str]:
    rule: dict[str, Any] = {"kind": text(form, "kind"),
                            "values": [v.strip() for v in text(form, "values").split(",") if v.strip()]}  # fmt: skip
    if text(form, "days").strip():
        rule["days"] = text(form, "days").strip()
    data = {"title": text(form, "title"), "description": text(form, "description"), "audience": [rule],
            "course_ids": texts(form, "course_ids"), "due_days": text(form, "due_days") or 30,
            "due_date": text(form, "due_date") or None, "org_unit_id": _root(session)}  # fmt: skip
    program = programs.create_program(session, principal, validated(ProgramCreate, data))
    return f"/training/programs/{program.id}", "Program added; its courses are assigned."


def _policy(form: Any, session: Any, principal: Principal) -> tuple[str, str]:
    data: dict[str, Any] = {k: text(form, k).strip() for k in POLICY_FIELDS}
    data["review_date"] = data["review_date"] or None
    data["owner_id"] = policies.owner_by_email(session, text(form, "owner", 320))
    policies.create_policy(session, principal, validated(PolicyCreate, {**data, "org_unit_id": _root(session)}))
    return "/training/policies", "Policy added; publish its first version next."


CREATORS = {"course": _course, "program": _program, "policy": _policy}


@router.post("/training/new/{what}")
def create_page(
    what: str, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Create a course, a program or a policy, or show the form again with the errors."""
    if what not in CREATORS:
        raise InvalidInput.one("path.what", "must be course, program or policy")
    try:
        target, message = CREATORS[what](form, session, principal)
    except TandemError as exc:
        discard(session)
        values = {k: text(form, k) for k in (*COURSE_FIELDS, *PROGRAM_FIELDS, "review_date", "owner")} | {
            "course_ids": texts(form, "course_ids")
        }
        first = (read_slots(form) or [Slot()])[0]
        return _form(request, session, principal, what, errors=form_errors(exc), values=values, first_question=first)
    return redirect(target, message)


@router.post("/training/policies/{policy_id}/review")
def review_page(
    policy_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Record a policy's review: its owner and the next review date (clears the "past review" flag)."""
    try:
        owner = policies.owner_by_email(session, text(form, "owner", 320))
        data = validated(PolicyUpdate, {"owner_id": owner, "review_date": text(form, "review_date") or None})
        policy = policies.update_policy(session, principal, policy_id, data)
    except TandemError as exc:
        discard(session)
        return redirect("/training/policies", exc.message if not isinstance(exc, InvalidInput)
                        else "; ".join(e.reason for e in exc.errors))  # fmt: skip
    return redirect("/training/policies", f"{policy.title}: next review {policy.review_date or 'not set'}.")


@router.post("/training/policies/{policy_id}/publish")
def publish_page(
    policy_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Publish the policy's next version, and ask everyone to acknowledge it when a due date is given."""
    try:
        version = policies.publish_version(session, principal, policy_id, validated(VersionCreate, {
            "summary": text(form, "summary"), "url": text(form, "url").strip()}))  # fmt: skip
        if text(form, "due_date"):
            policies.launch_campaign(session, principal, policy_id, validated(CampaignCreate, {
                "due_date": text(form, "due_date"), "version": version.number}))  # fmt: skip
    except TandemError as exc:
        discard(session)
        return redirect("/training/policies", exc.message)
    return redirect("/training/policies", f"Version {version.number} published.")
