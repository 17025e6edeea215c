"""Strategy pages: initiatives (list, detail, form), objectives, plan scenarios, the joint decision log."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import FieldError, InvalidInput, NotFound, TandemError
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render
from tandem.strategy import compliance_links, decisions, imports, policy, service
from tandem.strategy import repository as repo
from tandem.strategy.common import home_unit
from tandem.strategy.models import Initiative
from tandem.strategy.repository import DECISION_SPEC, OBJECTIVE_SPEC, SCENARIO_SPEC
from tandem.strategy.schemas import (
    ApprovalCreate,
    DecisionCreate,
    InitiativeCreate,
    InitiativeUpdate,
    ObjectiveCreate,
    ScenarioCreate,
)

router = APIRouter(include_in_schema=False)
VIEW, EDIT = "strategy.view", "strategy.edit"
FORM_FIELDS = ("title", "description", "sponsor", "status", "value_mode", "business_value", "value_low", "value_high",
               "value_score", "duration", "costs", "staff", "earliest_quarter", "mandatory", "deadline_quarter",
               "regulation", "compliance_ref", "alt_group", "time_exception", "predecessors", "objectives",
               "applications", "risks")  # fmt: skip


def _validated(model: Any, data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(
            [FieldError(".".join(["body", *map(str, e["loc"])]), e["msg"]) for e in exc.errors()]
        ) from None


@router.get("/strategy/initiatives")
def initiatives_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Initiatives with sponsor, cost, business value, ΔALE and rules; the objectives they serve."""
    rows = service.visible_initiatives(session, principal)
    sponsor = request.query_params.get("sponsor", "")
    if sponsor in ("cio", "ciso", "joint"):
        rows = [i for i in rows if i.sponsor == sponsor]
    objectives = service.list_objectives(session, principal, PageRequest.parse(OBJECTIVE_SPEC, {"limit": "100"}))
    return render(request, "strategy/initiatives.html", rows=rows, sponsor=sponsor, objectives=objectives.items)


def _names(session: Any, principal: Principal, rows: list[Any], lookup: Any, text_of: Any) -> str:
    """Return links as 'name=value; …', leaving out what principal may not see."""
    out = []
    for row in rows:
        try:
            out.append(text_of(lookup(row), row))
        except NotFound:
            continue
    return "; ".join(out)


def _text_links(session: Any, principal: Principal, initiative: Initiative) -> dict[str, str]:
    """Return an initiative's links in the form's text syntax (the same as the CSV import)."""
    from tandem.inventory import service as inventory
    from tandem.risk import service as risk_service

    links = {name: repo.links_of(session, name, [initiative.id])[initiative.id] for name in repo.LINKS}
    app_kind = inventory.kind_of("application")
    return {
        "predecessors": _names(session, principal, links["predecessors"],
                               lambda r: service.get_initiative(session, principal, r.predecessor_id),
                               lambda o, r: o.title),
        "objectives": _names(session, principal, links["objectives"],
                             lambda r: service.get_objective(session, principal, r.objective_id),
                             lambda o, r: f"{o.title}={r.contribution}"),
        "applications": _names(session, principal, links["applications"],
                               lambda r: inventory.get_record(session, principal, app_kind, r.application_id),
                               lambda o, r: f"{o.name}={r.action}"),
        "risks": _names(session, principal, links["risks"],
                        lambda r: risk_service.get_scenario(session, principal, r.scenario_id),
                        lambda o, r: f"{o.title}=" + ",".join(f"{k}:{v}" for k, v in r.effect.items())),
    }  # fmt: skip


def _form(request: Request, values: dict[str, Any], errors: dict[str, str], action: str) -> HTMLResponse:
    return render(request, "strategy/form.html", 422 if errors else 200, values=values, errors=errors, action=action)


@router.get("/strategy/initiatives/new")
def new_page(request: Request, principal: Principal = requires(EDIT)) -> HTMLResponse:
    """The empty initiative form."""
    return _form(request, {"sponsor": "joint", "status": "candidate", "value_mode": "money", "duration": "1"}, {},
                 "/strategy/initiatives/new")  # fmt: skip


def _submit(session: Any, principal: Principal, form: Any, initiative_id: uuid.UUID | None) -> Initiative:
    raw = {k: text(form, k, 20_000) for k in FORM_FIELDS}
    raw["mandatory"] = "true" if text(form, "mandatory") else "false"
    item = imports.item_from_text(raw)
    for key in ("predecessors", "objectives", "applications", "risks"):
        item.setdefault(key, [])  # an emptied box removes the links
    payload = imports.payload_for(item, imports.Resolver(session, principal), home_unit(session), "form")
    preds = [i.id for i in service.visible_initiatives(session, principal) if i.title.lower() in
             {p.lower() for p in item["predecessors"]}]  # fmt: skip
    if len(preds) != len(item["predecessors"]):
        raise InvalidInput.one("body.predecessors", "name existing initiatives by their exact titles")
    payload["predecessors"] = preds
    payload.pop("source")
    if initiative_id is None:
        return service.create_initiative(session, principal, _validated(InitiativeCreate, payload))
    payload.pop("org_unit_id")
    return service.update_initiative(session, principal, initiative_id, _validated(InitiativeUpdate, payload))


def _post(request: Request, form: Any, session: Any, principal: Principal, initiative_id: uuid.UUID | None) -> Any:
    action = f"/strategy/initiatives/{initiative_id}/edit" if initiative_id else "/strategy/initiatives/new"
    try:
        saved = _submit(session, principal, form, initiative_id)
    except TandemError as exc:
        discard(session)
        return _form(request, {k: text(form, k, 20_000) for k in FORM_FIELDS}, form_errors(exc), action)
    return redirect(f"/strategy/initiatives/{saved.id}", "Initiative saved.")


