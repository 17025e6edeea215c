"""The optimiser's input: initiatives, quarters, budget and staff caps, policy; validated with located errors."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

BUDGET = "budget"  # the resource name of money in reasons and shortfalls; staff pools use their own names


class OptimizerInputError(ValueError):
    """Bad optimiser input; `.errors` lists (field path, reason)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{p}: {r}" if p else r for p, r in errors))
        self.errors = errors


@dataclass(frozen=True)
class Initiative:
    """One candidate: duration, spend and staff per active quarter, value, risk reduction, links.

    `cost[k]` and `staff[pool][k]` are what the initiative needs in its k-th active quarter (length =
    duration). `deadline` is the last quarter (1-based) by which a mandatory item must be finished;
    `earliest` the first quarter (1-based) it may start. `preds` must be finished before it starts.
    """

    key: str
    duration: int
    cost: tuple[float, ...]
    staff: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    value: float = 0.0
    risk_reduction: float = 0.0  # annual ΔALE (mean)
    value_range: tuple[float, float] | None = None
    risk_range: tuple[float, float] | None = None  # annual ΔALE interval (e.g. p5, p95)
    preds: tuple[str, ...] = ()
    group: str | None = None
    mandatory: bool = False
    deadline: int | None = None
    earliest: int = 1
    sponsor: str = "joint"

    @property
    def total_cost(self) -> float:
        """Return the spend over the whole duration."""
        return float(sum(self.cost))


@dataclass(frozen=True)
class Problem:
    """A portfolio to plan over `quarters`, maximising value + λ · risk reduction · benefit years."""

    initiatives: Sequence[Initiative]
    quarters: int
    budget: tuple[float, ...]
    capacity: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    lam: float = 1.0
    benefit_years: float = 3.0
    discount: float = 0.97  # value multiplier per quarter of later completion

    def score(self, item: Initiative) -> float:
        """Return the undiscounted risk-adjusted value of an initiative."""
        return item.value + self.lam * item.risk_reduction * self.benefit_years

    def weight(self, item: Initiative, start: int) -> float:
        """Return the objective weight of starting item in quarter `start` (0-based)."""
        return self.score(item) * self.discount ** (start + item.duration - 1)

    def index(self) -> dict[str, int]:
        """Return the position of each key."""
        return {it.key: n for n, it in enumerate(self.initiatives)}

    def scaled(
        self, budget_factor: float = 1.0, capacity_delta: Mapping[str, Sequence[float]] | None = None
    ) -> Problem:
        """Return a copy with the budget multiplied and staff capacities shifted (scenarios, frontier)."""
        capacity = {p: tuple(c) for p, c in self.capacity.items()}
        for pool, delta in (capacity_delta or {}).items():
            base = capacity.get(pool, (0.0,) * self.quarters)
            capacity[pool] = tuple(b + d for b, d in zip(base, delta, strict=True))
        return Problem(self.initiatives, self.quarters, tuple(b * budget_factor for b in self.budget), capacity,
                       self.lam, self.benefit_years, self.discount)  # fmt: skip


def _finite(x: float) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)


def _item_errors(n: int, it: Initiative, problem: Problem, keys: set[str]) -> list[tuple[str, str]]:
    at = f"initiatives.{n}"
    errors: list[tuple[str, str]] = []
    if not 1 <= it.duration <= problem.quarters:
        errors.append((f"{at}.duration", f"must be from 1 to {problem.quarters} quarters"))
    if len(it.cost) != it.duration or not all(_finite(c) and c >= 0 for c in it.cost):
        errors.append((f"{at}.cost", "needs one non-negative amount per active quarter"))
    for pool, need in it.staff.items():
        if pool not in problem.capacity:
            errors.append((f"{at}.staff.{pool}", "no capacity is set for this skill pool"))
        elif len(need) != it.duration or not all(_finite(s) and s >= 0 for s in need):
            errors.append((f"{at}.staff.{pool}", "needs one non-negative FTE figure per active quarter"))
    for name, value in (("value", it.value), ("risk_reduction", it.risk_reduction)):
        if not _finite(value):
            errors.append((f"{at}.{name}", "must be a finite number"))
    for p in it.preds:
        if p not in keys or p == it.key:
            errors.append((f"{at}.preds", f"unknown predecessor {p!r}"))
    if it.deadline is not None and not 1 <= it.deadline <= problem.quarters:
        errors.append((f"{at}.deadline", f"must be a quarter from 1 to {problem.quarters}"))
    if not 1 <= it.earliest <= problem.quarters:
        errors.append((f"{at}.earliest", f"must be a quarter from 1 to {problem.quarters}"))
    return errors


def _cycle(problem: Problem) -> list[str]:
    """Return the keys of one dependency cycle, or [] when the graph is acyclic."""
    preds = {it.key: it.preds for it in problem.initiatives}
    state: dict[str, int] = {}
    for root in preds:
        stack = [(root, iter(preds[root]))]
        path = [root]
        state[root] = state.get(root, 0) or 1
        if state[root] == 2:
            continue
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(child) == 1:
                return [*path[path.index(child) :], child]
            elif child in preds and state.get(child) != 2:
                state[child] = 1
                stack.append((child, iter(preds[child])))
                path.append(child)
    return []


def validate(problem: Problem) -> None:
    """Raise OptimizerInputError listing every problem with the input."""
    errors: list[tuple[str, str]] = []
    if problem.quarters < 1:
        errors.append(("quarters", "must be at least 1"))
    if len(problem.budget) != problem.quarters or not all(_finite(b) and b >= 0 for b in problem.budget):
        errors.append(("budget", "needs one non-negative amount per quarter"))
    for pool, cap in problem.capacity.items():
        if len(cap) != problem.quarters or not all(_finite(c) and c >= 0 for c in cap):
            errors.append((f"capacity.{pool}", "needs one non-negative FTE figure per quarter"))
    if not (_finite(problem.lam) and problem.lam >= 0):
        errors.append(("lam", "must be a non-negative number"))
    if not (_finite(problem.discount) and 0 < problem.discount <= 1):
        errors.append(("discount", "must be in (0, 1]"))
    keys = [it.key for it in problem.initiatives]
    seen: set[str] = set()
    for n, key in enumerate(keys):
        if key in seen:
            errors.append((f"initiatives.{n}.key", f"duplicate key {key!r}"))
        seen.add(key)
    for n, it in enumerate(problem.initiatives):
        errors += _item_errors(n, it, problem, seen)
    if errors:
        raise OptimizerInputError(errors)
    cycle = _cycle(problem)
    if cycle:
        raise OptimizerInputError([("preds", "dependency cycle: " + " → ".join(cycle))])
