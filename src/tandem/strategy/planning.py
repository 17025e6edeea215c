"""Plans: queue an optimisation (a job with progress), store the schedule, greedy comparison, reasons, frontier."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.permissions import require, visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.errors import Conflict, NotFound
from tandem.platform.jobs.service import enqueue
from tandem.strategy import actions, policy
from tandem.strategy import repository as repo
from tandem.strategy.common import check, home_unit, require_in_unit
from tandem.strategy.models import Plan
from tandem.strategy.optimizer import (
    Evaluation,
    Problem,
    Rejection,
    Solution,
    evaluate,
    explain,
    frontier,
    greedy,
    solve,
)
from tandem.strategy.problem import Snapshot, snapshot
from tandem.strategy.repository import StrategyRepository
from tandem.strategy.schemas import OptimizeRequest
from tandem.strategy.service import visible_initiatives
from tandem.strategy.settings import get_strategy_settings


def build_snapshot(session: Session, principal: Principal | None, plan: Plan) -> Snapshot:
    """Return the problem a plan solves: the unit's policy, the visible initiatives, the plan's scenario."""
    scenario = policy.get_scenario(session, None, plan.scenario_id) if plan.scenario_id else None
    units = repo.subtree(session, plan.org_unit_id)
    chosen = [i for i in visible_initiatives(session, principal) if i.org_unit_id in units]
    return snapshot(session, chosen, policy.policy_of(session, plan.org_unit_id), scenario)


def start_plan(session: Session, principal: Principal | None, req: OptimizeRequest) -> Plan:
    """Check the input now (located errors), then queue the optimisation as a job."""
    unit = req.org_unit_id or home_unit(session)
    require_in_unit(session, principal, unit, actions.PLAN.name)
    _check_capacity(session, unit)
    scenario = policy.get_scenario(session, principal, req.scenario_id) if req.scenario_id else None
    name = req.name or (f"Plan — {scenario.name}" if scenario else "Plan — baseline")
    plan = StrategyRepository(session, Plan).add(Plan(
        org_unit_id=unit, name=name, scenario_id=req.scenario_id, status="queued",
        settings={"time_limit": req.time_limit, "gap": req.gap, "frontier": req.frontier,
                  "actor": principal.username if principal else "system"}))  # fmt: skip
    build_snapshot(session, principal, plan)  # bad input fails here, in the request, with located errors
    plan.job_id = enqueue(session, "strategy.optimize_plan", {"plan_id": str(plan.id)}).id
    session.flush()
    return plan


def _check_capacity(session: Session, unit: uuid.UUID) -> None:
    """Refuse a plan while the unit already has the most allowed in progress: each one can keep the job worker busy
    for minutes, so a burst of requests would otherwise queue hours of solver time ahead of every other job.

    Counted by their jobs, not by the plans' own status: a plan whose job died never blocks the unit."""
    limit = get_strategy_settings().max_plans_in_progress
    busy = repo.plans_in_progress(session, unit)
    if busy >= limit:
        raise Conflict(
            f"{busy} plans of this org unit are still being computed (at most {limit} at a time, "
            "TANDEM_STRATEGY_MAX_PLANS_IN_PROGRESS): wait for one to finish or cancel its job"
        )


def get_plan(session: Session, principal: Principal | None, plan_id: uuid.UUID) -> Plan:
    """Return a plan principal may see."""
    found = StrategyRepository(session, Plan).get(principal, plan_id)
    if found is None:
        raise NotFound("plan not found")
    return found


