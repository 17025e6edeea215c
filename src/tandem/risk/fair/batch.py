"""Scenarios to annual losses and statistics, on the compiled path when available, on this process's cores.

`annual_losses` and `summarise_rows` use the compiled Numba kernels (fused.py) when Numba is installed, and the
NumPy path (kernel.py, results.summarise) otherwise; both give the same draws (see fused.py) and the same
statistics up to floating-point rounding of sums (mean, sd, TVaR; ~1e-15 relative). `run_groups` is the
in-process runner of `simulate`: one task per scenario on one thread per core, group totals in input order.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from functools import lru_cache

import numpy as np

from tandem.risk.fair import fused
from tandem.risk.fair.kernel import Plan, compile_plan, simulate_plan
from tandem.risk.fair.results import QUANTILES, ScenarioResult, lec_thresholds_between, summarise
from tandem.risk.fair.sampling import K, Sampler
from tandem.risk.fair.scenario import Scenario
from tandem.risk.fair.special import c_ndtri, c_pdtr
from tandem.risk.fair.streams import Role, entropy_words

_FREQUENCY_SLOTS = {
    Role.LEF: fused.SLOT_LEF,
    Role.TEF: fused.SLOT_TEF,
    Role.CONTACT_FREQUENCY: fused.SLOT_CF,
    Role.PROBABILITY_OF_ACTION: fused.SLOT_POA,
}
WINDOW_BYTES = 64 << 20  # annual-loss rows in flight in run_groups (at least two groups)

Inputs = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
GroupOutput = tuple[list[ScenarioResult], np.ndarray]


def thread_count() -> int:
    """Return the number of worker threads: TANDEM_FAIR_THREADS, or one per core this process may use."""
    wanted = os.environ.get("TANDEM_FAIR_THREADS", "")
    return max(1, int(wanted)) if wanted.isdigit() else len(os.sched_getaffinity(0))


_POOL: tuple[int, int, ThreadPoolExecutor] | None = None
_LOCAL = threading.local()


def _threads() -> ThreadPoolExecutor:
    """Return this process's worker threads (recreated after a fork or when the thread count changes)."""
    global _POOL
    count = thread_count()
    if _POOL is None or _POOL[:2] != (os.getpid(), count):
        _POOL = (os.getpid(), count, ThreadPoolExecutor(max_workers=count, thread_name_prefix="fair"))
    return _POOL[2]


def _on_cores(task: Callable[[int], None], rows: int) -> None:
    """Run task(row) for every row on the worker threads; the kernels release the GIL, so threads run in parallel.

    Each row (scenario) is computed by one call, so results never depend on the number of threads.
    """
    if rows <= 1 or thread_count() == 1:
        for row in range(rows):
            task(row)
        return
    for future in [_threads().submit(task, row) for row in range(rows)]:
        future.result()


def _put(inputs: Inputs, slot: int, sampler: Sampler | float) -> None:
    kinds, values, params, tables, _ = inputs
    if isinstance(sampler, float) or sampler.atoms is None:
        kinds[slot] = fused.CONSTANT
        values[slot] = sampler if isinstance(sampler, float) else sampler.value
        return
    kinds[slot] = fused.TABLE if sampler.lognormal is None else fused.TABLE_LOGNORMAL
    tables[slot] = sampler.atoms
    if sampler.lognormal is not None:
        params[slot] = sampler.lognormal


def compile_inputs(plan: Plan, seed: int) -> Inputs:
    """Return a scenario's kernel inputs: slot kinds, constants, lognormal parameters, tables, stream states.

    The arrays are this thread's and are overwritten by its next call: use them before compiling another plan.
    """
    inputs: Inputs | None = getattr(_LOCAL, "inputs", None)
    if inputs is None:  # this thread's, reused scenario after scenario (a fresh 256 KB table costs page faults)
        inputs = _LOCAL.inputs = (
            np.zeros(fused.N_SLOTS, dtype=np.int64),
            np.zeros(fused.N_SLOTS),
            np.zeros((fused.N_SLOTS, 2)),
            np.empty((fused.N_SLOTS, K)),  # only the slots marked TABLE… are read
            np.zeros((fused.N_ROLES, 4), dtype=np.uint64),
        )
    for array in (inputs[0], inputs[1], inputs[2], inputs[4]):
        array.fill(0)
    kinds, states = inputs[0], inputs[4]
    for role, sampler in plan.frequency:
        _put(inputs, _FREQUENCY_SLOTS[role], sampler)
    _put(inputs, fused.SLOT_V, plan.vulnerability)
    _put(inputs, fused.SLOT_PRIMARY, plan.primary)
    if plan.secondary is not None:
        _put(inputs, fused.SLOT_SEC_P, plan.secondary[0])
        _put(inputs, fused.SLOT_SEC_LOSS, plan.secondary[1])
    roles = [Role.COUNT] + [fused.SLOT_ROLES[k] for k in range(fused.N_SLOTS) if kinds[k] >= fused.TABLE]
    if plan.secondary is not None:
        roles.append(Role.SECONDARY_HIT)
    words = entropy_words(seed, plan.scenario.key)
    fused.seeds().stream_states(words, np.array(roles, dtype=np.int64), states)
    return inputs


def simulate_scenario(scenario: Scenario, seed: int, semantics: str, chunk_years: int, out: np.ndarray) -> None:
    """Fill out with the annual losses of one scenario (compiled kernel, or the NumPy path without Numba)."""
    plan = compile_plan(scenario)
    if not fused.enabled():
        out[:] = simulate_plan(plan, seed, out.size, semantics, chunk_years)
        return
    fused.draws().simulate_row(*compile_inputs(plan, seed), semantics == "events", out, c_ndtri, c_pdtr)


