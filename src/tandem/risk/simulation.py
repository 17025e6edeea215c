"""Quantification: inline re-simulation of one scenario, queued runs over sets and portfolios, what-if, describe."""

from __future__ import annotations

import time
import uuid
from typing import Any

from sqlalchemy.orm import Session

import tandem
from tandem.platform.auth import service as auth
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.platform.errors import FieldError, InvalidInput, NotFound
from tandem.platform.jobs.service import enqueue
from tandem.risk import actions, inputs
from tandem.risk import repository as repo
from tandem.risk.common import check, require_in_unit
from tandem.risk.fair import FairInputError, PortfolioResult, ScenarioResult, describe, simulate, what_if
from tandem.risk.models import Run, Scenario
from tandem.risk.repository import RiskRepository
from tandem.risk.schemas import SimulateRequest

ENGINE_VERSION = f"tandem.risk.fair {tandem.__version__}"
INLINE_YEARS = 100_000
SEMANTICS = "events"
TOP_CONTRIBUTORS = 10


def _located(exc: FairInputError, prefix: str) -> InvalidInput:
    return InvalidInput([FieldError(f"{prefix}.{p}" if p else prefix, r) for p, r in exc.errors])


def describe_estimate(raw: Any, where: str = "body.estimate") -> dict[str, float]:
    """Return the implied mean and 5th/95th percentiles of a JSON estimate."""
    est, errors = inputs.parse_estimate(raw)
    if est is None:
        raise InvalidInput([FieldError(f"{where}.{p}" if p else where, r) for p, r in errors])
    try:
        d = describe(est)
    except FairInputError as exc:
        raise _located(exc, where) from None
    return {"mean": d.mean, "p5": d.p5, "p95": d.p95}


def stats_of(result: ScenarioResult, meta: dict[str, Any]) -> dict[str, Any]:
    """Return a stored result: the statistics, the LEC points and the run metadata."""
    data = result.to_dict()
    data.pop("key", None)
    data["lec"] = [list(p) for p in data["lec"]]
    return {**data, "run": meta}


def _meta(years: int, seed: int, semantics: str, **extra: Any) -> dict[str, Any]:
    return {"years": years, "seed": seed, "semantics": semantics, "engine_version": ENGINE_VERSION,
            "simulated_at": utcnow().isoformat(), **extra}  # fmt: skip


def simulate_inline(session: Session, scenario: Scenario, years: int = INLINE_YEARS, seed: int = 0) -> dict[str, Any]:
    """Simulate one scenario now (≈ 50 ms at 100,000 years) and store its result."""
    try:
        engine_scenario = inputs.to_scenario(str(scenario.id), scenario.fair)
    except FairInputError as exc:
        raise _located(exc, "body.fair") from None
    started = time.perf_counter()
    result = simulate([engine_scenario], years=years, seed=seed, semantics=SEMANTICS)
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    stats = stats_of(result.scenarios[str(scenario.id)], _meta(years, seed, SEMANTICS, elapsed_ms=elapsed_ms))
    repo.store_result(session, scenario.id, None, stats, inputs.inputs_hash(scenario.fair))
    return stats


def forget(session: Session, scenario_id: uuid.UUID) -> None:
    """Drop the stored result of a scenario."""
    repo.store_result(session, scenario_id, None, {}, "")


def forget_or_simulate(session: Session, scenario: Scenario) -> None:
    """Re-simulate a scenario whose inputs changed, or drop its result when it has none."""
    if scenario.fair:
        simulate_inline(session, scenario)
    else:
        forget(session, scenario.id)


def result_of(session: Session, principal: Principal | None, scenario_id: uuid.UUID) -> dict[str, Any] | None:
    """Return a scenario's latest stored result (None when it was never simulated)."""
    from tandem.risk.service import get_scenario

    scenario = get_scenario(session, principal, scenario_id)
    found = repo.results_of(session, [scenario.id]).get(scenario.id)
    if found is None or not found.stats:
        return None
    return {**found.stats, "stale": found.inputs_hash != inputs.inputs_hash(scenario.fair)}


def _selection(session: Session, principal: Principal | None, req: SimulateRequest) -> tuple[list[Scenario], str]:
    from tandem.risk.service import get_scenario, visible_scenarios

    if req.scenario_ids:
        chosen = [get_scenario(session, principal, sid) for sid in dict.fromkeys(req.scenario_ids)]
        missing = [n for n, s in enumerate(chosen) if not s.fair]
        if missing:
            raise InvalidInput(
                [FieldError(f"body.scenario_ids.{n}", "has no FAIR inputs to simulate") for n in missing]
            )
        return chosen, "scenario" if len(chosen) == 1 else "set"
    everything = visible_scenarios(session, principal, {})
    if req.org_unit_id is not None:
        subtree = set(_subtree(session, req.org_unit_id))
        everything = [s for s in everything if s.org_unit_id in subtree]
    return [s for s in everything if s.fair and s.status != "closed"], "portfolio"


