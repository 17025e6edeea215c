"""Checklist pages: a checklist's items, the form that renames it and rewrites its items (one a line), copy and
delete; and the form that creates a new checklist."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from tandem.monitoring import audits, checklists
from tandem.monitoring import repository as repo
from tandem.monitoring.schemas import ChecklistCopy, ChecklistCreate, ChecklistUpdate
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import Conflict, FieldError, InvalidInput, TandemError
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)
VIEW, EDIT = "monitoring.view", "monitoring.edit"


def _invalid(exc: ValidationError) -> InvalidInput:
    return InvalidInput([FieldError(".".join(["form", *map(str, e["loc"])]), e["msg"]) for e in exc.errors()])


def _page(request: Request, session: DbSession, principal: Principal, checklist_id: uuid.UUID, status: int = 200,
          errors: dict[str, str] | None = None, values: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
    checklist = audits.get_checklist(session, principal, checklist_id)
    current = {"name": checklist.name, "description": checklist.description,
               "items": checklists.format_items(checklist.items), "copy_name": f"{checklist.name} (ours)"}  # fmt: skip
    used = repo.audits_of_checklist(session, checklist.id)
    return render(request, "monitoring/checklist.html", status, checklist=checklist, used=used,
                  values={**current, **(values or {})}, errors=errors or {})  # fmt: skip


@router.get("/monitoring/checklists/{checklist_id}")
def checklist_page(
    checklist_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """Show a checklist's items; editors get the edit, copy and delete forms."""
    return _page(request, session, principal, checklist_id)


def _apply(session: DbSession, principal: Principal, checklist_id: uuid.UUID, action: str, form: WebForm
           ) -> Response:  # fmt: skip
    if action == "copy":
        try:
            copy = ChecklistCopy.model_validate({"name": text(form, "copy_name", 201)})
        except ValidationError as exc:
            raise _invalid(exc) from None
        made = checklists.copy_checklist(session, principal, checklist_id, copy)
        return redirect(f"/monitoring/checklists/{made.id}", f"Copied as {made.name}: change it as you need")
    if action == "delete":
        if text(form, "confirm", 5) != "yes":
            raise InvalidInput.one("form.confirm", "tick the box to confirm deleting")
        checklists.delete_checklist(session, principal, checklist_id)
        return redirect("/monitoring/audits", "Checklist deleted")
    items = checklists.parse_items(text(form, "items", 200_000))
    try:
        data = ChecklistUpdate.model_validate({"name": text(form, "name", 201),
                                               "description": text(form, "description", 4001)})  # fmt: skip
    except ValidationError as exc:
        raise _invalid(exc) from None
    data.items = items
    checklists.update_checklist(session, principal, checklist_id, data)
    return redirect(f"/monitoring/checklists/{checklist_id}", "Checklist saved")


@router.post("/monitoring/checklists/{checklist_id}")
def change(
    checklist_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Save the checklist (name, description, items one a line), copy it under a new name, or delete it."""
    action = text(form, "action", 10)
    try:
        return _apply(session, principal, checklist_id, action, form)
    except TandemError as exc:
        discard(session)
        values = {k: text(form, k, 200_000) for k in ("name", "description", "items", "copy_name") if k in form}
        code = 409 if isinstance(exc, Conflict) else 422
        return _page(request, session, principal, checklist_id, code, form_errors(exc), values)


@router.post("/monitoring/checklists")
def create(request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Create a checklist from a name and its items, one a line."""
    try:
        items = checklists.parse_items(text(form, "items", 200_000))
        try:
            data = ChecklistCreate.model_validate(
                {"name": text(form, "name", 201), "items": [i.model_dump() for i in items]}
            )
        except ValidationError as exc:
            raise _invalid(exc) from None
        made = audits.create_checklist(session, principal, data)
    except TandemError as exc:
        discard(session)
        return redirect("/monitoring/audits", "; ".join(f"{k}: {v}" for k, v in form_errors(exc).items())[:300])
    return redirect(f"/monitoring/checklists/{made.id}", f"Checklist {made.name} created")
