"""ΔALE of an initiative: the risk engine's what-if over its linked scenarios with their expected effects."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.db.types import utcnow
from tandem.platform.errors import FieldError
from tandem.risk import service as risk
from tandem.risk.models import Scenario
from tandem.strategy import repository as repo
from tandem.strategy.models import Initiative

YEARS = 20_000  # ≈ 10 ms a scenario; the mean's Monte Carlo error is well under 1 %
SEED = 0


def effect_errors(scenario: Scenario, effect: dict[str, Any], where: str) -> list[FieldError]:
    """Return located problems of an effect on a scenario's FAIR inputs."""
    problems = risk.effect_problems(scenario.fair, effect)
    return [FieldError(f"{where}.{p}" if p else where, r) for p, r in problems]


def refresh(session: Session, initiative: Initiative) -> None:
    """Recompute the initiative's ΔALE (mean, 90 % interval of the annual reduction) from its linked scenarios."""
    links = repo.links_of(session, "risks", [initiative.id])[initiative.id]
    effects = []
    for link in links:
        scenario = session.get(Scenario, link.scenario_id)
        if scenario is None or not scenario.fair or not link.effect:
            continue
        effects.append((str(scenario.id), scenario.fair, link.effect))
    if not effects:
        initiative.risk_reduction = initiative.risk_low = initiative.risk_high = 0.0
    else:
        mean, low, high = risk.what_if_effects(effects, sum(initiative.costs or [0.0]), years=YEARS, seed=SEED)
        initiative.risk_reduction, initiative.risk_low, initiative.risk_high = (
            max(0.0, mean),
            max(0.0, low),
            max(0.0, high),
        )
    initiative.risk_computed_at = utcnow()
    session.flush()
