"""Mapping forms: map a requirement to another one, change the relationship and strength, delete the mapping."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from tandem.compliance.common import validate
from tandem.compliance.frameworks import mappings
from tandem.compliance.frameworks import repository as fw_repo
from tandem.compliance.frameworks import service as frameworks
from tandem.compliance.schemas import MappingCreate, MappingUpdate, Relationship
from tandem.compliance.web import requirement_context
from tandem.compliance.web_common import canonical, errors_of, literal_choices, requirement_path, resolve_refs
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import InvalidInput, TandemError
from tandem.platform.web.forms import WebForm, discard, text
from tandem.platform.web.render import redirect, render, safe_next

router = APIRouter(include_in_schema=False)
EDIT = "compliance.edit"
# The service names the requirement ends; the forms ask for a framework and a ref.
RENAME = {"target_id": "target_ref", "source_id": "_form"}


def _values(form: FormData) -> dict[str, str]:
    names = ("target_framework", "target_ref", "relationship", "strength", "rationale")
    return {name: text(form, name, 20_000).strip() for name in names}


def _strength(raw: str) -> Any:
    return raw or None


@router.post("/compliance/frameworks/{framework_id}/requirements/{ref}/mappings")
def add_mapping(
    framework_id: uuid.UUID, ref: str, request: Request, form: WebForm, session: DbSession,
    principal: Principal = requires(EDIT),
) -> Response:  # fmt: skip
    """Map this requirement to a requirement of any framework (read as "target <relationship> this")."""
    req = frameworks.get_requirement(session, principal, framework_id, ref)
    values = _values(form)
    try:
        if not values["target_ref"]:
            raise InvalidInput.one("target_ref", "enter the id of the requirement to map to")
        target = resolve_refs(session, principal, values["target_framework"], [values["target_ref"]], "target_ref",
                              "target_framework")  # fmt: skip
        data = {"source_id": str(canonical(session, req.id)), "relationship": values["relationship"],
                "target_id": str(canonical(session, target[0])),
                "strength": _strength(values["strength"]), "rationale": values["rationale"]}  # fmt: skip
        mappings.add_mapping(session, principal, validate(MappingCreate, data))
    except TandemError as exc:
        discard(session)
        context = requirement_context(session, principal, framework_id, ref, values, errors_of(exc, RENAME))
        return render(request, "compliance/requirement.html", 422, **context)
    return redirect(requirement_path(session, req.id) or "/compliance/frameworks", "Mapping added.")


def _edit_page(
    request: Request, session: Any, principal: Principal, mapping_id: uuid.UUID, values: dict[str, Any],
    errors: dict[str, str], back: str, status: int = 200,
) -> HTMLResponse:  # fmt: skip
    mapping = mappings.get_mapping(session, principal, mapping_id)
    ends = fw_repo.requirements_by_ids(session, [mapping.source_id, mapping.target_id])
    names = {f.id: f"{f.name} {f.version}" for f in frameworks.list_frameworks(session, principal)}
    labels = {i: f"{names.get(r.framework_id, '')}: {r.label} {r.title}" for i, r in ends.items()}
    return render(request, "compliance/mapping_form.html", status, mapping=mapping, values=values, errors=errors,
                  source=labels.get(mapping.source_id, ""), target=labels.get(mapping.target_id, ""), back=back,
                  relationships=literal_choices(Relationship))  # fmt: skip


def _back(session: Any, raw: str | None, mapping_id: uuid.UUID, principal: Principal) -> str:
    if raw:
        return safe_next(raw)
    mapping = mappings.get_mapping(session, principal, mapping_id)
    return requirement_path(session, mapping.source_id) or "/compliance/frameworks"


@router.get("/compliance/mappings/{mapping_id}/edit")
def edit_mapping(
    mapping_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(EDIT)
) -> HTMLResponse:
    """Show a mapping's relationship, strength and rationale for editing."""
    mapping = mappings.get_mapping(session, principal, mapping_id)
    values = {"relationship": mapping.relationship, "rationale": mapping.rationale,
              "strength": "" if mapping.strength is None else str(mapping.strength)}  # fmt: skip
    back = _back(session, request.query_params.get("back"), mapping_id, principal)
    return _edit_page(request, session, principal, mapping_id, values, {}, back)


@router.post("/compliance/mappings/{mapping_id}/edit")
def update_mapping(
    mapping_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Save the mapping; errors are shown beside their fields."""
    values = _values(form)
    back = _back(session, text(form, "back", 500), mapping_id, principal)
    data = {"relationship": values["relationship"] or None, "strength": _strength(values["strength"]),
            "rationale": values["rationale"]}  # fmt: skip
    try:
        mappings.update_mapping(session, principal, mapping_id, validate(MappingUpdate, data))
    except TandemError as exc:
        discard(session)
        return _edit_page(request, session, principal, mapping_id, values, errors_of(exc), back, 422)
    return redirect(back, "Mapping saved.")


@router.post("/compliance/mappings/{mapping_id}/delete")
def delete_mapping(
    mapping_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Delete a mapping."""
    back = _back(session, text(form, "back", 500), mapping_id, principal)
    mappings.delete_mapping(session, principal, mapping_id)
    return redirect(back, "Mapping deleted.")
