"""Whole groups of scenarios at once: annual losses and their statistics, on the compiled path when available.

`annual_losses` and `summarise_rows` use the fused Numba kernels (fused.py) when Numba is installed, and the
NumPy path (kernel.py, results.summarise) otherwise; both give the same draws (see fused.py) and the same
statistics up to floating-point rounding of sums (mean, sd, TVaR; ~1e-15 relative).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from tandem.risk.fair import fused
from tandem.risk.fair.kernel import Plan, compile_plan, simulate_plan
from tandem.risk.fair.results import LEC_POINTS, QUANTILES, ScenarioResult, lec_thresholds_between, summarise
from tandem.risk.fair.sampling import K, Sampler
from tandem.risk.fair.scenario import Scenario
from tandem.risk.fair.special import c_ndtri, c_pdtr
from tandem.risk.fair.streams import Role, Streams

_FREQUENCY_SLOTS = {
    Role.LEF: fused.SLOT_LEF,
    Role.TEF: fused.SLOT_TEF,
    Role.CONTACT_FREQUENCY: fused.SLOT_CF,
    Role.PROBABILITY_OF_ACTION: fused.SLOT_POA,
}


def _put(arrays: tuple[np.ndarray, ...], s: int, slot: int, sampler: Sampler | float) -> None:
    kinds, values, params, tables = arrays
    if isinstance(sampler, float) or sampler.atoms is None:
        kinds[s, slot] = fused.CONSTANT
        values[s, slot] = sampler if isinstance(sampler, float) else sampler.value
        return
    kinds[s, slot] = fused.TABLE if sampler.lognormal is None else fused.TABLE_LOGNORMAL
    tables[s, slot] = sampler.atoms
    if sampler.lognormal is not None:
        params[s, slot] = sampler.lognormal


_POOL: tuple[int, ThreadPoolExecutor] | None = None


def _threads() -> ThreadPoolExecutor:
    """Return this process's worker threads (one per core; recreated after a fork)."""
    global _POOL
    if _POOL is None or _POOL[0] != os.getpid():
        _POOL = (os.getpid(), ThreadPoolExecutor(max_workers=len(os.sched_getaffinity(0)), thread_name_prefix="fair"))
    return _POOL[1]


def _on_cores(task: Callable[[slice], object], rows: int) -> None:
    """Run task(slice of one row) for every row on all cores; the GIL-free kernels make threads parallel.

    Each row (scenario) is computed by one call, so results never depend on the number of threads.
    """
    if rows <= 1 or len(os.sched_getaffinity(0)) == 1:
        task(slice(0, rows))
        return
    for future in [_threads().submit(task, slice(i, i + 1)) for i in range(rows)]:
        future.result()


def compile_group(plans: Sequence[Plan], seed: int) -> tuple[np.ndarray, ...]:
    """Return the fused kernel's inputs: slot kinds, constants, lognormal parameters, tables, stream states."""
    n = len(plans)
    kinds = np.zeros((n, fused.N_SLOTS), dtype=np.int64)
    values = np.zeros((n, fused.N_SLOTS))
    params = np.zeros((n, fused.N_SLOTS, 2))
    tables = np.zeros((n, fused.N_SLOTS, K))
    states = np.zeros((n, fused.N_ROLES, 4), dtype=np.uint64)
    arrays = (kinds, values, params, tables)
    for s, plan in enumerate(plans):
        for role, sampler in plan.frequency:
            _put(arrays, s, _FREQUENCY_SLOTS[role], sampler)
        _put(arrays, s, fused.SLOT_V, plan.vulnerability)
        _put(arrays, s, fused.SLOT_PRIMARY, plan.primary)
        if plan.secondary is not None:
            _put(arrays, s, fused.SLOT_SEC_P, plan.secondary[0])
            _put(arrays, s, fused.SLOT_SEC_LOSS, plan.secondary[1])
        streams = Streams(seed, plan.scenario.key)
        roles = [Role.COUNT] + [Role(fused.SLOT_ROLES[k]) for k in range(fused.N_SLOTS) if kinds[s, k] >= fused.TABLE]
        if plan.secondary is not None:
            roles.append(Role.SECONDARY_HIT)
        for role in roles:
            states[s, int(role)] = streams(role).bit_generator.state["state"]["state"]
    return kinds, values, params, tables, states


