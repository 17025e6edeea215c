"""Control forms: create and edit a control with its owner, requirement links and inventory scope."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tandem.compliance.common import validate
from tandem.compliance.controls import service as controls
from tandem.compliance.models import Control
from tandem.compliance.schemas import ControlCreate, ControlStatus, ControlUpdate, Frequency
from tandem.compliance.web_common import (
    BLANK,
    framework_choices,
    literal_choices,
    parse_uuid,
    people_choices,
    resolve_refs,
    scope_kinds,
    split_refs,
    unit_choices,
)
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import TandemError
from tandem.platform.web.forms import WebForm, discard, form_errors, text, texts
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)
EDIT = "compliance.edit"
SCOPE_ROWS = 3
FIELDS = ("title", "description", "owner_id", "status", "frequency")


def _page(
    request: Request, session: Session, principal: Principal, control: Control | None, values: dict[str, Any],
    errors: dict[str, str], status: int = 200,
) -> HTMLResponse:  # fmt: skip
    links = controls.requirements_of(session, control) if control else []
    scope = controls.scope_labels(session, principal, control) if control else []
    kept_reqs, kept_scope = values.get("_kept_reqs"), values.get("_kept_scope")
    rows = values.get("_scope_rows") or []
    rows = rows + [("", "")] * (SCOPE_ROWS - len(rows))
    return render(
        request, "compliance/control_form.html", status, control=control, values=values, errors=errors,
        links=[(r, kept_reqs is None or str(r["id"]) in kept_reqs) for r in links],
        scope=[(s, kept_scope is None or f"{s['kind']}:{s['id']}" in kept_scope) for s in scope],
        scope_rows=rows, units=unit_choices(session, principal, EDIT),
        people=BLANK + people_choices(session, principal),
        frameworks=BLANK + framework_choices(session, principal), kinds=scope_kinds(),
        statuses=literal_choices(ControlStatus), frequencies=literal_choices(Frequency),
    )  # fmt: skip


def _shown(form: FormData) -> dict[str, Any]:
    """Return the submitted values, to read and to show again."""
    shown: dict[str, Any] = {name: text(form, name) for name in (*FIELDS, "org_unit_id", "req_framework", "req_refs")}
    rows = [(k, i.strip()) for k, i in zip(texts(form, "scope_kind"), texts(form, "scope_id"), strict=False)]
    shown.update(_kept_reqs=texts(form, "requirement_id"), _kept_scope=texts(form, "scope_keep"), _scope_rows=rows[:50])
    return shown


def _data(session: Session, principal: Principal, shown: dict[str, Any]) -> dict[str, Any]:
    """Return the schema input: kept links plus the refs typed for the chosen framework, kept plus added scope."""
    data: dict[str, Any] = {name: shown[name] for name in ("title", "description")}
    data["owner_id"] = shown["owner_id"] or None
    data.update({name: shown[name] for name in ("status", "frequency") if shown[name]})
    kept = [str(i) for i in (parse_uuid(r) for r in shown["_kept_reqs"]) if i]
    added = resolve_refs(session, principal, shown["req_framework"], split_refs(shown["req_refs"]), "req_refs",
                         "req_framework")  # fmt: skip
    data["requirement_ids"] = list(dict.fromkeys([*kept, *(str(i) for i in added)]))
    scope = [{"kind": k, "id": i} for k, _, i in (s.partition(":") for s in shown["_kept_scope"])]
    data["scope"] = scope + [{"kind": k, "id": i} for k, i in shown["_scope_rows"] if i]
    return data


@router.get("/compliance/controls/new")
def new_control(request: Request, session: DbSession, principal: Principal = requires(EDIT)) -> HTMLResponse:
    """Show an empty control form."""
    return _page(request, session, principal, None, {"status": "planned", "frequency": "continuous"}, {})


@router.post("/compliance/controls/new")
def create_control(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Create a control from the form, or show it again with each error beside its field."""
    shown = _shown(form)
    try:
        data = _data(session, principal, shown) | {"org_unit_id": shown["org_unit_id"] or None}
        control = controls.create_control(session, principal, validate(ControlCreate, data))
    except TandemError as exc:
        discard(session)
        return _page(request, session, principal, None, shown, form_errors(exc), 422)
    return redirect(f"/compliance/controls/{control.id}", "Control created.")


@router.get("/compliance/controls/{control_id}/edit")
def edit_control(
    control_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(EDIT)
) -> HTMLResponse:
    """Show the control form filled with the control."""
    control = controls.get_control(session, principal, control_id)
    values = {name: getattr(control, name) or "" for name in FIELDS}
    return _page(request, session, principal, control, values, {})


@router.post("/compliance/controls/{control_id}/edit")
def update_control(
    control_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Save the control; requirement links and scope are replaced by what the form keeps and adds."""
    shown = _shown(form)
    try:
        data = _data(session, principal, shown)
        controls.update_control(session, principal, control_id, validate(ControlUpdate, data))
    except TandemError as exc:
        discard(session)
        control = controls.get_control(session, principal, control_id)
        return _page(request, session, principal, control, shown, form_errors(exc), 422)
    return redirect(f"/compliance/controls/{control_id}", "Saved.")


@router.post("/compliance/controls/{control_id}/delete")
def delete_control(control_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a control and its links."""
    controls.delete_control(session, principal, control_id)
    return redirect("/compliance/controls", "Control deleted.")
