"""More incident pages: playbook editing per unit and type, evidence files (upload, download), and review
follow-ups carried into the risk register. The workspace itself lives in web.py."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from tandem.incidents import evidence, followups, playbooks
from tandem.incidents.schemas import FollowUpIn, PlaybookIn
from tandem.incidents.vocab import ROLES, TYPES
from tandem.platform.api.deps import DbSession, actor_of, get_db, requires
from tandem.platform.auth import service as auth
from tandem.platform.auth.permissions import visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.db.uow import unit_of_work
from tandem.platform.errors import FieldError, InvalidInput, TandemError
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)
VIEW, EDIT, RULES = "incidents.view", "incidents.edit", "incidents.rules"


def workspace_extras(session: Any, principal: Principal, incident: Any) -> dict[str, Any]:
    """Return what the workspace shows besides web.py's context: evidence, risk links, scenarios to treat."""
    from tandem.risk import service as risk

    can_risk = incident.review is not None and principal.can_anywhere("risk.edit")
    return {
        "evidence": evidence.files(session, principal, incident.id),
        "risk_links": followups.risk_links(session, principal, incident.id),
        "scenarios": risk.visible_scenarios(session, principal, {})[:500] if can_risk else [],
        "can_risk": can_risk,
    }


def _units(session: Any, principal: Principal) -> list[Any]:
    return sorted(
        (auth.get_unit(session, None, u) for u in visible_unit_ids(session, principal, VIEW)), key=lambda u: u.path
    )


def _playbooks_page(
    request: Request, session: Any, principal: Principal, unit_id: uuid.UUID | None, status: int = 200, **edit: Any
) -> HTMLResponse:
    units = _units(session, principal)
    unit = next((u for u in units if u.id == unit_id), units[0] if units else None)
    books = playbooks.catalogue(session, unit.id) if unit else []
    for book in books:
        book["lines"] = playbooks.as_lines(book["tasks"])
    return render(request, "incidents/playbooks.html", status, units=units, unit=unit, books=books, roles=ROLES,
                  can_edit=principal.can_anywhere(RULES), edit=edit)  # fmt: skip


@router.get("/incidents/playbooks")
def playbooks_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """The playbook in force for every incident type in a unit, editable by whoever may edit the rules."""
    try:
        unit_id = uuid.UUID(request.query_params.get("unit", ""))
    except ValueError:
        unit_id = None
    return _playbooks_page(request, session, principal, unit_id)


@router.post("/incidents/playbooks")
def save_playbook_page(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires(RULES)
) -> Response:
    """Save a unit's playbook for a type from "title | role | due hours" lines, or reset it to the inherited one."""
    raw_unit, kind = text(form, "org_unit_id", 40), text(form, "incident_type", 40)
    values = {"name": text(form, "name", 300), "tasks": text(form, "tasks", 50_000)}
    try:
        unit_id = uuid.UUID(raw_unit)
        if text(form, "action", 10) == "reset":
            playbooks.reset_playbook(session, principal, unit_id, kind)
            return redirect(f"/incidents/playbooks?unit={unit_id}#pb-{kind}", f"{TYPES.get(kind, kind)}: reset.")
        try:
            data = PlaybookIn(org_unit_id=unit_id, incident_type=kind, name=values["name"],
                              tasks=playbooks.parse_lines(values["tasks"]))  # fmt: skip
        except ValidationError as exc:
            raise InvalidInput([FieldError(".".join(["body", *map(str, e["loc"])]), e["msg"])
                                for e in exc.errors()]) from None  # fmt: skip
        playbooks.save_playbook(session, principal, data)
    except ValueError:
        return redirect("/incidents/playbooks", "Choose an org unit.")
    except TandemError as exc:
        discard(session)
        return _playbooks_page(request, session, principal, uuid.UUID(raw_unit), 422, type=kind,
                               values=values, errors=form_errors(exc))  # fmt: skip
    return redirect(f"/incidents/playbooks?unit={unit_id}#pb-{kind}", f"{TYPES[kind]}: playbook saved.")


@router.post("/incidents/{incident_id}/evidence")
async def upload_evidence_page(
    incident_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Keep an uploaded file as evidence of the incident."""
    form = await request.form()
    upload = form.get("file")
    back = f"/incidents/{incident_id}#evidence"
    try:
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise InvalidInput.one("file", "choose a file")
        data = upload.file.read(evidence.limit() + 1)
        row = evidence.upload(session, principal, incident_id, data, upload.filename, text(form, "title", 300))
    except TandemError as exc:
        discard(session)
        return redirect(back, "; ".join(form_errors(exc).values())[:190])
    return redirect(back, f"Evidence kept: {row.file_name}.")


@router.get("/incidents/{incident_id}/evidence/{file_id}")
def download_evidence_page(
    incident_id: uuid.UUID, file_id: uuid.UUID, request: Request, principal: Principal = requires(VIEW)
) -> Response:
    """Download an evidence file as a sandboxed attachment (the download is audited)."""
    # A write transaction although this is a GET: who fetched the evidence goes to the audit chain (custody).
    with unit_of_work(get_db(request), actor=actor_of(principal, request)) as session:
        row, data = evidence.download(session, principal, incident_id, file_id)
        return Response(data, media_type=row.media_type, headers=evidence.download_headers(row))


@router.post("/incidents/{incident_id}/review/risks")
def follow_up_page(
    incident_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Turn a review follow-up into a risk treatment on an existing or a new scenario."""
    raw = {k: text(form, k, 20_000).strip() for k in ("title", "description", "kind", "scenario_id",
                                                       "scenario_title", "task_id")}  # fmt: skip
    data = {k: v for k, v in raw.items() if v}
    back = f"/incidents/{incident_id}#review"
    try:
        try:
            link = followups.follow_up_to_risk(session, principal, incident_id, FollowUpIn.model_validate(data))
        except ValidationError as exc:
            raise InvalidInput([FieldError(".".join(["body", *map(str, e["loc"])]), e["msg"])
                                for e in exc.errors()]) from None  # fmt: skip
    except TandemError as exc:
        discard(session)
        reasons = "; ".join(f"{k}: {v}" if k != "_form" else v for k, v in form_errors(exc).items())
        return redirect(back, reasons[:190])
    return redirect(back, f"Risk treatment added: {link.title}.")
