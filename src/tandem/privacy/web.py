"""Privacy pages: the RoPA with discovery findings and DPIA pre-screens, an activity's record and form, the
RoPA export, and the DPIA workflow."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError

from tandem.inventory import service as inventory
from tandem.inventory.schemas import DATA_CATEGORIES, DATA_SUBJECTS
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth import service as auth
from tandem.platform.auth.permissions import visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import FieldError, InvalidInput, TandemError
from tandem.platform.web.forms import WebForm, discard, form_errors, text, texts
from tandem.platform.web.render import redirect, render
from tandem.privacy import dpia, exports, service
from tandem.privacy.repository import DPIA_SPEC, dpias_of
from tandem.privacy.schemas import ActivityCreate, ActivityUpdate, DpiaCreate, DpiaUpdate, DpoOpinion, SignOff
from tandem.privacy.vocab import ASKED, CRITERIA, LEGAL_BASES, ROLES, SPECIAL_BASES, STATUSES

router = APIRouter(include_in_schema=False)
VIEW, EDIT = "privacy.view", "privacy.edit"
TEXTS = (
    "name",
    "description",
    "role",
    "status",
    "controller",
    "dpo",
    "legal_basis",
    "special_basis",
    "retention",
    "security_measures",
)
LINES = ("purposes", "recipients")


def _valid(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(
            [FieldError(".".join(["body", *map(str, e["loc"])]), e["msg"]) for e in exc.errors()]
        ) from None


def _act(session: Any, back: str, ok: str, call: Callable[[], Any]) -> Response:
    try:
        call()
    except TandemError as exc:
        discard(session)
        reasons = "; ".join(f"{k}: {v}" if k != "_form" else v for k, v in form_errors(exc).items())
        return redirect(back, reasons[:190])
    return redirect(back, ok)


@router.get("/privacy/ropa")
def ropa_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """The records of processing activities with findings and pre-screen verdicts."""
    items = [
        {
            "a": a,
            "screen": service.prescreen(session, principal, a),
            "findings": len(service.findings(session, principal, a)),
        }
        for a in service.visible_activities(session, principal)
    ]
    return render(request, "privacy/ropa.html", items=items, bases=LEGAL_BASES)


@router.get("/privacy/ropa/export")
def export_page(
    session: DbSession, format: str = Query("csv", pattern="^(csv|xlsx|pdf)$"), principal: Principal = requires(VIEW)
) -> Response:
    """Download the RoPA as CSV, XLSX or PDF."""
    media, build = exports.FORMATS[format]
    headers = {"Content-Disposition": f'attachment; filename="ropa.{format}"'}
    return Response(build(session, principal), media_type=media, headers=headers)


def _choices(session: Any, principal: Principal) -> dict[str, Any]:
    kinds = {k: inventory.kind_of(k) for k in ("data_store", "vendor")}
    picks = {}
    for name, kind in kinds.items():
        page = inventory.list_records(session, principal, kind, PageRequest.parse(kind.spec, {"limit": "500"}))
        picks[name] = [(str(r.id), inventory.label_of(kind, r)) for r in page.items]
    units = [auth.get_unit(session, None, uid) for uid in visible_unit_ids(session, principal, EDIT)]
    return {
        "stores": picks["data_store"],
        "vendors": picks["vendor"],
        "units": units,
        "roles": ROLES,
        "statuses": STATUSES,
        "bases": LEGAL_BASES,
        "special": SPECIAL_BASES,
        "categories": DATA_CATEGORIES,
        "subjects": DATA_SUBJECTS,
    }


def _form_values(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {k: text(form, k, 20_000).strip() for k in TEXTS}
    values |= {k: [ln.strip() for ln in text(form, k, 20_000).splitlines() if ln.strip()] for k in LINES}
    values |= {k: texts(form, k) for k in ("data_subjects", "data_categories", "data_store_ids", "vendor_ids")}
    return values


def _form(
    request: Request,
    session: Any,
    principal: Principal,
    values: dict[str, Any],
    action: str,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "privacy/form.html",
        422 if errors else 200,
        values=values,
        action=action,
        errors=errors or {},
        **_choices(session, principal),
    )


@router.get("/privacy/activities/new")
def new_page(request: Request, session: DbSession, principal: Principal = requires(EDIT)) -> HTMLResponse:
    """The empty processing-activity form."""
    return _form(request, session, principal, {"role": "controller", "status": "draft"}, "/privacy/activities/new")


@router.post("/privacy/activities/new")
def create_page(request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Add a processing activity."""
    values = _form_values(form)
    unit = text(form, "org_unit_id", 40) or None
    try:
        made = service.create_activity(session, principal, _valid(ActivityCreate, {**values, "org_unit_id": unit}))
    except TandemError as exc:
        discard(session)
        return _form(
            request, session, principal, {**values, "org_unit_id": unit}, "/privacy/activities/new", form_errors(exc)
        )
    return redirect(f"/privacy/activities/{made.id}", "Processing activity added.")