def annual_losses(scenarios: Sequence[Scenario], seed: int, years: int, semantics: str, chunk_years: int) -> np.ndarray:
    """Return the annual losses of each scenario as rows of a (scenarios × years) array."""
    plans = [compile_plan(s) for s in scenarios]
    if not fused.enabled():
        out = np.empty((len(plans), years))
        for row, plan in zip(out, plans, strict=True):
            row[:] = simulate_plan(plan, seed, years, semantics, chunk_years)
        return out
    out = np.empty((len(plans), years))
    kinds, values, params, tables, states = compile_group(plans, seed)
    events = semantics == "events"

    def run(rows: slice) -> None:
        fused.simulate_group(
            kinds[rows], values[rows], params[rows], tables[rows], states[rows], events, out[rows], c_ndtri, c_pdtr
        )

    _on_cores(run, len(plans))
    return out


def summarise_rows(keys: Sequence[str], annual: np.ndarray) -> list[ScenarioResult]:
    """Return `results.summarise` of every row of `annual` (scenarios × years)."""
    if not fused.enabled():
        return [summarise(k, row) for k, row in zip(keys, annual, strict=True)]
    rows, n = annual.shape
    moments = np.empty((rows, 5))
    _on_cores(lambda r: fused.moments_group(annual[r], moments[r]), rows)
    positive = moments[:, 0].astype(np.int64)
    zeros = n - positive
    h = (n - 1) * np.asarray(QUANTILES)
    below = np.floor(h).astype(np.int64)
    full_ranks = np.concatenate([below, np.minimum(below + 1, n - 1)])  # lower, then upper neighbours
    ranks = np.clip(full_ranks[None, :] - zeros[:, None], 0, np.maximum(positive - 1, 0)[:, None])
    tail_start = min(math.floor(0.95 * (n - 1)) + 1, n - 1)
    tail_ranks = np.maximum(tail_start - zeros, 0)
    thresholds = np.zeros((rows, LEC_POINTS))
    n_thresholds = np.zeros(rows, dtype=np.int64)
    for s in range(rows):
        if positive[s]:
            t = lec_thresholds_between(float(moments[s, 1]), float(moments[s, 2]))
            thresholds[s, : t.size] = t
            n_thresholds[s] = t.size
    values = np.zeros((rows, full_ranks.size))
    tails = np.zeros(rows)
    exceed = np.zeros((rows, LEC_POINTS), dtype=np.int64)
    _on_cores(
        lambda r: fused.order_stats_group(
            annual[r],
            moments[r],
            ranks[r],
            tail_ranks[r],
            thresholds[r],
            n_thresholds[r],
            values[r],
            tails[r],
            exceed[r],
        ),
        rows,
    )
    values = np.where(full_ranks[None, :] < zeros[:, None], 0.0, values)
    lower, upper = values[:, : below.size], values[:, below.size :]
    q = lower + (h - below) * (upper - lower)
    out = []
    for s, key in enumerate(keys):
        sd = float(moments[s, 4])
        m = int(n_thresholds[s])
        out.append(
            ScenarioResult(
                key=key,
                years=n,
                mean=float(moments[s, 3]),
                mean_se=sd / math.sqrt(n),
                sd=sd,
                p_loss=int(positive[s]) / n,
                p10=float(q[s, 0]),
                p50=float(q[s, 1]),
                p90=float(q[s, 2]),
                p95=float(q[s, 3]),
                p99=float(q[s, 4]),
                tvar95=float(tails[s] / (n - tail_start)),
                lec=[(float(t), float(c / n)) for t, c in zip(thresholds[s, :m], exceed[s, :m], strict=True)],
            )
        )
    return out
