"""The baseline users know: rank by risk-adjusted value per cost, take each at its earliest feasible quarter."""

from __future__ import annotations

import time

import numpy as np

from tandem.strategy.optimizer.model import caps, needs, resources
from tandem.strategy.optimizer.problem import Problem, validate
from tandem.strategy.optimizer.structure import Windows, windows


class _Ledger:
    """Remaining capacity per resource and quarter, and what is already chosen."""

    def __init__(self, problem: Problem, w: Windows) -> None:
        self.problem, self.w = problem, w
        self.names = resources(problem)
        self.left = caps(problem).copy()
        self.start: dict[int, int] = {}
        self.groups: set[str] = set()

    def earliest_fit(self, i: int) -> int | None:
        """Return the earliest start where i fits after its predecessors finish, or None."""
        item = self.problem.initiatives[i]
        if item.group and item.group in self.groups:
            return None
        if any(p not in self.start for p in self.w.preds[i]):
            return None
        ready = max([self.start[p] + self.problem.initiatives[p].duration for p in self.w.preds[i]], default=0)
        need = needs(item, self.names)
        for t in range(max(ready, self.w.lo[i]), self.w.hi[i] + 1):
            if np.all(need <= self.left[:, t : t + item.duration] + 1e-9):
                return t
        return None

    def take(self, i: int, t: int) -> None:
        item = self.problem.initiatives[i]
        self.left[:, t : t + item.duration] -= needs(item, self.names)
        self.start[i] = t
        if item.group:
            self.groups.add(item.group)


def ratio(problem: Problem, i: int) -> float:
    """Return the ranking key: risk-adjusted value per unit of total spend."""
    item = problem.initiatives[i]
    return problem.score(item) / max(item.total_cost, 1e-9)


def greedy(problem: Problem) -> tuple[dict[str, int], float]:
    """Return the ratio-greedy plan (mandatory items first, by deadline) and the seconds it took."""
    started = time.perf_counter()
    validate(problem)
    w = windows(problem)
    ledger = _Ledger(problem, w)
    forced = [i for i in w.order if i in w.forced and w.possible(i)]
    for i in forced:  # topological order keeps prerequisites first
        t = ledger.earliest_fit(i)
        if t is not None:
            ledger.take(i, t)
    ranked = sorted((i for i in range(len(problem.initiatives)) if w.possible(i) and i not in ledger.start),
                    key=lambda i: -ratio(problem, i))  # fmt: skip
    changed = True
    while changed:  # a later pass lets an item whose prerequisite was taken meanwhile get in
        changed = False
        for i in ranked:
            if i in ledger.start:
                continue
            t = ledger.earliest_fit(i)
            if t is not None:
                ledger.take(i, t)
                changed = True
    starts = {problem.initiatives[i].key: t for i, t in ledger.start.items()}
    return starts, time.perf_counter() - started


def fill(problem: Problem, w: Windows, starts: dict[str, int]) -> dict[str, int]:
    """Return the plan plus every left-out initiative that still fits its slack (best ratio first)."""
    index = problem.index()
    ledger = _Ledger(problem, w)
    for key, t in starts.items():
        ledger.take(index[key], t)
    left = sorted((i for i in range(len(problem.initiatives)) if w.possible(i) and i not in ledger.start),
                  key=lambda i: -ratio(problem, i))  # fmt: skip
    for i in left:
        found = ledger.earliest_fit(i)
        if found is not None and problem.score(problem.initiatives[i]) > 0:
            ledger.take(i, found)
    return {problem.initiatives[i].key: t for i, t in ledger.start.items()}
