"""A seeded generator of realistic portfolios (the benchmark instance of the design note, §6.4)."""

from __future__ import annotations

import numpy as np

from tandem.strategy.optimizer.problem import Initiative, Problem

POOLS = ("application", "infrastructure", "security")
SPONSORS = ("cio", "ciso", "joint")


def _durations(rng: np.random.Generator, n: int, quarters: int) -> np.ndarray:
    return np.minimum(rng.choice([1, 2, 3, 4], size=n, p=[0.30, 0.35, 0.20, 0.15]), quarters)


def _preds(rng: np.random.Generator, dur: np.ndarray, n_edges: int, quarters: int) -> list[list[int]]:
    """Return a local DAG (edges from lower to higher index) whose chains fit the horizon."""
    preds: list[list[int]] = [[] for _ in dur]
    chain = dur.astype(int).copy()  # longest chain length ending at each item
    tries = 0
    while n_edges > 0 and tries < n_edges * 50:
        tries += 1
        j = int(rng.integers(1, len(dur)))
        p = int(rng.integers(max(0, j - 12), j))
        if p in preds[j] or chain[p] + dur[j] > quarters - 1:
            continue
        preds[j].append(p)
        chain[j] = max(chain[j], chain[p] + dur[j])
        n_edges -= 1
    return preds


def generate(n: int = 500, quarters: int = 8, seed: int = 1, edges: int | None = None, mandatory: int | None = None,
             groups: int | None = None, lam: float = 1.0) -> Problem:  # fmt: skip
    """Return a portfolio of n initiatives; caps are a third of the average demand, 15 % lower in Q4 and Q8."""
    rng = np.random.default_rng(seed)
    edges = round(n * 0.4) if edges is None else edges
    mandatory = round(n * 0.05) if mandatory is None else mandatory
    groups = round(n * 0.06) if groups is None else groups
    dur = _durations(rng, n, quarters)
    cost = rng.lognormal(np.log(120_000), 0.8, size=n)
    staff = rng.uniform(0.3, 12, size=n)
    sponsor = rng.choice(3, size=n, p=[0.45, 0.35, 0.20])
    # Business value and annual risk reduction: CIO items lean on value, CISO items on risk reduction.
    total = cost * dur * rng.lognormal(0.45, 0.6, size=n)
    share = np.where(sponsor == 0, 0.85, np.where(sponsor == 1, 0.15, 0.5))
    value = total * share
    risk = total * (1 - share) / 3.0
    preds = _preds(rng, dur, edges, quarters)
    is_mandatory = np.zeros(n, dtype=bool)
    deadline = np.zeros(n, dtype=int)
    finish = dur.astype(int).copy()  # earliest finish after every prerequisite chain (edges go forward)
    for j in range(n):
        finish[j] = max([finish[p] for p in preds[j]], default=0) + int(dur[j])
    pool = rng.integers(0, len(POOLS), size=n)
    budget, capacity = _caps(cost, dur, staff, pool, quarters)
    small = [i for i in range(n) if cost[i] <= 0.5 * min(budget) and staff[i] <= 0.5 * min(capacity[POOLS[pool[i]]])]
    candidates = [i for i in small if finish[i] <= quarters and all(p in small for p in preds[i])]
    for i in rng.choice(candidates, size=min(mandatory, len(candidates)), replace=False):
        is_mandatory[i] = True
        deadline[i] = int(rng.integers(max(3, finish[i]), quarters + 1))
    group_of: list[str | None] = [None] * n
    forced = set(np.nonzero(is_mandatory)[0].tolist())
    for j in range(n - 1, -1, -1):  # prerequisites of mandatory items are forced too: keep them out of groups
        if j in forced:
            forced.update(preds[j])
    free = [i for i in range(n) if i not in forced]
    picks = rng.permutation(free)
    pos = 0
    for g in range(groups):
        size = int(rng.integers(2, 4))
        for i in picks[pos : pos + size]:
            group_of[int(i)] = f"g{g}"
        pos += size
    items = []
    for i in range(n):
        d = int(dur[i])
        items.append(Initiative(
            key=f"i{i}", duration=d, cost=(float(cost[i]),) * d, staff={POOLS[pool[i]]: (float(staff[i]),) * d},
            value=float(value[i]), risk_reduction=float(risk[i]), preds=tuple(f"i{p}" for p in preds[i]),
            group=group_of[i], mandatory=bool(is_mandatory[i]), deadline=int(deadline[i]) or None,
            sponsor=SPONSORS[int(sponsor[i])]))  # fmt: skip
    return Problem(items, quarters, budget, capacity, lam=lam)


def _caps(
    cost: np.ndarray, dur: np.ndarray, staff: np.ndarray, pool: np.ndarray, quarters: int
) -> tuple[tuple[float, ...], dict[str, tuple[float, ...]]]:
    """Return caps of a third of the average demand per quarter, 15 % lower in each fourth quarter."""
    budget_demand = float((cost * dur).sum()) / quarters
    staff_demand = {p: float((staff * dur)[pool == k].sum()) / quarters for k, p in enumerate(POOLS)}
    dip = np.array([0.85 if (q + 1) % 4 == 0 else 1.0 for q in range(quarters)])
    budget = tuple(float(x) for x in 0.33 * budget_demand * dip)
    capacity = {p: tuple(float(x) for x in 0.33 * d * dip) for p, d in staff_demand.items()}
    return budget, capacity
