"""The efficient frontier: re-solve at several budget levels, each warm-started from the level below."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tandem.strategy.optimizer.check import evaluate
from tandem.strategy.optimizer.greedy import greedy
from tandem.strategy.optimizer.problem import Problem
from tandem.strategy.optimizer.solver import Solution, solve

LEVELS = (0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.7, 2.0)


@dataclass(frozen=True)
class FrontierPoint:
    """What one budget level buys: total value split into business value and risk reduction, with the gap."""

    multiplier: float
    budget: float
    status: str
    objective: float
    value: float
    risk_reduction: float
    spend: float
    gap: float | None
    seconds: float
    selected: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def _better(problem: Problem, a: dict[str, int] | None, b: dict[str, int]) -> dict[str, int]:
    """Return the more valuable of two plans (the greedy one when there is no previous level)."""
    if a is None:
        return b
    return a if evaluate(problem, a).objective >= evaluate(problem, b).objective else b


def frontier(
    problem: Problem, levels: Sequence[float] = LEVELS, *, seconds: float = 10.0, gap: float = 0.01,
    progress: Callable[[int, int], None] | None = None,
) -> list[FrontierPoint]:  # fmt: skip
    """Return one point per budget multiplier (ascending), sharing `seconds` between the levels."""
    ordered = sorted(set(levels))
    deadline = time.perf_counter() + seconds
    points: list[FrontierPoint] = []
    warm: dict[str, int] | None = None
    for n, level in enumerate(ordered):
        # Each level gets an equal share of what is left, so a fast level gives its time to the next.
        share = max(0.2, (deadline - time.perf_counter()) / (len(ordered) - n))
        scaled = problem.scaled(budget_factor=level)
        warm = _better(scaled, warm, greedy(scaled)[0])
        sol = solve(scaled, time_limit=share, gap=gap, warm=warm)
        if not sol.has_plan and sol.status != "infeasible" and evaluate(scaled, warm).feasible:
            # Out of time before HiGHS accepted an incumbent: the known feasible plan stands, its gap unknown.
            sol = Solution("time_limit", dict(warm), evaluate(scaled, warm).objective, 0.0, None, sol.seconds)
        if sol.has_plan:
            warm = sol.starts  # a plan that fits a budget fits every larger one
            ev = evaluate(scaled, sol.starts)
            point = FrontierPoint(level, sum(scaled.budget), sol.status, ev.objective, ev.value, ev.risk_reduction,
                                  ev.spend, sol.gap, sol.seconds, sorted(sol.starts))  # fmt: skip
        else:
            point = FrontierPoint(level, sum(scaled.budget), sol.status, 0.0, 0.0, 0.0, 0.0, None, sol.seconds,
                                  reasons=sol.reasons)  # fmt: skip
        points.append(point)
        if progress:
            progress(n + 1, len(ordered))
    return points
