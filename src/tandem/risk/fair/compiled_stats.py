"""Numba kernels of the compiled path: the statistics of `results.summarise` without sorting whole rows.

Imported only through `fused.stats()`. Three passes, none sorting: `positives` compacts the positive years and
finds their range and the mean (zero-loss years are often most of a row and need no more work); `order_stats`
counts the positives in a histogram over their order-preserving bit patterns (at most 2^14 bins between the
smallest and largest), which locates every wanted order statistic, the TVaR cut and each LEC threshold in one
bin; a last pass gathers only those bins' values, which are then sorted bin by bin.
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np

_BINS = 1 << 14


def _njit(fn: Any) -> Any:
    return numba.njit(cache=True, nogil=True, error_model="numpy")(fn)


@_njit
def _or_inf(v: float) -> float:
    return v if v > 0.0 else math.inf


@_njit
def positives(x: np.ndarray, out: np.ndarray) -> tuple[int, float, float, float]:
    """out[:k] = the positive values of x in order; return (k, smallest positive, largest, mean of x)."""
    n = x.size
    k = 0
    lo, hi = math.inf, 0.0
    a0 = a1 = a2 = a3 = 0.0
    whole = n - n % 4
    for i in range(0, whole, 4):  # four running sums, as a pairwise sum would, keep the mean's rounding small
        v0, v1, v2, v3 = x[i], x[i + 1], x[i + 2], x[i + 3]
        a0 += v0
        a1 += v1
        a2 += v2
        a3 += v3
        out[k] = v0  # written always, kept only when positive: no branch on a coin flip
        k += v0 > 0.0
        out[k] = v1
        k += v1 > 0.0
        out[k] = v2
        k += v2 > 0.0
        out[k] = v3
        k += v3 > 0.0
        hi = max(hi, max(max(v0, v1), max(v2, v3)))
        lo = min(lo, min(min(_or_inf(v0), _or_inf(v1)), min(_or_inf(v2), _or_inf(v3))))
    for i in range(whole, n):
        v = x[i]
        a0 += v
        out[k] = v
        k += v > 0.0
        hi = max(hi, v)
        lo = min(lo, _or_inf(v))
    return k, lo, hi, ((a0 + a1) + (a2 + a3)) / n if n else 0.0


@_njit
def _heapsort(a: np.ndarray) -> None:
    """Sort a in place (O(n log n) whatever the input; small code, so quick to compile)."""
    n = a.size
    for top in range(n // 2 - 1, -1, -1):
        _sift(a, top, n)
    for end in range(n - 1, 0, -1):
        a[0], a[end] = a[end], a[0]
        _sift(a, np.int64(0), end)  # np.int64: a literal 0 would compile a second _sift


@_njit
def _sift(a: np.ndarray, root: int, end: int) -> None:
    while True:
        child = 2 * root + 1
        if child >= end:
            return
        if child + 1 < end and a[child] < a[child + 1]:
            child += 1
        if a[root] >= a[child]:
            return
        a[root], a[child] = a[child], a[root]
        root = child


@_njit
def _first_above(start: np.ndarray, rank: int) -> int:
    """Return the bin holding `rank`: the last b with start[b] <= rank (start is non-decreasing, start[0] = 0)."""
    lo, hi = 0, start.size - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if start[mid] <= rank:
            lo = mid
        else:
            hi = mid - 1
    return lo


@_njit
def order_stats(  # noqa: C901 - one compiled pass structure; splitting it costs calls per element
    x: np.ndarray,
    lo_bits: int,
    hi_bits: int,
    n: int,
    mean: float,
    full_ranks: np.ndarray,
    tail_start: int,
    thresholds: np.ndarray,
    threshold_bits: np.ndarray,
) -> tuple[np.ndarray, float, np.ndarray, float]:
    """Statistics of a row of n years whose positive values are x (any order) and the rest zeros.

    `*_bits` are float64 bit patterns (`.view(np.int64)`), which order positive values as the values do:
    lo_bits/hi_bits those of the smallest and largest positive, threshold_bits those of the thresholds.
    Return the values at `full_ranks` of the sorted row (0 = smallest), the sum of the values from rank
    `tail_start` on, the number of values >= each threshold and the sum of squared deviations from `mean`.
    """
    positive = x.size
    zeros = n - positive
    values = np.zeros(full_ranks.size)
    ranks = np.empty(full_ranks.size, dtype=np.int64)
    for i in range(full_ranks.size):  # ranks among the positives, zeros sorting first
        ranks[i] = min(max(full_ranks[i] - zeros, 0), max(positive - 1, 0))
    tail_rank = max(tail_start - zeros, 0)
    exceed = np.zeros(thresholds.size, dtype=np.int64)
    squares = zeros * mean * mean
    if positive == 0:
        return values, 0.0, exceed, squares
    span = hi_bits - lo_bits
    shift = 0
    while (span >> shift) >= _BINS:
        shift += 1
    nbins = (span >> shift) + 1
    bits = x.view(np.int64)
    start = np.zeros(nbins + 1, dtype=np.int64)
    for i in range(positive):
        start[((bits[i] - lo_bits) >> shift) + 1] += 1
    s0 = s1 = 0.0
    for i in range(0, positive - 1, 2):  # two running sums: half the wait on each addition
        d0, d1 = x[i] - mean, x[i + 1] - mean
        s0 += d0 * d0
        s1 += d1 * d1
    if positive % 2:
        d0 = x[positive - 1] - mean
        s0 += d0 * d0
    squares += s0 + s1
    for b in range(nbins):  # bin b now holds positive ranks start[b] .. start[b + 1] - 1
        start[b + 1] += start[b]
    wanted = np.zeros(nbins, dtype=np.bool_)
    rank_bins = np.empty(ranks.size, dtype=np.int64)
    for i in range(ranks.size):
        rank_bins[i] = _first_above(start, ranks[i])
        wanted[rank_bins[i]] = True
    tail_bin = _first_above(start, tail_rank) if tail_rank < positive else nbins
    if tail_bin < nbins:
        wanted[tail_bin] = True
    threshold_bins = np.empty(thresholds.size, dtype=np.int64)
    for m in range(thresholds.size):
        t = min(max(threshold_bits[m], lo_bits), hi_bits)
        threshold_bins[m] = (t - lo_bits) >> shift
        wanted[threshold_bins[m]] = True
    # Gather the wanted bins' values at their rank positions (a counting sort by bin), then sort each bin;
    # add up the values above the tail bin on the way.
    gathered = np.empty(positive)
    fill = start.copy()
    above = 0.0
    for i in range(positive):
        v = x[i]
        b = (bits[i] - lo_bits) >> shift
        above += v if b > tail_bin else 0.0
        if wanted[b]:
            gathered[fill[b]] = v
            fill[b] += 1
    for b in range(nbins):
        if wanted[b] and start[b + 1] - start[b] > 1:
            _heapsort(gathered[start[b] : start[b + 1]])
    for i in range(ranks.size):
        values[i] = gathered[ranks[i]] if full_ranks[i] >= zeros else 0.0
    tail = 0.0
    if tail_bin < nbins:
        for i in range(tail_rank, start[tail_bin + 1]):
            tail += gathered[i]
        tail += above
    for m in range(thresholds.size):
        b = threshold_bins[m]
        below = start[b]  # positives in bins below b, then those of bin b under the threshold
        while below < start[b + 1] and gathered[below] < thresholds[m]:
            below += 1
        exceed[m] = positive - below
    return values, tail, exceed, squares
