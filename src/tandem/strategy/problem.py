"""Turn the unit's initiatives, policy and a scenario into the optimiser's Problem (keys are initiative ids)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.errors import FieldError, InvalidInput
from tandem.strategy import repository as repo
from tandem.strategy.models import Initiative, PlanScenario, Policy
from tandem.strategy.optimizer import Initiative as Item
from tandem.strategy.optimizer import OptimizerInputError, Problem, validate

ACTIVE = ("candidate", "planned", "in_progress")


@dataclass
class Snapshot:
    """The problem and what pages need to show its result without reloading (titles, sponsors, links)."""

    problem: Problem
    info: dict[str, dict[str, Any]]  # id -> title, sponsor, duration, cost, value, risk, scenarios
    labels: list[str]
    currency: str


def _value(initiative: Initiative, policy: Policy) -> tuple[float, tuple[float, float] | None]:
    """Return business value in money: as entered, or score × the policy's visible value per point."""
    if initiative.value_mode == "score":
        value = float(initiative.value_score or 0.0) * policy.value_per_point
        return value, None
    low, high = initiative.value_low, initiative.value_high
    return initiative.business_value, (low, high) if low is not None and high is not None else None


def _item(initiative: Initiative, policy: Policy, scenario: PlanScenario | None, preds: list[str]) -> Item:
    value, value_range = _value(initiative, policy)
    deadline = initiative.deadline_quarter
    if deadline is not None and scenario is not None:
        deadline = max(1, min(policy.quarters, deadline + scenario.deadline_shift))
    if deadline is not None:
        deadline = min(deadline, policy.quarters)
    return Item(key=str(initiative.id), duration=initiative.duration, cost=tuple(initiative.costs),
                staff={p: tuple(v) for p, v in initiative.staff.items()}, value=value,
                risk_reduction=initiative.risk_reduction, value_range=value_range,
                risk_range=(initiative.risk_low, initiative.risk_high), preds=tuple(preds),
                group=initiative.alt_group or None, mandatory=initiative.mandatory, deadline=deadline,
                earliest=min(initiative.earliest_quarter, policy.quarters), sponsor=initiative.sponsor)  # fmt: skip


def snapshot(
    session: Session, initiatives: list[Initiative], policy: Policy, scenario: PlanScenario | None
) -> Snapshot:
    """Return the Problem for these initiatives under the policy and scenario; located errors when it is bad."""
    from tandem.strategy.policy import quarter_labels

    chosen = [i for i in initiatives if i.status in ACTIVE]
    ids = {i.id for i in chosen}
    preds = repo.links_of(session, "predecessors", [i.id for i in chosen])
    scenario_links = repo.links_of(session, "risks", [i.id for i in chosen])
    items = [_item(i, policy, scenario, [str(r.predecessor_id) for r in preds[i.id] if r.predecessor_id in ids])
             for i in chosen]  # fmt: skip
    factor = scenario.budget_factor if scenario else 1.0
    capacity = {p: list(v) for p, v in policy.capacity.items()}
    for pool, delta in (scenario.capacity_delta if scenario else {}).items():
        capacity[pool] = [c + delta for c in capacity.get(pool, [0.0] * policy.quarters)]
    lam = scenario.lam if scenario is not None and scenario.lam is not None else policy.lam
    problem = Problem(items, policy.quarters, tuple(b * factor for b in policy.budget),
                      {p: tuple(max(0.0, c) for c in v) for p, v in capacity.items()}, lam, policy.benefit_years,
                      policy.discount)  # fmt: skip
    try:
        validate(problem)
    except OptimizerInputError as exc:
        raise InvalidInput([_locate(e, chosen) for e in exc.errors]) from None
    info = {str(i.id): {"title": i.title, "sponsor": i.sponsor, "duration": i.duration, "cost": sum(i.costs),
                        "value": it.value, "risk": i.risk_reduction, "risk_low": i.risk_low,
                        "risk_high": i.risk_high, "mandatory": i.mandatory,
                        "scenarios": [str(r.scenario_id) for r in scenario_links[i.id]]}
            for i, it in zip(chosen, items, strict=True)}  # fmt: skip
    return Snapshot(problem, info, quarter_labels(policy), policy.currency)


def _locate(error: tuple[str, str], chosen: list[Initiative]) -> FieldError:
    """Name the initiative by title instead of its position in the optimiser's list."""
    path, reason = error
    parts = path.split(".")
    if parts[0] == "initiatives" and len(parts) > 1 and parts[1].isdigit():
        title = chosen[int(parts[1])].title
        return FieldError(f"initiative {title!r}" + ("." + ".".join(parts[2:]) if parts[2:] else ""), reason)
    return FieldError(f"policy.{path}" if path else "policy", reason)


def key_uuid(key: str) -> uuid.UUID:
    """Return the initiative id of an optimiser key."""
    return uuid.UUID(key)
