"""The optimiser against brute force on tiny portfolios, and its plans re-checked on random ones."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings

from tandem.strategy.optimizer import Initiative, Problem, evaluate, generate, greedy, solve

from .strategies import brute_force, problems

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(problems())
def test_matches_brute_force(problem: Problem) -> None:
    oracle = brute_force(problem)
    sol = solve(problem, time_limit=10, gap=0.0)
    if oracle is None:
        assert sol.status == "infeasible" and sol.reasons, sol
        return
    assert sol.has_plan, sol.reasons
    assert evaluate(problem, sol.starts).violations == []
    assert math.isclose(evaluate(problem, sol.starts).objective, oracle[0], rel_tol=1e-7, abs_tol=1e-7)
    assert sol.status == "optimal" and sol.gap == 0.0


@SETTINGS
@given(problems(max_items=14, max_quarters=6, pools=("security", "infrastructure")))
def test_plans_are_feasible_and_beat_greedy(problem: Problem) -> None:
    sol = solve(problem, time_limit=10, gap=0.0)
    base, _ = greedy(problem)
    base_eval = evaluate(problem, base)
    # The greedy plan never breaks a cap, a dependency or a group; it may only miss a mandatory item.
    assert all("mandatory" in v for v in base_eval.violations)
    if not sol.has_plan:
        assert sol.status == "infeasible" and sol.reasons
        return
    ev = evaluate(problem, sol.starts)
    assert ev.violations == []
    for item in problem.initiatives:
        if item.mandatory:
            assert item.key in sol.starts
        for p in item.preds if item.key in sol.starts else ():
            assert sol.starts[p] + problem.initiatives[problem.index()[p]].duration <= sol.starts[item.key]
    if base_eval.feasible:
        assert ev.objective >= base_eval.objective - 1e-6


def _item(key: str, cost: float, value: float, **kw: object) -> Initiative:
    return Initiative(key=key, duration=1, cost=(cost,), value=value, **kw)  # type: ignore[arg-type]


def test_mandatory_over_budget_names_the_quarter_and_amount() -> None:
    problem = Problem([_item("a", 60, 1, mandatory=True, deadline=1), _item("b", 70, 1, mandatory=True, deadline=1),
                       _item("c", 10, 5)], 2, (100.0, 100.0))  # fmt: skip
    sol = solve(problem)
    assert sol.status == "infeasible" and not sol.starts
    assert sol.reasons == ["mandatory items need 30.00 more budget in Q1"]


def test_structural_reasons_come_without_solving() -> None:
    problem = Problem([Initiative("p", 2, (1.0, 1.0)), Initiative("m", 2, (1.0, 1.0), preds=("p",), mandatory=True,
                                                                    deadline=3)], 4, (10.0,) * 4)  # fmt: skip
    sol = solve(problem)
    assert sol.status == "infeasible"
    assert "mandatory 'm' cannot finish by Q3" in sol.reasons[0]


def test_gap_is_reported_and_optimal_only_when_proven() -> None:
    problem = generate(120, seed=5)  # hard: a 1 % gap is not reached in 1 s
    sol = solve(problem, time_limit=1, gap=0.01)
    assert sol.status == "time_limit" and sol.gap is not None and sol.gap > 0
    assert evaluate(problem, sol.starts).violations == []
    assert sol.describe().startswith(f"within {sol.gap:.2%} of the best possible (time limit reached")
    assert sol.bound >= sol.objective - 1e-6
    assert math.isclose(sol.gap, (sol.bound - sol.objective) / sol.objective, rel_tol=1e-6)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_items=14, max_quarters=6, pools=("security", "infrastructure")))
def test_a_gap_is_never_understated(problem: Problem) -> None:
    """With a 1 % target the LP-guided plan may stop early: its bound must still hold and its gap must be true."""
    exact = solve(problem, time_limit=10, gap=0.0)
    sol = solve(problem, time_limit=10, gap=0.01)
    assert sol.has_plan == exact.has_plan
    if not sol.has_plan:
        return
    ev = evaluate(problem, sol.starts)
    assert ev.violations == []
    assert sol.bound >= exact.objective - 1e-6 * max(1.0, abs(exact.objective))
    assert sol.gap is not None and sol.gap <= 0.01 + 1e-9
    assert ev.objective >= exact.objective / 1.01 - 1e-6 * max(1.0, abs(exact.objective))


def test_benchmark_portfolio_reaches_the_gap_from_the_relaxation() -> None:
    problem = generate(500, seed=1)
    sol = solve(problem, time_limit=30, gap=0.01)
    ev = evaluate(problem, sol.starts)
    assert sol.status in ("within_gap", "optimal") and ev.feasible
    assert sol.gap is not None and sol.gap <= 0.01
    assert math.isclose(ev.objective, sol.objective, rel_tol=1e-9)
    assert sol.bound >= sol.objective
