"""An independent evaluator of a plan: its value and totals, and every rule it breaks (used to re-check solutions)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from tandem.strategy.optimizer.model import caps, needs, resources
from tandem.strategy.optimizer.problem import Problem

TOLERANCE = 1e-6


def quarter(q: int) -> str:
    """Return a 0-based quarter index as the label users see (Q1 …)."""
    return f"Q{q + 1}"


@dataclass
class Evaluation:
    """A plan's objective, its value and risk-reduction totals (with ranges), spend, use per resource, violations."""

    objective: float
    value: float
    risk_reduction: float
    value_range: tuple[float, float]
    risk_range: tuple[float, float]
    spend: float
    usage: np.ndarray  # [resource, quarter]
    resources: list[str]
    violations: list[str] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        """Return whether the plan breaks no rule."""
        return not self.violations


def usage_of(problem: Problem, starts: Mapping[str, int]) -> np.ndarray:
    """Return what the plan uses per resource and quarter (starts outside the horizon are clipped)."""
    names = resources(problem)
    used = np.zeros((len(names), problem.quarters))
    index = problem.index()
    for key, t in starts.items():
        item = problem.initiatives[index[key]]
        need = needs(item, names)
        for k in range(item.duration):
            if 0 <= t + k < problem.quarters:
                used[:, t + k] += need[:, k]
    return used


def _rule_violations(problem: Problem, starts: Mapping[str, int]) -> list[str]:
    index = problem.index()
    out = [f"unknown initiative {k!r}" for k in starts if k not in index]
    groups: dict[str, list[str]] = {}
    for item in problem.initiatives:
        t = starts.get(item.key)
        if t is None:
            if item.mandatory:
                out.append(f"mandatory {item.key!r} is not in the plan")
            continue
        if t < item.earliest - 1 or t + item.duration > problem.quarters:
            out.append(f"{item.key!r} does not fit the horizon starting in {quarter(t)}")
        if item.deadline is not None and t + item.duration > item.deadline:
            out.append(f"{item.key!r} finishes after its deadline {quarter(item.deadline - 1)}")
        for p in item.preds:
            pt = starts.get(p)
            if pt is None:
                out.append(f"{item.key!r} needs {p!r}, which is not in the plan")
            elif pt + problem.initiatives[index[p]].duration > t:
                out.append(f"{item.key!r} starts before {p!r} finishes")
        if item.group:
            groups.setdefault(item.group, []).append(item.key)
    out += [f"alternatives {', '.join(map(repr, keys))} are all in the plan" for keys in groups.values()
            if len(keys) > 1]  # fmt: skip
    return out


def evaluate(problem: Problem, starts: Mapping[str, int]) -> Evaluation:
    """Return the plan's value and every rule it breaks."""
    violations = _rule_violations(problem, starts)
    index = problem.index()
    chosen = [(problem.initiatives[index[k]], t) for k, t in starts.items() if k in index]
    used = usage_of(problem, {k: t for k, t in starts.items() if k in index})
    limit, names = caps(problem), resources(problem)
    for r, q in zip(*np.nonzero(used > limit + TOLERANCE * np.maximum(1.0, limit)), strict=True):
        violations.append(f"{names[r]} in {quarter(int(q))}: {used[r, q]:,.2f} used, cap {limit[r, q]:,.2f}")

    def span(pairs: list[tuple[float, float]]) -> tuple[float, float]:
        return (sum(p[0] for p in pairs), sum(p[1] for p in pairs))

    return Evaluation(
        objective=sum(problem.weight(it, t) for it, t in chosen),
        value=sum(it.value for it, _ in chosen),
        risk_reduction=sum(it.risk_reduction for it, _ in chosen),
        value_range=span([it.value_range or (it.value, it.value) for it, _ in chosen]),
        risk_range=span([it.risk_range or (it.risk_reduction, it.risk_reduction) for it, _ in chosen]),
        spend=sum(it.total_cost for it, _ in chosen),
        usage=used,
        resources=names,
        violations=violations,
    )
