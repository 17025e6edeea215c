"""Portfolio optimiser benchmark: HiGHS time-indexed MIP against the value-per-cost greedy ranking.

Instances come from the seeded generator of the design note (§6.4): n initiatives × 8 quarters, ≈ 0.4 n
precedence edges, 5 % mandatory items with deadlines, 6 % of items in groups of 2–3 alternatives, caps at a third
of the average demand. Every plan is re-checked by the independent evaluator. Figures are wall seconds (and
CPU seconds of this process) on a shared 2-core machine; the 1-minute load average is printed with them.
"""

from __future__ import annotations

import os
import time

from tandem.strategy.optimizer import LEVELS, Problem, evaluate, frontier, generate, greedy, solve

SEEDS = (1, 2, 3)


def _load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def _case(problem: Problem, time_limit: float) -> tuple[float, float, float, float, str]:
    """Return (wall s, cpu s, gap, gain over greedy) of one solve, checking both plans."""
    started, cpu = time.perf_counter(), time.process_time()
    sol = solve(problem, time_limit=time_limit, gap=0.01)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    plan, base = evaluate(problem, sol.starts), evaluate(problem, greedy(problem)[0])
    assert plan.feasible, plan.violations[:3]
    assert all("mandatory" in v for v in base.violations), base.violations[:3]
    gain = plan.objective / base.objective - 1
    return wall, cpu, sol.gap if sol.gap is not None else float("nan"), gain, sol.status


def _sizes() -> None:
    for n, limit, target in ((500, 60.0, 2.0), (2000, 120.0, 15.0)):
        for seed in SEEDS:
            problem = generate(n, seed=seed)
            edges = sum(len(i.preds) for i in problem.initiatives)
            mandatory = sum(i.mandatory for i in problem.initiatives)
            groups = len({i.group for i in problem.initiatives if i.group})
            wall, cpu, gap, gain, status = _case(problem, limit)
            print(f"n={n:5} seed={seed} edges={edges} mandatory={mandatory} groups={groups}: {status} gap "
                  f"{gap:.2%} in {wall:.2f} s wall ({cpu:.2f} s CPU; target ≤ {target:.0f} s), optimiser vs greedy "
                  f"+{gain:.1%} ({_load()})", flush=True)  # fmt: skip


def _greedy_speed() -> None:
    problem = generate(500, seed=1)
    started = time.perf_counter()
    greedy(problem)
    print(f"greedy n=500: {time.perf_counter() - started:.3f} s", flush=True)


def _frontier() -> None:
    problem = generate(500, seed=1)
    started = time.perf_counter()
    points = frontier(problem, LEVELS, seconds=10.0)
    wall = time.perf_counter() - started
    print(f"frontier n=500, {len(points)} levels, 10 s budget: {wall:.1f} s wall ({_load()})")
    for p in points:
        gap = f"{p.gap:.2%}" if p.gap is not None else "-"
        print(f"  ×{p.multiplier:.1f}: value {p.objective:,.0f} (business {p.value:,.0f}, ΔALE {p.risk_reduction:,.0f}"
              f"/yr) gap {gap} [{p.status}]", flush=True)  # fmt: skip


def main() -> None:
    """Print solve times, gaps and the gain over greedy per size and seed, then the 8-point frontier."""
    _greedy_speed()
    _sizes()
    _frontier()


if __name__ == "__main__":
    main()
