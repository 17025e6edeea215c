"""The planning policy (λ, horizon, budget and staff per quarter, the score rule) and plan scenarios."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.errors import Conflict, FieldError, InvalidInput, NotFound
from tandem.strategy import actions
from tandem.strategy import repository as repo
from tandem.strategy.common import check, require_in_unit
from tandem.strategy.models import PlanScenario, Policy
from tandem.strategy.repository import StrategyRepository
from tandem.strategy.schemas import PolicyRead, PolicyUpdate, ScenarioCreate, ScenarioUpdate

DEFAULT_QUARTERS = 8


def quarter_labels(policy: Policy | PolicyRead) -> list[str]:
    """Return the horizon's quarter labels (2027-Q1, 2027-Q2, …)."""
    year, q = int(policy.first_quarter[:4]), int(policy.first_quarter[-1])
    out = []
    for _ in range(policy.quarters):
        out.append(f"{year}-Q{q}")
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


def policy_of(session: Session, unit_id: uuid.UUID) -> Policy:
    """Return the unit's policy, or an unsaved default (no budget yet) when it has none."""
    found = repo.policy_of(session, unit_id)
    return found or Policy(org_unit_id=unit_id, lam=1.0, benefit_years=3.0, discount=0.97, first_quarter="2027-Q1",
                           quarters=DEFAULT_QUARTERS, budget=[0.0] * DEFAULT_QUARTERS, capacity={},
                           value_per_point=100_000.0, currency="USD")  # fmt: skip


def get_policy(session: Session, principal: Principal | None, unit_id: uuid.UUID) -> PolicyRead:
    """Return the policy in force for a unit."""
    require_in_unit(session, principal, unit_id, actions.VIEW.name, "path.org_unit_id")
    return PolicyRead.model_validate(policy_of(session, unit_id))


def _length_errors(quarters: int, budget: list[float], capacity: dict[str, list[float]]) -> list[FieldError]:
    errors = []
    if len(budget) != quarters:
        errors.append(FieldError("body.budget", f"give one amount per quarter ({quarters})"))
    errors += [FieldError(f"body.capacity.{pool}", f"give one FTE figure per quarter ({quarters})")
               for pool, fte in capacity.items() if len(fte) != quarters]  # fmt: skip
    return errors


def update_policy(session: Session, principal: Principal | None, unit_id: uuid.UUID, data: PolicyUpdate) -> PolicyRead:
    """Set the unit's policy (CIO and CISO); budget and capacities need one figure per quarter."""
    require_in_unit(session, principal, unit_id, actions.PLAN.name, "path.org_unit_id")
    policy = repo.policy_of(session, unit_id)
    if policy is None:
        policy = StrategyRepository(session, Policy).add(policy_of(session, unit_id))
    patch = data.model_dump(exclude_unset=True, exclude_none=True)
    quarters = patch.get("quarters", policy.quarters)
    errors = _length_errors(quarters, patch.get("budget", policy.budget), patch.get("capacity", policy.capacity))
    if errors:
        raise InvalidInput(errors)
    for key, value in patch.items():
        setattr(policy, key, value)
    session.flush()
    return PolicyRead.model_validate(policy)


def get_scenario(session: Session, principal: Principal | None, scenario_id: uuid.UUID) -> PlanScenario:
    """Return a plan scenario principal may see."""
    found = StrategyRepository(session, PlanScenario).get(principal, scenario_id)
    if found is None:
        raise NotFound("plan scenario not found")
    return found


def list_scenarios(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the plan scenarios principal may see."""
    require(session, principal, actions.VIEW.name)
    return StrategyRepository(session, PlanScenario).list_page(principal, req)


def create_scenario(session: Session, principal: Principal | None, data: ScenarioCreate) -> PlanScenario:
    """Save a scenario (budget cut 10 %, hire two engineers, delay a regulation …)."""
    require_in_unit(session, principal, data.org_unit_id, actions.EDIT.name)
    if any(s.name == data.name for s in StrategyRepository(session, PlanScenario).all(
            StrategyRepository(session, PlanScenario).base_query(None).where(
                PlanScenario.org_unit_id == data.org_unit_id))):  # fmt: skip
        raise Conflict(f"a scenario named {data.name!r} exists")
    return StrategyRepository(session, PlanScenario).add(PlanScenario(**data.model_dump()))


def update_scenario(
    session: Session, principal: Principal | None, scenario_id: uuid.UUID, data: ScenarioUpdate
) -> PlanScenario:
    """Change a scenario."""
    scenario = get_scenario(session, principal, scenario_id)
    check(session, principal, actions.EDIT.name, scenario)
    for key, value in data.model_dump(exclude_unset=True).items():
        if value is not None or key == "lam":
            setattr(scenario, key, value)
    session.flush()
    return scenario


def copy_scenario(session: Session, principal: Principal | None, scenario_id: uuid.UUID, name: str) -> PlanScenario:
    """Copy a scenario under a new name."""
    source = get_scenario(session, principal, scenario_id)
    data = ScenarioCreate(name=name, description=source.description, budget_factor=source.budget_factor,
                          capacity_delta=dict(source.capacity_delta), deadline_shift=source.deadline_shift,
                          lam=source.lam, org_unit_id=source.org_unit_id)  # fmt: skip
    return create_scenario(session, principal, data)


def delete_scenario(session: Session, principal: Principal | None, scenario_id: uuid.UUID) -> None:
    """Delete a scenario (plans made with it keep their results)."""
    scenario = get_scenario(session, principal, scenario_id)
    check(session, principal, actions.EDIT.name, scenario)
    StrategyRepository(session, PlanScenario).delete(scenario)