@router.post("/strategy/initiatives/new")
def create_page(request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Create an initiative."""
    return _post(request, form, session, principal, None)


@router.get("/strategy/initiatives/{initiative_id}")
def initiative_page(
    initiative_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """One initiative with its links."""
    initiative = service.get_initiative(session, principal, initiative_id)
    return render(request, "strategy/initiative.html", i=initiative, links=_text_links(session, principal, initiative),
                  compliance=compliance_links.link_of(session, principal, initiative.compliance_ref))  # fmt: skip


@router.get("/strategy/initiatives/{initiative_id}/edit")
def edit_page(
    initiative_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(EDIT)
) -> HTMLResponse:
    """The initiative form filled in."""
    i = service.get_initiative(session, principal, initiative_id)
    values = {k: getattr(i, k) for k in FORM_FIELDS if hasattr(i, k)}
    values["costs"] = "; ".join(f"{c:g}" for c in i.costs)
    values["staff"] = "; ".join(f"{p}={'|'.join(f'{x:g}' for x in v)}" for p, v in i.staff.items())
    values.update(_text_links(session, principal, i))
    return _form(request, values, {}, f"/strategy/initiatives/{i.id}/edit")


@router.post("/strategy/initiatives/{initiative_id}/edit")
def update_page(
    initiative_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Save the initiative form."""
    return _post(request, form, session, principal, initiative_id)


@router.post("/strategy/objectives")
def objective_page(form: WebForm, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Add a business objective from the initiatives page."""
    try:
        data = {"title": text(form, "title"), "horizon": text(form, "horizon"), "weight": text(form, "weight") or 1,
                "org_unit_id": home_unit(session)}  # fmt: skip
        service.create_objective(session, principal, _validated(ObjectiveCreate, data))
    except TandemError as exc:
        discard(session)
        return redirect("/strategy/initiatives", "; ".join(form_errors(exc).values()))
    return redirect("/strategy/initiatives", "Objective added.")


@router.get("/strategy/scenarios")
def scenarios_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Plan scenarios with their adjustments, and the policy they adjust."""
    rows = policy.list_scenarios(session, principal, PageRequest.parse(SCENARIO_SPEC, {"limit": "100"})).items
    try:
        current = policy.get_policy(session, principal, home_unit(session))
    except TandemError:  # the policy lives on the organisation's root, which this user may not see
        current = None
    labels = policy.quarter_labels(current) if current else []
    return render(request, "strategy/scenarios.html", rows=rows, policy=current, labels=labels)


@router.post("/strategy/scenarios")
def scenario_create_page(form: WebForm, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Save a scenario (budget factor, staff delta for one pool, deadline shift)."""
    try:
        pool, delta = text(form, "pool").strip(), text(form, "delta").strip()
        data = {"name": text(form, "name"), "budget_factor": text(form, "budget_factor") or 1,
                "deadline_shift": text(form, "deadline_shift") or 0, "org_unit_id": home_unit(session),
                "capacity_delta": {pool: delta} if pool and delta else {}}  # fmt: skip
        policy.create_scenario(session, principal, _validated(ScenarioCreate, data))
    except TandemError as exc:
        discard(session)
        return redirect("/strategy/scenarios", "; ".join(form_errors(exc).values()))
    return redirect("/strategy/scenarios", "Scenario saved.")


@router.post("/strategy/scenarios/{scenario_id}/copy")
def scenario_copy_page(
    scenario_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Copy a scenario under a new name."""
    try:
        policy.copy_scenario(session, principal, scenario_id, text(form, "name", 300).strip() or "copy")
    except TandemError as exc:
        discard(session)
        return redirect("/strategy/scenarios", exc.message)
    return redirect("/strategy/scenarios", "Scenario copied.")


@router.get("/strategy/decisions")
def decisions_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """The joint decision log with who signed and who still has to."""
    page = decisions.list_decisions(session, principal, PageRequest.parse(DECISION_SPEC, {"limit": "100"}))
    rows = [decisions.to_read(session, d) for d in page.items]
    return render(request, "strategy/decisions.html", rows=rows)


@router.post("/strategy/decisions")
def decision_create_page(form: WebForm, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Log a decision."""
    try:
        data = {
            "kind": text(form, "kind"),
            "question": text(form, "question", 5000),
            "options": [o.strip() for o in text(form, "options", 5000).split(";") if o.strip()],
            "decision": text(form, "decision"),
            "rationale": text(form, "rationale"),
            "touches_security": bool(text(form, "touches_security")),
            "org_unit_id": home_unit(session),
        }
        decisions.create_decision(session, principal, _validated(DecisionCreate, data))
    except TandemError as exc:
        discard(session)
        return redirect("/strategy/decisions", "; ".join(form_errors(exc).values()))
    return redirect("/strategy/decisions", "Decision logged; it awaits its sign-offs.")


@router.post("/strategy/decisions/{decision_id}/sign")
def sign_page(
    decision_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires("strategy.approve")
) -> Response:
    """Approve or reject a decision as the CIO or the CISO."""
    try:
        data = _validated(ApprovalCreate, {"verdict": text(form, "verdict"), "comment": text(form, "comment")})
        decisions.sign(session, principal, decision_id, data)
    except TandemError as exc:
        discard(session)
        return redirect("/strategy/decisions", exc.message)
    return redirect("/strategy/decisions", "Signed.")