def _subtree(session: Session, unit_id: uuid.UUID) -> list[uuid.UUID]:
    from sqlalchemy import select

    from tandem.platform.auth.models import OrgUnit

    path = session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id))
    if path is None:
        raise InvalidInput.one("body.org_unit_id", "no such org unit")
    return list(session.scalars(select(OrgUnit.id).where(OrgUnit.path.startswith(path))))


def start_run(session: Session, principal: Principal | None, req: SimulateRequest) -> Run:
    """Queue a simulation of one scenario, a set, or the portfolio (a unit's subtree, default everything visible)."""
    if principal is not None:
        require(session, principal, actions.SIMULATE.name)
    if req.org_unit_id is not None:
        require_in_unit(session, principal, req.org_unit_id, actions.SIMULATE.name)
    chosen, scope = _selection(session, principal, req)
    if not chosen:
        raise InvalidInput.one("body.scenario_ids", "no scenario with FAIR inputs to simulate")
    units = {s.org_unit_id for s in chosen}
    root = auth.root_unit(session)
    unit = req.org_unit_id or (units.pop() if len(units) == 1 else root.id if root else chosen[0].org_unit_id)
    for s in chosen:
        check(session, principal, actions.SIMULATE.name, s)
    run = RiskRepository(session, Run).add(Run(
        org_unit_id=unit, scope=scope, scenario_ids=[str(s.id) for s in chosen], seed=req.seed, years=req.years,
        semantics=req.semantics, engine_version=ENGINE_VERSION, status="queued"))  # fmt: skip
    run.job_id = enqueue(session, "risk.simulate", {"run_id": str(run.id)}).id
    session.flush()
    return run


def get_run(session: Session, principal: Principal | None, run_id: uuid.UUID) -> Run:
    """Return a run principal may see."""
    run = RiskRepository(session, Run).get(principal, run_id)
    if run is None:
        raise NotFound("simulation run not found")
    return run


def store_run(session: Session, run: Run, result: PortfolioResult, titles: dict[str, str]) -> None:
    """Write a finished run: every scenario's result and the portfolio aggregate with its top contributors."""
    meta = _meta(run.years, run.seed, run.semantics, run_id=str(run.id))
    for key, res in result.scenarios.items():
        scenario = session.get(Scenario, uuid.UUID(key))
        if scenario is not None:
            repo.store_result(session, scenario.id, run.id, stats_of(res, meta), inputs.inputs_hash(scenario.fair))
    run.total = stats_of(result.total, meta)
    ranked = sorted(result.scenarios.values(), key=lambda r: -r.mean)[:TOP_CONTRIBUTORS]
    total_mean = result.total.mean or 1.0
    run.contributors = [{"scenario_id": r.key, "title": titles.get(r.key, r.key), "mean": r.mean, "p95": r.p95,
                         "share": r.mean / total_mean} for r in ranked]  # fmt: skip
    run.status, run.finished_at = "succeeded", utcnow()
    session.flush()


def what_if_scenario(
    session: Session, principal: Principal | None, scenario_id: uuid.UUID, years: int = INLINE_YEARS, seed: int = 0
) -> dict[str, Any]:
    """Compare a scenario without and with its active treatments: ALE reduction, ROSI and P(ROSI > 0)."""
    from tandem.risk.service import get_scenario

    scenario = get_scenario(session, principal, scenario_id)
    if principal is not None:
        require(session, principal, actions.VIEW.name, scenario)
    if not scenario.fair:
        raise InvalidInput.one("fair", "the scenario has no FAIR inputs")
    active = [t for t in repo.treatments_of(session, scenario.id) if t.status not in ("rejected", "expired")]
    effects = [t for t in active if t.kind != "accept"]
    cost = sum(t.annual_cost for t in effects)
    if not effects or cost <= 0:
        raise InvalidInput.one("treatments", "add a mitigate, transfer or avoid treatment with an annual cost first")
    try:
        engine_scenario = inputs.to_scenario(str(scenario.id), scenario.fair)
        joint = inputs.combine([inputs.to_treatment(t.effect) for t in effects])
        result = what_if([engine_scenario], {engine_scenario.key: joint}, cost, years=years, seed=seed)
    except FairInputError as exc:
        raise _located(exc, "treatments") from None
    data = result.to_dict()
    out = {k: v for k, v in data.items() if k not in ("baseline", "treated", "scenario_reductions")}
    out["baseline"] = stats_of(result.baseline.total, {})
    out["treated"] = stats_of(result.treated.total, {})
    out["treatments"] = [{"id": str(t.id), "title": t.title, "annual_cost": t.annual_cost} for t in effects]
    out["run"] = _meta(years, seed, SEMANTICS)
    return out
