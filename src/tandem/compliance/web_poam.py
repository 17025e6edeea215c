"""POA&M pages: the list of weaknesses to remediate, and the forms that open and update an item."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tandem.compliance.assessments import poam
from tandem.compliance.assessments import service as assessments
from tandem.compliance.common import validate
from tandem.compliance.models import PoamItem
from tandem.compliance.records import SPEC
from tandem.compliance.schemas import PoamCreate, PoamStatus, PoamUpdate
from tandem.compliance.web_common import (
    BLANK,
    errors_of,
    literal_choices,
    parse_uuid,
    people_choices,
    redirect_anchor,
    unit_choices,
)
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import TandemError
from tandem.platform.web.forms import WebForm, discard, text
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)
VIEW, EDIT = "compliance.view", "compliance.edit"
FIELDS = ("weakness", "milestone", "due_date", "owner_id", "status")
CREATE_ONLY = ("org_unit_id", "assessment_id")


@router.get("/compliance/poam")
def poam_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """List POA&M items (filter by status or assessment)."""
    params = {k: v for k, v in request.query_params.items() if v and k in ("q", "status", "assessment_id", "cursor")}
    if "assessment_id" in params and parse_uuid(params["assessment_id"]) is None:
        params.pop("assessment_id")
    page = poam.list_items(session, principal, PageRequest.parse(poam.SPEC, {"limit": "200", **params}))
    people = dict(people_choices(session, principal))
    return render(request, "compliance/poam.html", page=page, params=params, people=people,
                  statuses=literal_choices(PoamStatus))  # fmt: skip


def _form_page(
    request: Request, session: Session, principal: Principal, item: PoamItem | None, values: dict[str, str],
    errors: dict[str, str], status: int = 200,
) -> HTMLResponse:  # fmt: skip
    sources: list[tuple[str, str]] = []
    if item is None:
        page = assessments.list_assessments(session, principal, PageRequest.parse(SPEC, {"limit": "200"}))
        sources = BLANK + [(str(a.id), a.title) for a in page.items]
    return render(request, "compliance/poam_form.html", status, item=item, values=values, errors=errors,
                  people=BLANK + people_choices(session, principal), units=unit_choices(session, principal, EDIT),
                  statuses=literal_choices(PoamStatus), assessments=sources)  # fmt: skip


def _values(form: FormData, names: tuple[str, ...]) -> dict[str, str]:
    return {name: text(form, name, 5000).strip() for name in names}


def _data(values: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {k: v or None for k, v in values.items()}
    data["weakness"], data["milestone"] = values["weakness"], values["milestone"]
    if not values["status"]:
        data.pop("status")
    return data


@router.get("/compliance/poam/new")
def new_item(request: Request, session: DbSession, principal: Principal = requires(EDIT)) -> HTMLResponse:
    """Show an empty POA&M form (?assessment_id= preselects the assessment)."""
    values = {"status": "open", "assessment_id": request.query_params.get("assessment_id", "")[:100]}
    return _form_page(request, session, principal, None, values, {})


@router.post("/compliance/poam/new")
def create_item(request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Open a POA&M item, or show the form again with each error beside its field."""
    values = _values(form, FIELDS + CREATE_ONLY)
    try:
        item = poam.create_item(session, principal, validate(PoamCreate, _data(values)))
    except TandemError as exc:
        discard(session)
        return _form_page(request, session, principal, None, values, errors_of(exc), 422)
    return redirect_anchor("/compliance/poam", f"p-{item.id}", "POA&M item opened.")


@router.get("/compliance/poam/{item_id}/edit")
def edit_item(
    item_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(EDIT)
) -> HTMLResponse:
    """Show the POA&M form filled with the item."""
    item = poam.get_item(session, principal, item_id)
    values = {name: "" if getattr(item, name) is None else str(getattr(item, name)) for name in FIELDS}
    return _form_page(request, session, principal, item, values, {})


@router.post("/compliance/poam/{item_id}/edit")
def update_item(
    item_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Save the item; a blank due date or owner clears it."""
    values = _values(form, FIELDS)
    try:
        poam.update_item(session, principal, item_id, validate(PoamUpdate, _data(values)))
    except TandemError as exc:
        discard(session)
        item = poam.get_item(session, principal, item_id)
        return _form_page(request, session, principal, item, values, errors_of(exc), 422)
    return redirect_anchor("/compliance/poam", f"p-{item_id}", "Saved.")


@router.post("/compliance/poam/{item_id}/delete")
def delete_item(item_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a POA&M item."""
    poam.delete_item(session, principal, item_id)
    return redirect("/compliance/poam", "POA&M item deleted.")