def annual_losses(scenarios: Sequence[Scenario], seed: int, years: int, semantics: str, chunk_years: int) -> np.ndarray:
    """Return the annual losses of each scenario as rows of a (scenarios × years) array."""
    out = np.empty((len(scenarios), years))
    _on_cores(lambda r: simulate_scenario(scenarios[r], seed, semantics, chunk_years, out[r]), len(scenarios))
    return out


def _scratch(n: int) -> np.ndarray:
    """Return this thread's scratch row of at least n floats (reused: a fresh one per scenario costs page faults)."""
    row = getattr(_LOCAL, "row", None)
    if row is None or row.size < n:
        row = _LOCAL.row = np.empty(n)
    return row


def _rows(count: int, size: int, years: int) -> list[np.ndarray]:
    """Return count (size × years) row buffers, kept per calling thread for its next run (fresh pages cost faults)."""
    kept = getattr(_LOCAL, "rows", [])
    if len(kept) != count or kept[0].shape != (size, years):
        kept = [np.empty((size, years)) for _ in range(count)]
        _LOCAL.rows = kept if count * size * years * 8 <= 2 * WINDOW_BYTES else []
    return kept


@lru_cache(maxsize=16)
def _layout(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Return, for n years, the quantile positions h, their floor, the ranks to read (floors, then the next
    ranks up) and the first rank of the TVaR95 tail, as results.summarise computes them."""
    h = (n - 1) * np.asarray(QUANTILES)
    below = np.floor(h).astype(np.int64)
    ranks = np.concatenate([below, np.minimum(below + 1, n - 1)])
    return h, below, ranks, min(math.floor(0.95 * (n - 1)) + 1, n - 1)


def summary(key: str, annual: np.ndarray) -> ScenarioResult:
    """Return `results.summarise(key, annual)`, computed by the compiled kernels without sorting when available."""
    if not fused.enabled():
        return summarise(key, annual)
    kernels = fused.stats()
    n = annual.size
    h, below, ranks, tail_start = _layout(n)
    positive_values = _scratch(n)
    positive, smallest, largest, mean = kernels.positives(annual, positive_values)
    thresholds = lec_thresholds_between(smallest, largest) if positive else np.empty(0)
    bits = np.array([smallest if positive else 1.0, largest]).view(np.int64)
    values, tail, exceed, squares = kernels.order_stats(
        positive_values[:positive], bits[0], bits[1], n, mean, ranks, tail_start, thresholds, thresholds.view(np.int64)
    )
    sd = math.sqrt(squares / (n - 1)) if n > 1 else 0.0
    lower, upper = values[: below.size], values[below.size :]
    p10, p50, p90, p95, p99 = (lower + (h - below) * (upper - lower)).tolist()
    return ScenarioResult(
        key=key,
        years=n,
        mean=float(mean),
        mean_se=sd / math.sqrt(n),
        sd=sd,
        p_loss=positive / n,
        p10=p10,
        p50=p50,
        p90=p90,
        p95=p95,
        p99=p99,
        tvar95=float(tail / (n - tail_start)),
        lec=list(zip(thresholds.tolist(), (exceed / n).tolist(), strict=True)),
    )


def summarise_rows(keys: Sequence[str], annual: np.ndarray) -> list[ScenarioResult]:
    """Return the statistics of every row of `annual` (scenarios × years)."""
    out: list[ScenarioResult | None] = [None] * len(keys)

    def task(r: int) -> None:
        out[r] = summary(keys[r], annual[r])

    _on_cores(task, len(keys))
    return [r for r in out if r is not None]


def _scenario_task(scenario: Scenario, seed: int, semantics: str, chunk_years: int, row: np.ndarray) -> ScenarioResult:
    simulate_scenario(scenario, seed, semantics, chunk_years, row)
    return summary(scenario.key, row)


def run_groups(
    work: list[list[Scenario]],
    seed: int,
    years: int,
    semantics: str,
    chunk_years: int,
    progress: Callable[[int, int], None] | None,
) -> list[GroupOutput]:
    """Simulate and summarise every group on this process's threads; return each group's results and total.

    Every scenario is one task (simulated and summarised by one thread), so threads stay busy to the end of the
    run; a group's annual losses are summed in input order once all of its scenarios are done, and rows are
    reused through a window of a few groups. Results are identical whatever the number of threads.
    """
    if not work:
        return []
    pool = _threads() if thread_count() > 1 else None
    size = max(len(g) for g in work)
    window = min(len(work), max(2, WINDOW_BYTES // (size * years * 8)))
    buffers = _rows(window, size, years)
    pending: dict[int, list[Future[ScenarioResult]]] = {}

    def submit(g: int) -> None:
        rows = buffers[g % window]
        args = [(s, seed, semantics, chunk_years, rows[r]) for r, s in enumerate(work[g])]
        if pool is None:
            pending[g] = [_done(_scenario_task(*a)) for a in args]
        else:
            pending[g] = [pool.submit(_scenario_task, *a) for a in args]

    outputs: list[GroupOutput] = []
    total_scenarios, done = sum(len(g) for g in work), 0
    try:
        for g in range(window):
            submit(g)
        for g, group in enumerate(work):
            results = [f.result() for f in pending.pop(g)]
            group_total = np.zeros(years)
            for row in buffers[g % window][: len(group)]:  # in input order, as every executor does
                group_total += row
            outputs.append((results, group_total))
            if g + window < len(work):
                submit(g + window)
            done += len(group)
            if progress:
                progress(done, total_scenarios)
    finally:  # on an error, let tasks still running finish before their rows can be reused by another run
        wait([f for futures in pending.values() for f in futures])
    return outputs


def _done(result: ScenarioResult) -> Future[ScenarioResult]:
    future: Future[ScenarioResult] = Future()
    future.set_result(result)
    return future
