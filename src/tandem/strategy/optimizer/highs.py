"""The HiGHS call: pass the sparse model, warm-start from a known plan, read status, plan, bound and gap."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

import highspy
import numpy as np

from tandem.strategy.optimizer.model import Model
from tandem.strategy.optimizer.problem import Problem

SEED = 1  # fixed solver options and seed: the same input gives the same plan
_banner_shown = False


def _new_highs() -> highspy.Highs:
    """Return a HiGHS instance; the first one prints a banner to fd 1 before options can silence it, so hide it."""
    global _banner_shown
    if _banner_shown:
        return highspy.Highs()
    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
    _banner_shown = True
    return h


def _highs(model: Model, time_limit: float, gap: float, threads: int | None, *, relax: bool = False) -> highspy.Highs:
    h = _new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", float(gap))
    h.setOptionValue("random_seed", SEED)
    if threads:
        h.setOptionValue("threads", int(threads))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = model.n_cols, model.n_rows
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = model.cost, model.col_lower, model.col_upper
    lp.row_lower_, lp.row_upper_ = model.row_lower, model.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = model.start, model.index, model.value
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = model.n_cols, model.n_rows
    lp.sense_ = highspy.ObjSense.kMaximize
    if not relax:
        lp.integrality_ = [highspy.HighsVarType.kInteger if b else highspy.HighsVarType.kContinuous
                           for b in model.integer]  # fmt: skip
    h.passModel(lp)
    return h


def _warm(h: highspy.Highs, model: Model, problem: Problem, starts: Mapping[str, int]) -> None:
    """Offer a known plan as the first incumbent (HiGHS ignores it when infeasible)."""
    index = problem.index()
    wanted = {(index[k], t) for k, t in starts.items() if k in index}
    values = np.array([1.0 if (int(i), int(t)) in wanted else 0.0 for i, t in zip(model.col_item, model.col_start,
                                                                                    strict=True)])  # fmt: skip
    if len(values) < model.n_cols:
        values = np.concatenate([values, np.zeros(model.n_cols - len(values))])
    sol = highspy.HighsSolution()
    sol.col_value = values.tolist()
    sol.value_valid = True
    h.setSolution(sol)


def relaxation(model: Model, time_limit: float) -> tuple[np.ndarray, float] | None:
    """Solve the LP relaxation; return (column values, objective) — an upper bound on every plan — or None."""
    if model.n_cols == 0:
        return None
    h = _highs(model, time_limit, 0.0, 1, relax=True)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return np.asarray(h.getSolution().col_value), float(h.getInfo().objective_function_value)


def run_model(
    problem: Problem, model: Model, *, time_limit: float, gap: float, warm: Mapping[str, int] | None = None,
    threads: int | None = None, bounds: tuple[np.ndarray, np.ndarray] | None = None, target: float | None = None,
) -> tuple[str, np.ndarray | None, float, float, float | None]:  # fmt: skip
    """Solve a built model; return (status, column values, objective, bound, gap). `bounds` replaces the column
    bounds (a restricted sub-problem); `target` stops at the first plan worth at least that much."""
    if model.n_cols == 0:  # nothing can be scheduled: the empty plan is the (proven) best
        return "optimal", np.zeros(0), 0.0, 0.0, 0.0
    h = _highs(model, time_limit, gap, threads)
    if bounds is not None:
        h.changeColsBounds(model.n_cols, np.arange(model.n_cols, dtype=np.int32), bounds[0], bounds[1])
    if target is not None:
        h.setOptionValue("objective_target", float(target))
    if warm:
        _warm(h, model, problem, warm)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if info.primal_solution_status != highspy.kSolutionStatusFeasible:
        infeasible = status == highspy.HighsModelStatus.kInfeasible
        return ("infeasible" if infeasible else "no_solution"), None, 0.0, 0.0, None
    values = np.asarray(h.getSolution().col_value)
    objective, bound = float(info.objective_function_value), float(info.mip_dual_bound)
    rel: float | None = max(0.0, float(info.mip_gap)) if model.integer.any() else 0.0
    if not np.isfinite(bound) or (rel is not None and not np.isfinite(rel)):
        rel = None  # stopped before the root relaxation gave a bound: the gap is unknown, not small
    if status == highspy.HighsModelStatus.kOptimal:
        return ("optimal" if rel is not None and rel <= 1e-9 else "within_gap"), values, objective, bound, rel
    return "time_limit", values, objective, bound, rel


def starts_of(problem: Problem, model: Model, values: np.ndarray) -> dict[str, int]:
    """Return key → start quarter of the columns set to 1."""
    chosen = np.nonzero(values[: len(model.col_item)] > 0.5)[0]
    return {problem.initiatives[int(model.col_item[c])].key: int(model.col_start[c]) for c in chosen}