@router.get("/privacy/activities/{activity_id}")
def activity_page(
    activity_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """A processing activity: its Art. 30 record, discovery findings, DPIA pre-screen and DPIAs."""
    a = service.get_activity(session, principal, activity_id)
    return render(
        request,
        "privacy/activity.html",
        a=a,
        stores=service.stores_of(session, principal, a),
        findings=service.findings(session, principal, a),
        screen=service.prescreen(session, principal, a),
        dpias=dpias_of(session, a.id),
        bases=LEGAL_BASES,
        special=SPECIAL_BASES,
        asked=ASKED,
        criteria=CRITERIA,
        can_edit=principal.can_anywhere(EDIT),
    )


@router.get("/privacy/activities/{activity_id}/edit")
def edit_page(
    activity_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(EDIT)
) -> HTMLResponse:
    """The processing-activity form filled in."""
    a = service.get_activity(session, principal, activity_id)
    values = {
        k: getattr(a, k) for k in (*TEXTS, *LINES, "data_subjects", "data_categories", "data_store_ids", "vendor_ids")
    }
    return _form(request, session, principal, values, f"/privacy/activities/{a.id}/edit")


@router.post("/privacy/activities/{activity_id}/edit")
def update_page(
    activity_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Save the processing-activity form."""
    values = _form_values(form)
    try:
        service.update_activity(session, principal, activity_id, _valid(ActivityUpdate, values))
    except TandemError as exc:
        discard(session)
        return _form(request, session, principal, values, f"/privacy/activities/{activity_id}/edit", form_errors(exc))
    return redirect(f"/privacy/activities/{activity_id}", "Saved.")


@router.post("/privacy/activities/{activity_id}/screening")
def screening_page(
    activity_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Save the pre-screen answers the record cannot give (evaluation, monitoring, …)."""
    answers = {k: k in texts(form, "yes") for k in ASKED}
    return _act(
        session,
        f"/privacy/activities/{activity_id}",
        "Pre-screen updated.",
        lambda: service.update_activity(
            session, principal, activity_id, _valid(ActivityUpdate, {"screening": answers})
        ),
    )


@router.post("/privacy/activities/{activity_id}/dpias")
def start_dpia_page(
    activity_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Start a DPIA of the activity."""
    try:
        made = dpia.create_dpia(
            session, principal, _valid(DpiaCreate, {"activity_id": activity_id, "title": text(form, "title", 300)})
        )
    except TandemError as exc:
        discard(session)
        return redirect(f"/privacy/activities/{activity_id}", "; ".join(form_errors(exc).values())[:190])
    return redirect(f"/privacy/dpias/{made.id}", "DPIA started.")


@router.get("/privacy/dpias")
def dpias_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Every DPIA and its status."""
    page = dpia.list_dpias(session, principal, PageRequest.parse(DPIA_SPEC, {"limit": "500"}))
    return render(request, "privacy/dpias.html", dpias=page.items)


@router.get("/privacy/dpias/{dpia_id}")
def dpia_page(
    dpia_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """A DPIA: Art. 35(7) content, DPO opinion, sign-off."""
    d = dpia.get_dpia(session, principal, dpia_id)
    a = service.get_activity(session, principal, d.activity_id)
    return render(
        request,
        "privacy/dpia.html",
        d=d,
        a=a,
        links=dpia.scenario_links(session, principal, d),
        scenarios=dpia.scenario_choices(session, principal),
        screen=service.prescreen(session, principal, a),
        can_edit=principal.can_anywhere(EDIT),
        can_sign=principal.can_anywhere("privacy.sign"),
    )


def _risks(form: Any) -> list[dict[str, str]]:
    out = []
    for n in range(10):
        risk = text(form, f"risks.{n}.risk", 2000).strip()
        if risk:
            out.append(
                {
                    "risk": risk,
                    "likelihood": text(form, f"risks.{n}.likelihood", 10),
                    "severity": text(form, f"risks.{n}.severity", 10),
                }
            )
    return out


def _scenario_ids(session: Any, principal: Principal, dpia_id: uuid.UUID, form: Any) -> list[str]:
    """Return the picked scenarios plus the links this editor cannot see (the select does not list them)."""
    picked = texts(form, "risk_scenario_ids")
    try:
        linked = dpia.get_dpia(session, principal, dpia_id).risk_scenario_ids
    except TandemError:
        return picked  # the save reports the DPIA itself
    shown = {sid for sid, _ in dpia.scenario_choices(session, principal)}
    return picked + [sid for sid in linked if sid not in shown and sid not in picked]


@router.post("/privacy/dpias/{dpia_id}")
def save_dpia_page(
    dpia_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Save the DPIA; "send to DPO" checks the Art. 35(7) content is complete."""
    data: dict[str, Any] = {k: text(form, k, 20_000) for k in ("description", "necessity", "measures")}
    data |= {
        "risks": _risks(form),
        "residual_risk": text(form, "residual_risk", 10),
        "risk_refs": [r.strip() for r in text(form, "risk_refs", 5000).split(",") if r.strip()],
        "risk_scenario_ids": _scenario_ids(session, principal, dpia_id, form),
    }
    if text(form, "action") == "review":
        data["status"] = "dpo_review"
    return _act(
        session,
        f"/privacy/dpias/{dpia_id}",
        "DPIA saved.",
        lambda: dpia.update_dpia(session, principal, dpia_id, _valid(DpiaUpdate, data)),
    )


@router.post("/privacy/dpias/{dpia_id}/opinion")
def opinion_page(
    dpia_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Record the DPO's opinion."""
    data = {"dpo_name": text(form, "dpo_name", 200), "opinion": text(form, "opinion", 20_000)}
    return _act(
        session,
        f"/privacy/dpias/{dpia_id}",
        "Opinion recorded.",
        lambda: dpia.give_opinion(session, principal, dpia_id, _valid(DpoOpinion, data)),
    )


@router.post("/privacy/dpias/{dpia_id}/sign-off")
def sign_page(
    dpia_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires("privacy.sign")
) -> Response:
    """Sign the DPIA off or reject it."""
    data = {"decision": text(form, "decision", 16)}
    return _act(
        session,
        f"/privacy/dpias/{dpia_id}",
        "Decision recorded.",
        lambda: dpia.sign_off(session, principal, dpia_id, _valid(SignOff, data)),
    )
