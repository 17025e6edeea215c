"""REST routes /api/v1/strategy: objectives, initiatives, policy, scenarios, plans (optimise, frontier, export,
approval, unfunded risks), decisions and sign-offs, import."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.api.paging import page_out, page_request
from tandem.platform.auth.principal import Principal
from tandem.strategy import decisions, exports, fit, imports, planning, policy, rationalisation, service, unfunded
from tandem.strategy.common import home_unit
from tandem.strategy.repository import DECISION_SPEC, INITIATIVE_SPEC, OBJECTIVE_SPEC, PLAN_SPEC, SCENARIO_SPEC
from tandem.strategy.schemas import (
    AcceptUnfunded,
    ApprovalCreate,
    DecisionCreate,
    DecisionRead,
    DecisionUpdate,
    FitIn,
    FitRead,
    InitiativeCreate,
    InitiativeRead,
    InitiativeUpdate,
    ObjectiveCreate,
    ObjectiveRead,
    ObjectiveUpdate,
    OptimizeRequest,
    PlanRead,
    PolicyRead,
    PolicyUpdate,
    ScenarioCreate,
    ScenarioRead,
    ScenarioUpdate,
)

router = APIRouter(prefix="/api/v1/strategy", tags=["strategy"])
VIEW, EDIT, PLAN, APPROVE = "strategy.view", "strategy.edit", "strategy.plan", "strategy.approve"


@router.get("/objectives")
def list_objectives(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List business objectives."""
    page = service.list_objectives(session, principal, page_request(request, OBJECTIVE_SPEC))
    return page_out(page, ObjectiveRead.model_validate)