def list_plans(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the plans principal may see, newest first."""
    require(session, principal, actions.VIEW.name)
    return StrategyRepository(session, Plan).list_page(principal, req)


def latest(session: Session, principal: Principal) -> Plan | None:
    """Return the newest finished plan principal may see."""
    return repo.latest_plan(session, visible_unit_ids(session, principal, actions.VIEW.name))


def delete_plan(session: Session, principal: Principal | None, plan_id: uuid.UUID) -> None:
    """Delete a saved plan."""
    plan = get_plan(session, principal, plan_id)
    check(session, principal, actions.PLAN.name, plan)
    StrategyRepository(session, Plan).delete(plan)


BUDGET_NAME = "budget"
PROBE_LIMIT = 200  # price rejected items by re-solving only on portfolios this small
PROBES, PROBE_SECONDS = 8, 1.0  # the best-scoring rejected items get a forced-in re-solve each


def compute(
    snap: Snapshot, time_limit: float, gap: float, with_frontier: bool, progress: Any = None, probes: int = PROBES
) -> tuple[dict[str, Any], list[dict[str, Any]], Solution]:
    """Solve, run the greedy baseline, explain the rejections and (optionally) sweep the frontier."""
    problem = snap.problem
    steps = 4 if with_frontier else 3
    tick = progress or (lambda done, total, message: None)
    tick(0, steps, "solving")
    sol = solve(problem, time_limit=time_limit, gap=gap)
    tick(1, steps, "greedy baseline")
    greedy_starts, greedy_seconds = greedy(problem)
    tick(2, steps, "explaining rejections")
    probe = probes if len(problem.initiatives) <= PROBE_LIMIT else 0
    rejections = explain(problem, sol.starts, probe=probe, probe_seconds=PROBE_SECONDS) if sol.has_plan else []
    points: list[dict[str, Any]] = []
    if with_frontier and sol.has_plan:
        tick(3, steps, "efficient frontier")
        points = [p.__dict__ for p in frontier(problem, seconds=time_limit)]
    tick(steps, steps, "done")
    return result_of(snap, sol, greedy_starts, greedy_seconds, rejections), points, sol


def _totals(ev: Evaluation) -> dict[str, Any]:
    return {"objective": ev.objective, "value": ev.value, "risk_reduction": ev.risk_reduction,
            "value_range": list(ev.value_range), "risk_range": list(ev.risk_range), "spend": ev.spend}  # fmt: skip


def _rejection(r: Rejection, snap: Snapshot, greedy_starts: dict[str, int]) -> dict[str, Any]:
    titles = {k: v["title"] for k, v in snap.info.items()}
    named = [_titled(text, titles) for text in r.reasons]
    return {
        "id": r.key,
        "title": titles[r.key],
        "kind": r.kind,
        "reasons": named,
        "fixes": [_titled(f, titles) for f in r.fixes],
        "binding": r.binding,
        "price": r.price,
        "price_low": r.price_low,
        "displaced": [titles.get(k, k) for k in r.displaced],
        "greedy_start": greedy_starts.get(r.key),
        "risk": snap.info[r.key]["risk"],
        "value": snap.info[r.key]["value"],
        "scenarios": snap.info[r.key]["scenarios"],
    }


def _titled(text: str, titles: dict[str, str]) -> str:
    """Replace optimiser keys (initiative ids) in a reason with titles."""
    for key, title in titles.items():
        if key in text:
            text = text.replace(f"'{key}'", f"“{title}”")
    return text


def result_of(
    snap: Snapshot, sol: Solution, greedy_starts: dict[str, int], greedy_seconds: float, rejections: list[Rejection]
) -> dict[str, Any]:
    """Return what a plan stores: solver account, schedule, totals, use vs caps, greedy side by side, reasons."""
    problem: Problem = snap.problem
    ev, base = evaluate(problem, sol.starts), evaluate(problem, greedy_starts)
    caps = {BUDGET_NAME if r == "budget" else r: list(map(float, row))
            for r, row in zip(ev.resources, [problem.budget, *(problem.capacity[p] for p in sorted(problem.capacity))],
                              strict=True)}  # fmt: skip
    return {
        "status": sol.status, "describe": sol.describe(), "objective": sol.objective, "bound": sol.bound,
        "gap": sol.gap, "seconds": sol.seconds, "columns": sol.columns, "rows": sol.rows, "reasons": sol.reasons,
        "starts": sol.starts, "totals": _totals(ev), "usage": {r: ev.usage[n].tolist() for n, r in
                                                               enumerate(ev.resources)},
        "caps": caps, "labels": snap.labels, "currency": snap.currency, "lam": problem.lam,
        "benefit_years": problem.benefit_years, "info": snap.info,
        "greedy": {"starts": greedy_starts, "totals": _totals(base), "seconds": greedy_seconds,
                   "feasible": base.feasible},
        "gain": (ev.objective / base.objective - 1) if base.objective > 0 and sol.has_plan else None,
        "rejections": [_rejection(r, snap, greedy_starts) for r in rejections],
    }  # fmt: skip
