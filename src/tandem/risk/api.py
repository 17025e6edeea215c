"""REST routes /api/v1/risk: scenarios, treatments and acceptance, matrices, taxonomy, simulation, what-if."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.api.paging import page_out, page_request
from tandem.platform.auth.principal import Principal
from tandem.risk import matrix, service, simulation, treatments
from tandem.risk.repository import SCENARIO_SPEC, TREATMENT_SPEC
from tandem.risk.schemas import (
    Acceptance,
    DescribeRequest,
    MatrixRead,
    MatrixUpdate,
    RunRead,
    ScenarioCreate,
    ScenarioRead,
    ScenarioUpdate,
    SimulateRequest,
    TermCreate,
    TreatmentCreate,
    TreatmentRead,
    TreatmentUpdate,
)

router = APIRouter(prefix="/api/v1/risk", tags=["risk"])
VIEW, EDIT = "risk.view", "risk.edit"


@router.get("/scenarios")
def list_scenarios(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List risk scenarios (filters: status, threat_community, threat_event, owner_id, likelihood, impact)."""
    page = service.list_scenarios(session, principal, page_request(request, SCENARIO_SPEC))
    return page_out(page, lambda s: service.to_read(session, s))


@router.post("/scenarios", status_code=201, response_model=ScenarioRead)
def create_scenario(body: ScenarioCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Add a scenario; with FAIR inputs it is simulated at once (100,000 years)."""
    return service.to_read(session, service.create_scenario(session, principal, body))


@router.get("/scenarios/{scenario_id}", response_model=ScenarioRead)
def get_scenario(scenario_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a scenario."""
    return service.to_read(session, service.get_scenario(session, principal, scenario_id))


@router.patch("/scenarios/{scenario_id}", response_model=ScenarioRead)
def update_scenario(
    scenario_id: uuid.UUID, body: ScenarioUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change a scenario; changed FAIR inputs are re-simulated inline."""
    return service.to_read(session, service.update_scenario(session, principal, scenario_id, body))


@router.delete("/scenarios/{scenario_id}", status_code=204)
def delete_scenario(scenario_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a scenario with its treatments."""
    service.delete_scenario(session, principal, scenario_id)
    return Response(status_code=204)


@router.get("/scenarios/{scenario_id}/result")
def scenario_result(scenario_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the latest simulated statistics and LEC of a scenario (null when never simulated)."""
    return simulation.result_of(session, principal, scenario_id)


@router.post("/scenarios/{scenario_id}/what-if")
def what_if(
    scenario_id: uuid.UUID, session: DbSession, years: int = Query(100_000, ge=1_000, le=1_000_000),
    seed: int = Query(0, ge=0, le=2**31 - 1), principal: Principal = requires(VIEW),
) -> Any:  # fmt: skip
    """Compare the scenario without and with its active treatments: ΔALE, ROSI, P(ROSI > 0)."""
    return simulation.what_if_scenario(session, principal, scenario_id, years, seed)


@router.get("/heatmap")
def heatmap(
    session: DbSession, org_unit_id: uuid.UUID = Query(...), status: str | None = Query(None, max_length=32),
    principal: Principal = requires(VIEW),
) -> Any:  # fmt: skip
    """Return the unit's matrix with scenario counts per cell."""
    data = matrix.get_matrix(session, principal, org_unit_id).model_dump()
    chosen = service.visible_scenarios(session, principal, {"status": status} if status else {})
    return {"matrix": data, "counts": matrix.heatmap(data, chosen)["counts"]}


@router.post("/describe")
def describe(body: DescribeRequest, principal: Principal = requires(VIEW)) -> Any:
    """Return the implied mean and 5th/95th percentiles of an estimate, as the analyst types."""
    return simulation.describe_estimate(body.estimate)


# --- treatments -----------------------------------------------------------------------------------


@router.get("/treatments")
def list_treatments(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List treatments (filters: scenario_id, kind, status)."""
    page = treatments.list_treatments(session, principal, page_request(request, TREATMENT_SPEC))
    return page_out(page, TreatmentRead.model_validate)


@router.post("/treatments", status_code=201, response_model=TreatmentRead)
def create_treatment(body: TreatmentCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Add a treatment to a scenario."""
    return treatments.create_treatment(session, principal, body)


@router.get("/treatments/{treatment_id}", response_model=TreatmentRead)
def get_treatment(treatment_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a treatment."""
    return treatments.get_treatment(session, principal, treatment_id)


@router.patch("/treatments/{treatment_id}", response_model=TreatmentRead)
def update_treatment(
    treatment_id: uuid.UUID, body: TreatmentUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change a treatment."""
    return treatments.update_treatment(session, principal, treatment_id, body)


@router.delete("/treatments/{treatment_id}", status_code=204)
def delete_treatment(treatment_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a treatment."""
    treatments.delete_treatment(session, principal, treatment_id)
    return Response(status_code=204)


@router.post("/treatments/{treatment_id}/acceptance", response_model=TreatmentRead)
def accept(
    treatment_id: uuid.UUID, body: Acceptance, session: DbSession, principal: Principal = requires("risk.accept")
) -> Any:
    """Accept the risk (CISO): who, why and until when; a second acceptance is refused with 409."""
    return treatments.accept(session, principal, treatment_id, body, principal.username)


# --- matrices and taxonomy ------------------------------------------------------------------------


@router.get("/matrices/{org_unit_id}", response_model=MatrixRead)
def get_matrix(org_unit_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the matrix, appetite and tolerance curve in force for a unit (own or inherited)."""
    return matrix.get_matrix(session, principal, org_unit_id)


@router.put("/matrices/{org_unit_id}", response_model=MatrixRead)
def put_matrix(
    org_unit_id: uuid.UUID, body: MatrixUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Define or change a unit's matrix (labels, levels and colours, cells), appetite and tolerance."""
    return matrix.update_matrix(session, principal, org_unit_id, body)


@router.get("/taxonomy")
def get_taxonomy(session: DbSession, org_unit_id: uuid.UUID = Query(...), principal: Principal = requires(VIEW)) -> Any:
    """Return the threat communities and events usable in a unit."""
    return service.taxonomy(session, org_unit_id)


@router.post("/taxonomy", status_code=201)
def add_term(body: TermCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Add a threat community or threat event."""
    term = service.add_term(session, principal, body)
    return {"id": str(term.id), "kind": term.kind, "name": term.name, "org_unit_id": str(term.org_unit_id)}


@router.delete("/taxonomy/{term_id}", status_code=204)
def delete_term(term_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Remove a term a unit added."""
    service.delete_term(session, principal, term_id)
    return Response(status_code=204)


# --- simulation runs ------------------------------------------------------------------------------


@router.post("/simulations", status_code=202, response_model=RunRead)
def start_simulation(
    body: SimulateRequest, session: DbSession, principal: Principal = requires("risk.simulate")
) -> Any:
    """Queue a simulation of scenarios, or of the portfolio when no ids are given; follow its job."""
    return simulation.start_run(session, principal, body)


@router.get("/simulations/{run_id}", response_model=RunRead)
def get_simulation(run_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a run: settings, status, the aggregate statistics and LEC, the top contributors."""
    return simulation.get_run(session, principal, run_id)