@router.post("/objectives", status_code=201, response_model=ObjectiveRead)
def create_objective(body: ObjectiveCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Add a business objective (owner, horizon, weight)."""
    return service.create_objective(session, principal, body)


@router.get("/objectives/{objective_id}", response_model=ObjectiveRead)
def get_objective(objective_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return an objective."""
    return service.get_objective(session, principal, objective_id)


@router.patch("/objectives/{objective_id}", response_model=ObjectiveRead)
def update_objective(
    objective_id: uuid.UUID, body: ObjectiveUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change an objective."""
    return service.update_objective(session, principal, objective_id, body)


@router.delete("/objectives/{objective_id}", status_code=204)
def delete_objective(objective_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete an objective."""
    service.delete_objective(session, principal, objective_id)
    return Response(status_code=204)


@router.get("/initiatives")
def list_initiatives(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List initiatives (filters: sponsor, status, mandatory, alt_group)."""
    page = service.list_initiatives(session, principal, page_request(request, INITIATIVE_SPEC))
    return page_out(page, lambda i: service.to_read(session, i))


@router.post("/initiatives", status_code=201, response_model=InitiativeRead)
def create_initiative(body: InitiativeCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Add an initiative; linked risk scenarios give its ΔALE through the risk engine's what-if."""
    return service.to_read(session, service.create_initiative(session, principal, body))


@router.get("/initiatives/{initiative_id}", response_model=InitiativeRead)
def get_initiative(initiative_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return an initiative with its links."""
    return service.to_read(session, service.get_initiative(session, principal, initiative_id))


@router.patch("/initiatives/{initiative_id}", response_model=InitiativeRead)
def update_initiative(
    initiative_id: uuid.UUID, body: InitiativeUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change an initiative; given link lists replace the current ones."""
    return service.to_read(session, service.update_initiative(session, principal, initiative_id, body))


@router.delete("/initiatives/{initiative_id}", status_code=204)
def delete_initiative(initiative_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete an initiative."""
    service.delete_initiative(session, principal, initiative_id)
    return Response(status_code=204)


@router.post("/imports", status_code=201)
def import_initiatives(
    session: DbSession, data: bytes = Body(..., media_type="application/octet-stream"),
    file_name: str = Query("upload.csv", max_length=200), org_unit_id: uuid.UUID | None = Query(None),
    principal: Principal = requires("strategy.import"),
) -> Any:  # fmt: skip
    """Import initiatives from a CSV or JSON body (by file_name's extension); all rows or none."""
    return imports.import_initiatives(session, principal, data, file_name, org_unit_id or home_unit(session))


@router.get("/policies/{org_unit_id}", response_model=PolicyRead)
def get_policy(org_unit_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a unit's planning policy: λ, horizon, budget and staff per quarter, the score rule."""
    return policy.get_policy(session, principal, org_unit_id)


@router.put("/policies/{org_unit_id}", response_model=PolicyRead)
def put_policy(
    org_unit_id: uuid.UUID, body: PolicyUpdate, session: DbSession, principal: Principal = requires(PLAN)
) -> Any:
    """Set a unit's planning policy (CIO and CISO)."""
    return policy.update_policy(session, principal, org_unit_id, body)


@router.get("/scenarios")
def list_scenarios(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List plan scenarios."""
    page = policy.list_scenarios(session, principal, page_request(request, SCENARIO_SPEC))
    return page_out(page, ScenarioRead.model_validate)


@router.post("/scenarios", status_code=201, response_model=ScenarioRead)
def create_scenario(body: ScenarioCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Save a plan scenario (budget factor, staff delta per pool, deadline shift, λ)."""
    return policy.create_scenario(session, principal, body)


@router.get("/scenarios/{scenario_id}", response_model=ScenarioRead)
def get_scenario(scenario_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a plan scenario."""
    return policy.get_scenario(session, principal, scenario_id)


@router.patch("/scenarios/{scenario_id}", response_model=ScenarioRead)
def update_scenario(
    scenario_id: uuid.UUID, body: ScenarioUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change a plan scenario."""
    return policy.update_scenario(session, principal, scenario_id, body)


@router.post("/scenarios/{scenario_id}/copy", status_code=201, response_model=ScenarioRead)
def copy_scenario(
    scenario_id: uuid.UUID, session: DbSession, name: str = Query(..., min_length=1, max_length=300),
    principal: Principal = requires(EDIT),
) -> Any:  # fmt: skip
    """Copy a scenario under a new name."""
    return policy.copy_scenario(session, principal, scenario_id, name)


@router.delete("/scenarios/{scenario_id}", status_code=204)
def delete_scenario(scenario_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a plan scenario."""
    policy.delete_scenario(session, principal, scenario_id)
    return Response(status_code=204)


@router.get("/plans")
def list_plans(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List saved plans, newest first."""
    page = planning.list_plans(session, principal, page_request(request, PLAN_SPEC))
    return page_out(page, PlanRead.model_validate)


@router.post("/plans", status_code=202, response_model=PlanRead)
def optimize(body: OptimizeRequest, session: DbSession, principal: Principal = requires(PLAN)) -> Any:
    """Queue an optimisation (and frontier) of the unit's initiatives, optionally under a scenario."""
    return planning.start_plan(session, principal, body)


@router.get("/plans/{plan_id}", response_model=PlanRead)
def get_plan(plan_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a plan: solver status and gap, schedule, totals, greedy comparison, reasons, frontier."""
    return planning.get_plan(session, principal, plan_id)


@router.delete("/plans/{plan_id}", status_code=204)
def delete_plan(plan_id: uuid.UUID, session: DbSession, principal: Principal = requires(PLAN)) -> Response:
    """Delete a saved plan."""
    planning.delete_plan(session, principal, plan_id)
    return Response(status_code=204)


@router.get("/plans/{plan_id}/export.csv")
def export_csv(plan_id: uuid.UUID, session: DbSession, principal: Principal = requires("strategy.export")) -> Response:
    """Return the plan as CSV."""
    plan = planning.get_plan(session, principal, plan_id)
    return Response(exports.plan_csv(plan), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="plan-{plan.id}.csv"'})  # fmt: skip


@router.get("/plans/{plan_id}/export.pdf")
def export_pdf(plan_id: uuid.UUID, session: DbSession, principal: Principal = requires("strategy.export")) -> Response:
    """Return the one-page board PDF of the plan."""
    plan = planning.get_plan(session, principal, plan_id)
    return Response(exports.plan_pdf(plan), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="plan-{plan.id}.pdf"'})  # fmt: skip


@router.post("/plans/{plan_id}/approval", status_code=201, response_model=DecisionRead)
def request_approval(plan_id: uuid.UUID, session: DbSession, principal: Principal = requires(PLAN)) -> Any:
    """Open the joint CIO + CISO approval of a plan."""
    return decisions.to_read(session, decisions.request_plan_approval(session, principal, plan_id))


@router.get("/plans/{plan_id}/unfunded")
def list_unfunded(plan_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the risk reduction the plan leaves unfunded, with the scenarios concerned."""
    items = unfunded.unfunded(session, principal, plan_id)
    return [{**i, "scenario_ids": [str(s) for s in i["scenario_ids"]]} for i in items]


@router.post("/plans/{plan_id}/unfunded/acceptance")
def accept_unfunded(
    plan_id: uuid.UUID, body: AcceptUnfunded, session: DbSession, principal: Principal = requires(APPROVE)
) -> Any:
    """Send the unfunded risks to the risk register as acceptances (the CISO accepts)."""
    return unfunded.accept_unfunded(session, principal, plan_id, body, principal.username)


@router.get("/decisions")
def list_decisions(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List the joint decision log (filters: kind, status, subject_id)."""
    page = decisions.list_decisions(session, principal, page_request(request, DECISION_SPEC))
    return page_out(page, lambda d: decisions.to_read(session, d))


@router.post("/decisions", status_code=201, response_model=DecisionRead)
def create_decision(body: DecisionCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Log a decision awaiting its sign-offs."""
    return decisions.to_read(session, decisions.create_decision(session, principal, body))


@router.get("/decisions/{decision_id}", response_model=DecisionRead)
def get_decision(decision_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a decision with its sign-offs."""
    return decisions.to_read(session, decisions.get_decision(session, principal, decision_id))


@router.patch("/decisions/{decision_id}", response_model=DecisionRead)
def update_decision(
    decision_id: uuid.UUID, body: DecisionUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change an open decision."""
    return decisions.to_read(session, decisions.update_decision(session, principal, decision_id, body))


@router.delete("/decisions/{decision_id}", status_code=204)
def delete_decision(decision_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete an open decision."""
    decisions.delete_decision(session, principal, decision_id)
    return Response(status_code=204)


@router.post("/decisions/{decision_id}/approvals", response_model=DecisionRead)
def sign(
    decision_id: uuid.UUID, body: ApprovalCreate, session: DbSession, principal: Principal = requires(APPROVE)
) -> Any:
    """Approve or reject a decision as the CIO or the CISO (recorded in the audit log)."""
    return decisions.to_read(session, decisions.sign(session, principal, decision_id, body))


@router.get("/rationalisation")
def time_grid(session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Applications on the TIME grid: fit scores (or not assessed), disposition, suggested disposition, run cost,
    ALE, and the lists of disagreements and eliminate-but-invest exceptions. run_cost is absent from an application
    whose costs the caller may not see (inventory.costs.view on its unit); costs_hidden counts them."""
    apps = rationalisation.time_grid(session, principal)
    return {"items": apps, "disagreements": [a["id"] for a in rationalisation.disagreements(apps)],
            "exceptions": [a["id"] for a in rationalisation.inconsistencies(apps)],
            "costs_hidden": rationalisation.costs_hidden(apps)}  # fmt: skip


@router.put("/applications/{application_id}/fit", response_model=FitRead)
def set_fit(application_id: uuid.UUID, body: FitIn, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Record an application's business fit and technical fit (1–5), placing it on the TIME grid."""
    row = fit.set_fit(session, principal, application_id, fit.FitInput(**body.model_dump()))
    out = FitRead.model_validate(row)
    out.suggested_disposition = fit.suggested_disposition(row.business_fit, row.technical_fit)
    return out
