"""The compiled fast path (optional, needs Numba): one fused pass per scenario, parallel over scenarios.

The kernels release the GIL (nogil) and batch.py runs them on one thread per core, scenario by scenario
(no OpenMP/TBB layer: those are unsafe with fork-based process pools and with callers' own threads).

Stream design. The fused kernel draws *the very same numbers* as the NumPy path (kernel.py): every scenario
has one SFC64 stream per role (LEF, TEF, …, COUNT, PRIMARY_LOSS, SECONDARY_HIT, SECONDARY_LOSS), seeded
from (root seed, hash of the scenario key, role) by `streams.Streams`; the kernel starts from those
generators' states and reimplements SFC64's step and NumPy's `random()` (top 53 bits) bit for bit. Within a
role the words are consumed in year order and, for per-event roles, in event order, exactly as the NumPy path
consumes them chunk after chunk, so:

- a scenario's annual losses depend only on (seed, key, inputs), never on chunking, the other scenarios, the
  executor or the number of threads (each scenario is simulated by one thread, start to finish);
- the NumPy path and this one produce the same draws. Their annual losses agree bit for bit, except that a
  Poisson count could differ where the uniform falls within one rounding error of a cdf value (probability
  ~1e-16 per year) if NumPy's vectorised `exp` and the C library's `exp` round differently. Per-year sums add
  the same terms in the same order in both paths.

Nothing per event is materialised: per year the kernel draws the frequency factors, the Poisson count (one
uniform, inverted), then each event's primary loss and, with probability SLEF, its secondary loss, and adds
them up. Draws are table lookups (sampling.py); `exp`/`ndtri` are needed only for the lognormal top bin
(1 draw in 4,096) and Poisson's P(N = 0) per year.

`summary_stats` computes the statistics of `results.summarise` without sorting: a histogram over the
order-preserving bit patterns of the positive losses locates the order statistics, and only the few bins
holding a wanted quantile, the TVaR cut or an LEC threshold are gathered and sorted.

Status: correct (bit-identical to the NumPy path on the test scenarios) but not yet fast: a table draw costs
~25-30 ns instead of ~3 ns because the rarely taken lognormal-tail call inside `_draw` makes LLVM keep the
SFC64 states in memory. Next step: hold each role's state in local scalars (functions returning
(value, new state) tuples, fully inlined) and move the tail out of the hot loop.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from tandem.risk.fair.poisson import HIGH_RATE
from tandem.risk.fair.sampling import K_BITS, TAIL_STEP, K

try:  # Numba is optional: without it every caller falls back to the NumPy path (same statistics).
    import numba
except ImportError:  # pragma: no cover - exercised only where numba is not installed
    numba = None  # type: ignore[assignment, unused-ignore]  # needed only where numba is installed

AVAILABLE = numba is not None
# Opt-in for now: measured slower than the NumPy path (a rarely taken call in the per-draw path keeps LLVM from
# holding the generator states in registers; see the module notes). Set TANDEM_FAIR_NUMBA=1 to use it.
_ENABLED = os.environ.get("TANDEM_FAIR_NUMBA", "0") == "1"

# Sampler slots of a compiled plan, and the stream role (streams.Role) each slot draws from.
SLOT_LEF, SLOT_TEF, SLOT_CF, SLOT_POA, SLOT_V, SLOT_PRIMARY, SLOT_SEC_P, SLOT_SEC_LOSS = range(8)
N_SLOTS = 8
SLOT_ROLES = (0, 1, 2, 3, 4, 6, 7, 9)
ROLE_COUNT, ROLE_SECONDARY_HIT = 5, 8
N_ROLES = 10
# Slot kinds.
ABSENT, CONSTANT, TABLE, TABLE_LOGNORMAL = 0, 1, 2, 3


def enabled() -> bool:
    """Tell whether the compiled path is used (Numba installed and TANDEM_FAIR_NUMBA=1)."""
    return AVAILABLE and _ENABLED


def _njit(**options: Any) -> Any:
    def wrap(fn: Any) -> Any:
        if numba is None:  # pragma: no cover
            return fn
        return numba.njit(cache=True, nogil=True, error_model="numpy", **options)(fn)

    return wrap


_SHIFT = np.uint64(64 - K_BITS)
_LOW_MASK = np.uint64((1 << (64 - K_BITS)) - 1)
_DOUBLE = 1.0 / 9007199254740992.0  # 2**-53, NumPy's random() from the top 53 bits
_U11, _U3, _U24, _U40, _ONE = np.uint64(11), np.uint64(3), np.uint64(24), np.uint64(40), np.uint64(1)
_K_TOP = K - 1


@_njit()
def _next(state: np.ndarray, role: int) -> np.uint64:
    """Advance SFC64 (NumPy's algorithm: a, b, c, counter) and return the next 64-bit word."""
    a, b, c, w = state[role, 0], state[role, 1], state[role, 2], state[role, 3]
    tmp = a + b + w
    state[role, 3] = w + _ONE
    state[role, 0] = b ^ (b >> _U11)
    state[role, 1] = c + (c << _U3)
    state[role, 2] = ((c << _U24) | (c >> _U40)) + tmp
    return tmp


@_njit()
def _uniform(state: np.ndarray, role: int) -> float:
    return float(_next(state, role) >> _U11) * _DOUBLE


@_njit()
def _draw(kinds, values, params, tables, state, slot, ndtri):
    kind = kinds[slot]
    if kind == CONSTANT:
        return values[slot]
    raw = _next(state, SLOT_ROLES[slot])
    index = np.int64(raw >> _SHIFT)
    x = tables[slot, index]
    if kind == TABLE_LOGNORMAL and index == _K_TOP:
        tail = (float(raw & _LOW_MASK) + 0.5) * TAIL_STEP
        x = math.exp(params[slot, 0] - params[slot, 1] * ndtri((1.0 - tail) / K, 0))
    return x


@_njit()
def _bits(v: float) -> np.int64:
    """Return the bit pattern of a positive float64: it orders like the value."""
    box = np.empty(1)
    box[0] = v
    return box.view(np.int64)[0]


@_njit()
def _poisson(rate: float, u: float, ndtri: Any, pdtr: Any) -> int:
    """Invert one uniform into a Poisson count exactly as poisson.poisson_from_uniform does."""
    term = math.exp(-rate)
    cdf = term
    count = 1 if u >= cdf else 0
    for k in range(1, 4):
        term *= rate
        term /= k
        cdf += term
        if u >= cdf:
            count += 1
    if count <= 3:
        return count
    if rate > HIGH_RATE:
        return _search_from_guess(rate, u, ndtri, pdtr)
    k = 3
    while True:
        for _ in range(4):
            k += 1
            term *= rate
            term /= k
            cdf += term
            if u >= cdf:
                count += 1
        if not (u >= cdf and (term > cdf * 1e-16 or k < rate)):
            return count


@_njit()
def _search_from_guess(rate: float, u: float, ndtri: Any, pdtr: Any) -> int:
    z = ndtri(u, 0)
    k = max(math.floor(rate + math.sqrt(rate) * z + (z * z - 1.0) / 6.0 + 0.5), 0.0)
    for _ in range(64):
        up = pdtr(k, rate, 0) <= u
        down = (not up) and k > 0 and pdtr(k - 1.0, rate, 0) > u
        if not (up or down):
            break
        if up:
            k += 1.0
        if down:
            k -= 1.0
    return int(k)


@_njit()
def _frequency(kinds, values, params, tables, state, ndtri):
    rate = 1.0
    for slot in range(4):
        if kinds[slot] != ABSENT:
            rate *= _draw(kinds, values, params, tables, state, slot, ndtri)
    return rate * _draw(kinds, values, params, tables, state, SLOT_V, ndtri)


@_njit()
def simulate_group(
    kinds: np.ndarray,
    values: np.ndarray,
    params: np.ndarray,
    tables: np.ndarray,
    states: np.ndarray,
    events: bool,
    out: np.ndarray,
    ndtri: Any,
    pdtr: Any,
) -> None:
    """Fill out[s, :] with the annual losses of scenario s (its streams start at states[s]).

    `ndtri` and `pdtr` are special.c_ndtri / c_pdtr, passed as arguments so the compiled code can be cached.
    """
    for s in range(out.shape[0]):
        kd, vl, pr, tb = kinds[s], values[s], params[s], tables[s]
        state = states[s].copy()
        secondary = kd[SLOT_SEC_P] != ABSENT
        row = out[s]
        for j in range(row.shape[0]):
            lef = _frequency(kd, vl, pr, tb, state, ndtri)
            if events:
                count = _poisson(lef, _uniform(state, ROLE_COUNT), ndtri, pdtr)
                p = _draw(kd, vl, pr, tb, state, SLOT_SEC_P, ndtri) if secondary else 0.0
                acc = 0.0
                for _ in range(count):
                    loss = _draw(kd, vl, pr, tb, state, SLOT_PRIMARY, ndtri)
                    if secondary and _uniform(state, ROLE_SECONDARY_HIT) < p:
                        loss += _draw(kd, vl, pr, tb, state, SLOT_SEC_LOSS, ndtri)
                    acc += loss
                row[j] = acc
            else:
                magnitude = _draw(kd, vl, pr, tb, state, SLOT_PRIMARY, ndtri)
                if secondary:
                    p = _draw(kd, vl, pr, tb, state, SLOT_SEC_P, ndtri)
                    magnitude = magnitude + p * _draw(kd, vl, pr, tb, state, SLOT_SEC_LOSS, ndtri)
                row[j] = lef * magnitude


# ----------------------------------------------------------------------------------------------------------
# Statistics without sorting.

_BINS = 1 << 14


@_njit()
def _moments(x: np.ndarray) -> tuple[int, float, float, float, float]:
    """Return (positive count, smallest positive, largest, mean, sd with ddof=1)."""
    n = x.size
    positive = 0
    lo, hi = math.inf, 0.0
    acc = np.zeros(8)
    for i in range(n):
        v = x[i]
        acc[i & 7] += v
        if v > 0.0:
            positive += 1
            lo = min(lo, v)
            hi = max(hi, v)
    mean = acc.sum() / n
    for i in range(8):
        acc[i] = 0.0
    for i in range(n):
        d = x[i] - mean
        acc[i & 7] += d * d
    sd = math.sqrt(acc.sum() / (n - 1)) if n > 1 else 0.0
    return positive, lo, hi, mean, sd


@_njit()
def moments_group(annual: np.ndarray, out: np.ndarray) -> None:
    """out[s] = (positive count, smallest positive, largest, mean, sd) of annual[s]."""
    for s in range(annual.shape[0]):
        positive, lo, hi, mean, sd = _moments(annual[s])
        out[s, 0], out[s, 1], out[s, 2], out[s, 3], out[s, 4] = positive, lo, hi, mean, sd


@_njit()
def _order_stats(  # noqa: C901 - one compiled pass structure; splitting it costs calls per element
    x: np.ndarray, positive: int, lo: float, hi: float, ranks: np.ndarray, tail_rank: int, thresholds: np.ndarray
) -> tuple[np.ndarray, float, np.ndarray]:
    """Return the values at positive ranks `ranks`, the sum of positives from rank tail_rank on, and the number
    of positives >= each threshold. Ranks count positives only, from 0 (all in range)."""
    values = np.zeros(ranks.size)
    exceed = np.zeros(thresholds.size, dtype=np.int64)
    if positive == 0:
        return values, 0.0, exceed
    lo_bits = _bits(lo)
    span = _bits(hi) - lo_bits
    shift = 0
    while (span >> shift) >= _BINS:
        shift += 1
    nbins = (span >> shift) + 1
    bits = x.view(np.int64)
    counts = np.zeros(nbins + 1, dtype=np.int64)
    sums = np.zeros(nbins)
    for i in range(x.size):
        v = x[i]
        if v > 0.0:
            b = (bits[i] - lo_bits) >> shift
            counts[b + 1] += 1
            sums[b] += v
    start = np.cumsum(counts)  # bin b holds positive ranks start[b] .. start[b + 1] - 1
    wanted = np.zeros(nbins, dtype=np.bool_)
    rank_bins = np.searchsorted(start, ranks, side="right") - 1
    tail_bin = np.searchsorted(start, tail_rank, side="right") - 1 if tail_rank < positive else nbins
    threshold_bins = np.empty(thresholds.size, dtype=np.int64)
    for m in range(thresholds.size):
        t = min(max(thresholds[m], lo), hi)
        threshold_bins[m] = (_bits(t) - lo_bits) >> shift
        wanted[threshold_bins[m]] = True
    for b in rank_bins:
        wanted[b] = True
    if tail_bin < nbins:
        wanted[tail_bin] = True
    # Gather the wanted bins' values at their rank positions (a counting sort by bin), then sort each bin.
    gathered = np.empty(positive)
    fill = start.copy()
    for i in range(x.size):
        v = x[i]
        if v > 0.0:
            b = (bits[i] - lo_bits) >> shift
            if wanted[b]:
                gathered[fill[b]] = v
                fill[b] += 1
    for b in range(nbins):
        if wanted[b] and start[b + 1] - start[b] > 1:
            gathered[start[b] : start[b + 1]] = np.sort(gathered[start[b] : start[b + 1]])
    for i in range(ranks.size):
        values[i] = gathered[ranks[i]]
    tail = 0.0
    if tail_bin < nbins:
        for i in range(tail_rank, start[tail_bin + 1]):
            tail += gathered[i]
        for b in range(tail_bin + 1, nbins):
            tail += sums[b]
    for m in range(thresholds.size):
        b = threshold_bins[m]
        segment = gathered[start[b] : start[b + 1]]
        exceed[m] = positive - start[b + 1] + segment.size - np.searchsorted(segment, thresholds[m], side="left")
    return values, tail, exceed


@_njit()
def order_stats_group(annual, moments, ranks, tail_ranks, thresholds, n_thresholds, values, tails, exceed) -> None:
    """Per scenario s: order statistics at ranks[s], tail sums and LEC exceedance counts (see _order_stats)."""
    for s in range(annual.shape[0]):
        v, t, e = _order_stats(
            annual[s],
            int(moments[s, 0]),
            moments[s, 1],
            moments[s, 2],
            ranks[s],
            tail_ranks[s],
            thresholds[s, : n_thresholds[s]],
        )
        values[s] = v
        tails[s] = t
        exceed[s, : n_thresholds[s]] = e
