"""Solve the model with HiGHS under a time limit and report the gap to the best bound, never a bare "optimal"."""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from tandem.strategy.optimizer.diagnose import capacity_reasons, structural_reasons
from tandem.strategy.optimizer.greedy import fill
from tandem.strategy.optimizer.guided import guided
from tandem.strategy.optimizer.highs import run_model, starts_of
from tandem.strategy.optimizer.model import build
from tandem.strategy.optimizer.problem import Problem, validate
from tandem.strategy.optimizer.structure import Windows, windows

# Share of the time limit the LP-guided plan may use before the full model takes over.
GUIDED_SHARE = 0.5


@dataclass(frozen=True)
class Solution:
    """A plan (key → start quarter, 0-based) with the solver's account of how good it is."""

    status: str  # optimal (proven gap 0) | within_gap | time_limit | infeasible | no_solution
    starts: dict[str, int]
    objective: float
    bound: float
    gap: float | None  # relative gap to the best bound; None without a plan
    seconds: float
    columns: int = 0
    rows: int = 0
    reasons: list[str] = field(default_factory=list)  # why infeasible

    @property
    def has_plan(self) -> bool:
        """Return whether there is a feasible plan to show."""
        return self.status in ("optimal", "within_gap", "time_limit")

    @property
    def proven_optimal(self) -> bool:
        """Return whether optimality is proven (gap exactly 0)."""
        return self.status == "optimal"

    def describe(self) -> str:
        """Return how good the plan is, in words a board member reads correctly."""
        if self.status == "optimal":
            return f"optimal (proven, gap 0) in {self.seconds:.1f} s"
        if self.status in ("within_gap", "time_limit") and self.gap is not None:
            why = "time limit reached" if self.status == "time_limit" else "gap target reached"
            return f"within {self.gap:.2%} of the best possible ({why}, {self.seconds:.1f} s)"
        if self.has_plan:
            return f"best plan found, gap unknown (time limit reached before a bound, {self.seconds:.1f} s)"
        return f"no plan: {'; '.join(self.reasons) or self.status}"


def solve(
    problem: Problem, *, time_limit: float = 10.0, gap: float = 0.01, warm: Mapping[str, int] | None = None,
    force: Collection[str] = (), forbid: Collection[str] = (), threads: int | None = None,
) -> Solution:  # fmt: skip
    """Select and schedule initiatives; `warm` (e.g. the approved plan) is offered as the first incumbent."""
    started = time.perf_counter()
    validate(problem)
    w = windows(problem)
    index = problem.index()
    forced_keys = {index[k] for k in force}
    reasons = structural_reasons(problem, w, forced_keys)
    if reasons:
        return Solution("infeasible", {}, 0.0, 0.0, None, time.perf_counter() - started, reasons=reasons)
    banned = {index[k] for k in forbid}
    model = build(problem, w, force=forced_keys, forbid=banned)
    fast, lp_bound = guided(problem, w, model, time_limit=time_limit * GUIDED_SHARE, gap=gap, banned=banned,
                            threads=threads)  # fmt: skip
    if fast is not None:
        fast_gap = max(0.0, fast.bound - fast.objective) / max(abs(fast.objective), 1e-9)
        if fast_gap <= gap:  # proven against the relaxation's bound: no branch-and-cut needed
            status = "optimal" if fast_gap <= 1e-9 else "within_gap"
            return Solution(status, fast.starts, fast.objective, fast.bound, fast_gap, time.perf_counter() - started,
                            model.n_cols, model.n_rows)  # fmt: skip
        if warm is None or _value(problem, warm) < fast.objective:
            warm = fast.starts
    left = max(0.1, time_limit - (time.perf_counter() - started))
    status, values, objective, bound, rel = run_model(problem, model, time_limit=left, gap=gap, warm=warm,
                                                      threads=threads)  # fmt: skip
    if values is not None and lp_bound is not None and lp_bound < bound:
        bound = lp_bound  # the relaxation's bound holds too; keep the tighter one
        rel = max(0.0, bound - objective) / max(abs(objective), 1e-9)
    if values is None:
        seconds = time.perf_counter() - started
        why = capacity_reasons(problem, w, forced_keys) if status == "infeasible" else ["no plan within the time limit"]
        return Solution(status, {}, 0.0, 0.0, None, seconds, model.n_cols, model.n_rows, why)
    starts = starts_of(problem, model, values)
    if status != "optimal":  # the incumbent may leave room an item still fits in: take it, it only adds value
        filled = fill(problem, w, starts)
        starts = {k: t for k, t in filled.items() if k in starts or index[k] not in banned}
        objective = sum(problem.weight(problem.initiatives[index[k]], t) for k, t in starts.items())
        rel = max(0.0, bound - objective) / max(abs(objective), 1e-9) if rel is not None else None
    return Solution(status, starts, objective, bound, rel, time.perf_counter() - started, model.n_cols,
                    model.n_rows)  # fmt: skip


def _value(problem: Problem, starts: Mapping[str, int]) -> float:
    index = problem.index()
    return sum(problem.weight(problem.initiatives[index[k]], t) for k, t in starts.items() if k in index)


def prepared(problem: Problem) -> Windows:
    """Validate and return the start windows (for callers that explain plans)."""
    validate(problem)
    return windows(problem)
