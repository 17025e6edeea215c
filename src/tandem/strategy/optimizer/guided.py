"""The LP-guided plan: solve the relaxation (a proven upper bound on every plan's value), keep the initiatives it
takes whole, drop the ones it leaves out, and let HiGHS decide only the fractional rest — stopping at the first plan
that is provably within the gap of that bound. On the benchmark portfolios this reaches a 1 % gap in a fraction of
the time the full branch-and-cut needs to find an equally good incumbent; when it cannot (a tight gap, an infeasible
restriction), solve() falls back to the full model, warm-started from whatever this found."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from tandem.strategy.optimizer.greedy import fill
from tandem.strategy.optimizer.highs import relaxation, run_model, starts_of
from tandem.strategy.optimizer.model import Model
from tandem.strategy.optimizer.problem import Problem
from tandem.strategy.optimizer.structure import Windows

WHOLE = 1 - 1e-6  # a column the relaxation sets to (numerically) 1
NONE = 1e-6  # an initiative the relaxation does not start at all


@dataclass(frozen=True)
class Guided:
    """A feasible plan, its value, and the relaxation's bound on every plan."""

    starts: dict[str, int]
    objective: float
    bound: float


def restricted_bounds(problem: Problem, model: Model, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return column bounds fixing the relaxation's whole starts and dropping the initiatives it ignores."""
    n_x = len(model.col_item)
    mass = np.zeros(len(problem.initiatives))
    np.add.at(mass, model.col_item, x[:n_x])
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    lower[:n_x][x[:n_x] > WHOLE] = 1.0
    upper[:n_x][(mass < NONE)[model.col_item]] = 0.0
    return lower, upper


def guided(
    problem: Problem, w: Windows, model: Model, *, time_limit: float, gap: float, banned: set[int],
    threads: int | None = None,
) -> tuple[Guided | None, float | None]:  # fmt: skip
    """Return (the guided plan or None, the relaxation bound or None when the relaxation did not solve)."""
    started = time.perf_counter()
    relaxed = relaxation(model, time_limit)
    if relaxed is None:
        return None, None
    x, bound = relaxed
    left = max(0.1, time_limit - (time.perf_counter() - started))
    target = bound / (1 + gap) + 1e-9 * max(1.0, abs(bound))
    _, values, _, _, _ = run_model(problem, model, time_limit=left, gap=gap, threads=threads,
                                   bounds=restricted_bounds(problem, model, x), target=target)  # fmt: skip
    if values is None:
        return None, bound
    index = problem.index()
    starts = fill(problem, w, starts_of(problem, model, values))
    starts = {k: t for k, t in starts.items() if index[k] not in banned}
    objective = sum(problem.weight(problem.initiatives[index[k]], t) for k, t in starts.items())
    return Guided(starts, objective, bound), bound
