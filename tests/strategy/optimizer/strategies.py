"""Hypothesis strategies and a brute-force oracle for tiny portfolios."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import strategies as st

from tandem.strategy.optimizer import Initiative, Problem, evaluate


@st.composite
def problems(draw: Any, max_items: int = 5, max_quarters: int = 3, pools: tuple[str, ...] = ("security",)) -> Problem:
    """Draw a small portfolio with dependencies, alternatives, mandatory items and tight caps."""
    quarters = draw(st.integers(1, max_quarters))
    n = draw(st.integers(1, max_items))
    money = st.integers(0, 10).map(float)
    items = []
    for i in range(n):
        dur = draw(st.integers(1, quarters))
        preds = tuple(f"i{p}" for p in draw(st.sets(st.integers(0, i - 1), max_size=2)) if i > 0) if i else ()
        mandatory = draw(st.booleans()) and draw(st.booleans())
        deadline = draw(st.one_of(st.none(), st.integers(1, quarters))) if mandatory else None
        items.append(Initiative(
            key=f"i{i}", duration=dur, cost=tuple(draw(money) for _ in range(dur)),
            staff={p: tuple(float(draw(st.integers(0, 3))) for _ in range(dur)) for p in pools},
            value=float(draw(st.integers(0, 50))), risk_reduction=float(draw(st.integers(0, 20))), preds=preds,
            group=draw(st.sampled_from([None, None, "a", "b"])), mandatory=mandatory, deadline=deadline,
            earliest=draw(st.integers(1, quarters))))  # fmt: skip
    budget = tuple(float(draw(st.integers(0, 15))) for _ in range(quarters))
    capacity = {p: tuple(float(draw(st.integers(0, 5))) for _ in range(quarters)) for p in pools}
    return Problem(items, quarters, budget, capacity, lam=draw(st.sampled_from([0.0, 0.5, 2.0])))


def brute_force(problem: Problem) -> tuple[float, dict[str, int]] | None:
    """Return the best feasible plan by trying every selection and start (None when nothing is feasible)."""
    best: tuple[float, dict[str, int]] | None = None
    choices = [[None, *range(problem.quarters)] for _ in problem.initiatives]
    for combo in itertools.product(*choices):
        starts = {it.key: t for it, t in zip(problem.initiatives, combo, strict=True) if t is not None}
        ev = evaluate(problem, starts)
        if ev.feasible and (best is None or ev.objective > best[0] + 1e-9):
            best = (ev.objective, starts)
    return best
