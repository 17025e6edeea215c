"""Rejection reasons are true: the named extra capacity, or dropping the named item, really makes room."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from tandem.strategy.optimizer import BUDGET, Initiative, Problem, evaluate, explain, frontier, generate, solve

from .strategies import problems


def _with_more(problem: Problem, binding: list[dict[str, float | str]]) -> Problem:
    budget = list(problem.budget)
    capacity = {p: list(c) for p, c in problem.capacity.items()}
    for b in binding:
        row = budget if b["resource"] == BUDGET else capacity[str(b["resource"])]
        row[int(b["quarter"]) - 1] += float(b["short"]) + 1e-9
    return Problem(problem.initiatives, problem.quarters, tuple(budget), {p: tuple(c) for p, c in capacity.items()},
                   problem.lam, problem.benefit_years, problem.discount)  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_items=8, max_quarters=4, pools=("security", "application")))
def test_fixes_make_room(problem: Problem) -> None:
    sol = solve(problem, gap=0.0)
    if not sol.has_plan:
        return
    for rejection in explain(problem, sol.starts):
        assert rejection.key not in sol.starts and rejection.reasons
        if rejection.kind != "capacity":
            continue
        assert rejection.start is not None and rejection.binding
        grown = {**sol.starts, rejection.key: rejection.start}
        assert evaluate(_with_more(problem, rejection.binding), grown).violations == []
        if rejection.drop:
            assert rejection.drop_start is not None
            kept = {k: t for k, t in sol.starts.items() if k not in rejection.drop}
            assert evaluate(problem, {**kept, rejection.key: rejection.drop_start}).violations == []


def test_reasons_read_like_the_issue() -> None:
    items = [
        Initiative("edr", 1, (50.0,), {"security": (2.0,)}, value=10, risk_reduction=100),
        Initiative("dlp", 1, (50.0,), {"security": (1.5,)}, value=5, risk_reduction=40),
        Initiative("siem", 1, (10.0,), {"security": (0.5,)}, value=1, risk_reduction=5, preds=("dlp",)),
        Initiative("mfa-a", 1, (10.0,), value=50, group="mfa"),
        Initiative("mfa-b", 1, (10.0,), value=40, group="mfa"),
    ]
    problem = Problem(items, 2, (200.0, 200.0), {"security": (3.0, 0.0)})
    sol = solve(problem, gap=0.0)
    assert set(sol.starts) == {"edr", "mfa-a"}
    why = {r.key: r for r in explain(problem, sol.starts, probe=2)}
    assert why["dlp"].reasons == ["security staff in Q1 is binding"]
    assert why["dlp"].fixes == ["fits from Q1 if Q1 security staff +0.5 FTE", "or fits from Q1 if 'edr' is dropped"]
    assert why["siem"].kind == "prerequisite" and why["siem"].fixes == ["fund 'dlp' first"]
    assert why["mfa-b"].reasons == ["its alternative 'mfa-a' is in the plan"]
    assert why["dlp"].price is not None and why["dlp"].displaced == ["edr"]


def test_frontier_is_monotone_and_each_point_is_feasible() -> None:
    problem = generate(40, seed=3)
    points = frontier(problem, (0.5, 1.0, 1.5, 2.0), seconds=4)
    values = [p.objective for p in points]
    assert values == sorted(values) and values[0] > 0
    for p in points:
        scaled = problem.scaled(budget_factor=p.multiplier)
        starts = solve(scaled, gap=0.0).starts if not p.selected else None
        assert starts is None or p.status != "infeasible"
        assert p.gap is not None and p.spend <= p.budget + 1e-6
