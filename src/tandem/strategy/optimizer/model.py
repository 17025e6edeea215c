"""The time-indexed mixed-integer model as sparse column-wise arrays (x[i, t] = initiative i starts in t)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from tandem.strategy.optimizer.problem import BUDGET, Initiative, Problem
from tandem.strategy.optimizer.structure import Windows

INF = float("inf")


def resources(problem: Problem) -> list[str]:
    """Return the capped resources: money first, then the staff pools by name."""
    return [BUDGET, *sorted(problem.capacity)]


def caps(problem: Problem) -> np.ndarray:
    """Return the caps as an array [resource, quarter]."""
    rows = [problem.budget, *(problem.capacity[p] for p in sorted(problem.capacity))]
    return np.asarray(rows, dtype=float).reshape(len(rows), problem.quarters)


def needs(item: Initiative, names: list[str]) -> np.ndarray:
    """Return what an initiative needs as an array [resource, active quarter]."""
    out = np.zeros((len(names), item.duration))
    out[0] = item.cost
    for r, name in enumerate(names[1:], start=1):
        if name in item.staff:
            out[r] = item.staff[name]
    return out


@dataclass
class Model:
    """Column-wise (CSC) constraint matrix with bounds, the objective and what each column and row means."""

    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    start: np.ndarray
    index: np.ndarray
    value: np.ndarray
    col_item: np.ndarray
    col_start: np.ndarray
    n_rows: int
    cap_row0: int  # capacity row of (resource r, quarter q) = cap_row0 + r * quarters + q
    integer: np.ndarray  # True for the x columns, False for elastic slack columns

    @property
    def n_cols(self) -> int:
        """Return the number of columns."""
        return len(self.cost)


class _Rows:
    """Accumulates COO entries and row bounds."""

    def __init__(self) -> None:
        self.r: list[int] = []
        self.c: list[int] = []
        self.v: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []

    def new(self, lower: float, upper: float) -> int:
        self.lower.append(lower)
        self.upper.append(upper)
        return len(self.lower) - 1

    def add(self, row: int, col: int, val: float) -> None:
        self.r.append(row)
        self.c.append(col)
        self.v.append(val)


def _columns(problem: Problem, w: Windows, allowed: Collection[int] | None) -> tuple[np.ndarray, np.ndarray]:
    items, starts = [], []
    for i in range(len(problem.initiatives)):
        if allowed is not None and i not in allowed:
            continue
        for t in w.starts(i):
            items.append(i)
            starts.append(t)
    return np.asarray(items, dtype=np.int64), np.asarray(starts, dtype=np.int64)


def _choice_rows(rows: _Rows, cols_of: dict[int, list[int]], must: set[int], forbid: Collection[int]) -> None:
    """Start at most once (exactly once when forced, never when forbidden)."""
    for i, cols in cols_of.items():
        row = rows.new(1.0 if i in must and i not in forbid else 0.0, 0.0 if i in forbid else 1.0)
        for c in cols:
            rows.add(row, c, 1.0)


def _precedence_rows(
    rows: _Rows, problem: Problem, w: Windows, cols_of: dict[int, list[int]], col_start: np.ndarray
) -> None:
    """Cumulative precedence: i may have started by t only if every predecessor has finished by t."""
    for i, cols in cols_of.items():
        for p in w.preds[i]:
            dur_p = problem.initiatives[p].duration
            pcols = cols_of.get(p, [])
            for t in w.starts(i):
                row = rows.new(-INF, 0.0)
                for c in cols:
                    if col_start[c] <= t:
                        rows.add(row, c, 1.0)
                for c in pcols:
                    if col_start[c] + dur_p <= t:
                        rows.add(row, c, -1.0)


def _group_rows(rows: _Rows, problem: Problem, cols_of: dict[int, list[int]]) -> None:
    """At most one member of each group of alternatives."""
    groups: dict[str, list[int]] = {}
    for i in cols_of:
        if problem.initiatives[i].group:
            groups.setdefault(str(problem.initiatives[i].group), []).append(i)
    for members in groups.values():
        if len(members) > 1:
            row = rows.new(-INF, 1.0)
            for i in members:
                for c in cols_of[i]:
                    rows.add(row, c, 1.0)


def _capacity_rows(rows: _Rows, problem: Problem, cols_of: dict[int, list[int]], col_start: np.ndarray) -> int:
    """One row per resource and quarter: what the active initiatives need stays within the cap."""
    names, limit = resources(problem), caps(problem)
    first = len(rows.lower)
    for r in range(len(names)):
        for q in range(problem.quarters):
            rows.new(-INF, float(limit[r, q]))
    for i, cols in cols_of.items():
        need = needs(problem.initiatives[i], names)
        for c in cols:
            t = int(col_start[c])
            for r, k in zip(*np.nonzero(need), strict=True):
                rows.add(first + int(r) * problem.quarters + t + int(k), c, float(need[r, k]))
    return first


def _elastic(rows: _Rows, problem: Problem, cap_row0: int, n_x: int) -> tuple[np.ndarray, np.ndarray]:
    """Add slack s[r, q] >= 0 to each cap row; the objective only penalises slack (scaled per resource)."""
    limit = caps(problem)
    scale = np.maximum(limit.max(axis=1), 1.0)
    slack_cost: list[float] = []
    for r in range(limit.shape[0]):
        for q in range(problem.quarters):
            rows.add(cap_row0 + r * problem.quarters + q, n_x + len(slack_cost), -1.0)
            slack_cost.append(-1.0 / scale[r])  # the model maximises, so slack is penalised
    cost = np.concatenate([np.zeros(n_x), np.asarray(slack_cost)])
    integer = np.concatenate([np.ones(n_x, dtype=bool), np.zeros(len(slack_cost), dtype=bool)])
    return cost, integer


def build(
    problem: Problem, w: Windows, *, force: Collection[int] = (), forbid: Collection[int] = (),
    allowed: Collection[int] | None = None, elastic: bool = False,
) -> Model:  # fmt: skip
    """Build the model; `allowed` restricts the initiatives, `elastic` adds priced slack to every capacity row."""
    col_item, col_start = _columns(problem, w, allowed)
    cols_of: dict[int, list[int]] = {}
    for c, i in enumerate(col_item.tolist()):
        cols_of.setdefault(i, []).append(c)
    rows = _Rows()
    _choice_rows(rows, cols_of, set(w.forced) | set(force), forbid)
    _precedence_rows(rows, problem, w, cols_of, col_start)
    _group_rows(rows, problem, cols_of)
    cap_row0 = _capacity_rows(rows, problem, cols_of, col_start)
    n_x = len(col_item)
    pairs = zip(col_item.tolist(), col_start.tolist(), strict=True)
    cost = np.array([problem.weight(problem.initiatives[i], t) for i, t in pairs])
    integer = np.ones(n_x, dtype=bool)
    if elastic:
        cost, integer = _elastic(rows, problem, cap_row0, n_x)
    return _assemble(rows, len(cost), cost, col_item, col_start, cap_row0, integer, n_x)


def _assemble(
    rows: _Rows, n_cols: int, cost: np.ndarray, col_item: np.ndarray, col_start: np.ndarray, cap_row0: int,
    integer: np.ndarray, n_x: int,
) -> Model:  # fmt: skip
    r = np.asarray(rows.r, dtype=np.int32)
    c = np.asarray(rows.c, dtype=np.int64)
    v = np.asarray(rows.v, dtype=float)
    order = np.argsort(c, kind="stable")
    counts = np.bincount(c, minlength=n_cols)
    start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    upper = np.concatenate([np.ones(n_x), np.full(n_cols - n_x, INF)])
    return Model(cost=cost, col_lower=np.zeros(n_cols), col_upper=upper, row_lower=np.asarray(rows.lower),
                 row_upper=np.asarray(rows.upper), start=start, index=r[order], value=v[order], col_item=col_item,
                 col_start=col_start, n_rows=len(rows.lower), cap_row0=cap_row0, integer=integer)  # fmt: skip
