"""Numba kernels of the compiled path: one scenario's annual losses, drawn exactly as the NumPy path draws them.

Imported only through `fused.draws()` (so importing the engine never imports Numba). See fused.py for the
stream design that makes these draws identical to kernel.py's.

Speed comes from the loop structure: each random role is drawn in its own tight loop over a chunk of years
(or of events), with that role's SFC64 state held in four local integers, so LLVM keeps it in registers and
a table draw costs a few nanoseconds. Nothing is called inside those loops: the rare lognormal top bin
(1 draw in 4,096) only records where it fell, and the exact tail value is written after the loop. Poisson
inversion runs over the chunk's stored uniforms, away from any generator state, and decides nearly every year
from bounds on exp(-rate) without calling exp (`_bracket`); the years it cannot decide take the exact path.
Events are laid out in year order (`_event_years`), so per-event work needs no branch on a year's count.
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np

from tandem.risk.fair import fused, poisson, sampling

# Numba's cache is keyed on this file alone, so every constant compiled into the kernels is written here and
# checked against the modules it mirrors: a change there fails the import until it is made here too.
ABSENT, CONSTANT, TABLE_LOGNORMAL = 0, 1, 3
SLOT_V, SLOT_PRIMARY, SLOT_SEC_P, SLOT_SEC_LOSS = 4, 5, 6, 7
_SLOT_ROLES = np.array((0, 1, 2, 3, 4, 6, 7, 9), dtype=np.int64)
ROLE_COUNT, ROLE_SECONDARY_HIT = 5, 8
K_BITS = 12
K = 1 << K_BITS
HIGH_RATE = 50.0
assert (ABSENT, CONSTANT, TABLE_LOGNORMAL) == (fused.ABSENT, fused.CONSTANT, fused.TABLE_LOGNORMAL)
assert (SLOT_V, SLOT_PRIMARY, SLOT_SEC_P, SLOT_SEC_LOSS) == (
    fused.SLOT_V,
    fused.SLOT_PRIMARY,
    fused.SLOT_SEC_P,
    fused.SLOT_SEC_LOSS,
)
assert tuple(_SLOT_ROLES) == fused.SLOT_ROLES
assert (ROLE_COUNT, ROLE_SECONDARY_HIT) == (fused.ROLE_COUNT, fused.ROLE_SECONDARY_HIT)
assert (K_BITS, HIGH_RATE) == (sampling.K_BITS, poisson.HIGH_RATE)

CHUNK = 2048  # years per pass: every per-year buffer stays in L1/L2 cache
_SHIFT = np.uint64(64 - K_BITS)
_LOW_MASK = np.uint64((1 << (64 - K_BITS)) - 1)
_TOP = np.uint64(K - 1)
TAIL_STEP = 2.0 ** -(64 - K_BITS)
_DOUBLE = 1.0 / 9007199254740992.0  # 2**-53, NumPy's random() from the top 53 bits
_U11, _U3, _U24, _U40, _ONE = np.uint64(11), np.uint64(3), np.uint64(24), np.uint64(40), np.uint64(1)
assert TAIL_STEP == sampling.TAIL_STEP


def _njit(fn: Any) -> Any:
    return numba.njit(cache=True, nogil=True, error_model="numpy")(fn)


@_njit
def _fill_table(state, table, lognormal, mu, sigma, dst, n, tail_at, tail_raw, ndtri):
    """dst[:n] = n table draws from one SFC64 state (NumPy's step), the lognormal top bin drawn exactly."""
    a, b, c, w = state[0], state[1], state[2], state[3]
    tails = 0
    for i in range(n):
        word = a + b + w
        w += _ONE
        a = b ^ (b >> _U11)
        b = c + (c << _U3)
        c = ((c << _U24) | (c >> _U40)) + word
        index = word >> _SHIFT
        dst[i] = table[index]
        if index == _TOP:
            tail_at[tails] = i
            tail_raw[tails] = word
            tails += 1
    state[0], state[1], state[2], state[3] = a, b, c, w
    if lognormal:  # as sampling.lognormal_tail: upper-tail probability from the remaining bits
        for t in range(tails):
            tail = (float(tail_raw[t] & _LOW_MASK) + 0.5) * TAIL_STEP
            dst[tail_at[t]] = math.exp(mu - sigma * ndtri((1.0 - tail) / K, 0))


@_njit
def _fill_uniform(state, dst, n):
    """dst[:n] = n uniforms in [0, 1) as NumPy's Generator.random() makes them from SFC64 words."""
    a, b, c, w = state[0], state[1], state[2], state[3]
    for i in range(n):
        word = a + b + w
        w += _ONE
        a = b ^ (b >> _U11)
        b = c + (c << _U3)
        c = ((c << _U24) | (c >> _U40)) + word
        dst[i] = float(word >> _U11) * _DOUBLE
    state[0], state[1], state[2], state[3] = a, b, c, w


@_njit
def _hits(state, year, p, events, hit_at):
    """Draw one uniform per event in event order; hit_at[:h] = the events with uniform < p[their year]; return h."""
    a, b, c, w = state[0], state[1], state[2], state[3]
    hits = 0
    for e in range(events):
        word = a + b + w
        w += _ONE
        a = b ^ (b >> _U11)
        b = c + (c << _U3)
        c = ((c << _U24) | (c >> _U40)) + word
        hit_at[hits] = e  # written always, kept only on a hit: no branch on a coin flip
        hits += float(word >> _U11) * _DOUBLE < p[year[e]]
    state[0], state[1], state[2], state[3] = a, b, c, w
    return hits


@_njit
def _draw(plan, slot, dst, n, tails, ndtri):
    """dst[:n] = n draws of a slot of plan = (kinds, values, params, tables, states): a constant, or table draws."""
    kinds, values, params, tables, states = plan
    if kinds[slot] == CONSTANT:
        value = values[slot]
        for i in range(n):
            dst[i] = value
        return
    lognormal = kinds[slot] == TABLE_LOGNORMAL
    mu, sigma = params[slot, 0], params[slot, 1]
    _fill_table(states[_SLOT_ROLES[slot]], tables[slot], lognormal, mu, sigma, dst, n, tails[0], tails[1], ndtri)


@_njit
def _search_from_guess(rate, u, ndtri, pdtr):
    """poisson._search_from_guess for one year."""
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


@_njit
def _poisson_tail(rate, u, term, cdf, ndtri, pdtr):
    """Carry the inversion of one year on from count 4 (term and cdf at k = 3), as poisson.py does."""
    if rate > HIGH_RATE:
        return _search_from_guess(rate, u, ndtri, pdtr)
    count = 4
    k = 3
    while True:
        for _ in range(4):
            k += 1
            term *= rate * (1.0 / k)
            cdf += term
            if u >= cdf:
                count += 1
        if not (u >= cdf and (term > cdf * 1e-16 or k < rate)):
            return count


@_njit
def _dense(r, v):
    """Return the count (0..4, 4 meaning "more than 3"), term and cdf at k = 3 of one year, as poisson.py does."""
    term = math.exp(-r)
    cdf = term
    c = np.int64(v >= cdf)
    term *= r * 1.0
    cdf += term
    c += v >= cdf
    term *= r * 0.5
    cdf += term
    c += v >= cdf
    term *= r * (1.0 / 3.0)
    cdf += term
    c += v >= cdf
    return c, term, cdf


@_njit
def _bracket(rate, u, counts, sure, n):
    """counts[j] = the Poisson count of year j where bounds on exp(-rate) decide it (sure[j]), without exp.

    For x = rate/16, S = 1 - x + x²/2 - … - x⁵/120 <= exp(-x) <= S + x⁶/720 (Taylor, any x >= 0), so S¹⁶ and
    (S + x⁶/720)¹⁶ bracket exp(-rate) (S > 0 for rate <= 16) and times P_k = Σ_{i<=k} rate^i/i! they bracket the
    cdf at k. Where u lies clear of every bracket up to k = 7 (a margin of 1e-12 covers all rounding, of
    these bounds and of the exact computation), the count is the number of cdf values at or below u, which
    is what the exact inversion finds. Branch-free, so the loop vectorises.
    """
    margin = 1e-12
    for j in range(n):
        r = rate[j]
        v = u[j]
        x = r * (1.0 / 16.0)
        low = 1.0 + x * (-1.0 + x * (0.5 + x * (-1.0 / 6.0 + x * (1.0 / 24.0 + x * (-1.0 / 120.0)))))
        x3 = x * x * x
        high = low + x3 * x3 * (1.0 / 720.0)
        for _ in range(4):
            low *= low
            high *= high
        term = 1.0
        cdf = 1.0
        below = np.int64(v >= high + margin)  # cdf values surely at or below u
        maybe = np.int64(v >= low - margin)  # cdf values perhaps at or below u
        for k in range(1, 8):
            term *= r * (1.0 / k)
            cdf += term
            below += v >= high * cdf + margin
            maybe += v >= low * cdf - margin
        counts[j] = below
        sure[j] = (below == maybe) & (below < 8) & (r <= 16.0)


@_njit
def _poisson(rate, u, counts, n, rest, rest_term, rest_cdf, sure, ndtri, pdtr):
    """counts[:n] = Poisson(rate) counts inverted from u as poisson.poisson_from_uniform does; return their sum.

    `_bracket` decides nearly every year without `exp`. The others take the exact path: counts 0..3 without
    branches (a data-dependent loop exit mispredicts about once a year), then the scalar loop for the few
    years beyond.
    """
    _bracket(rate, u, counts, sure, n)
    unsure = 0
    for j in range(n):
        rest[unsure] = j
        unsure += not sure[j]
    more = 0
    for i in range(unsure):
        j = rest[i]
        c, term, cdf = _dense(rate[j], u[j])
        counts[j] = c
        rest[more] = j  # rest[:i] is no longer needed: reuse it for the years beyond 3 events
        rest_term[more] = term
        rest_cdf[more] = cdf
        more += c > 3
    for i in range(more):
        j = rest[i]
        counts[j] = _poisson_tail(rate[j], u[j], rest_term[i], rest_cdf[i], ndtri, pdtr)
    total = 0
    for j in range(n):
        total += counts[j]
    return total


@_njit
def _lef(plan, rate, scratch, n, tails, ndtri):
    """rate[:n] = the loss event frequency of n years: frequency factors multiplied in slot order, times V."""
    kinds, values = plan[0], plan[1]
    for i in range(n):
        rate[i] = 1.0
    for slot in range(SLOT_V + 1):
        if kinds[slot] == ABSENT:
            continue
        if kinds[slot] == CONSTANT:
            factor = values[slot]
            for i in range(n):
                rate[i] *= factor
        else:
            _draw(plan, slot, scratch, n, tails, ndtri)
            for i in range(n):
                rate[i] *= scratch[i]


@_njit
def _event_years(counts, n, year):
    """year[e] = the year of event e (events in year order); year needs 4 slots of room past the last event.

    Each year writes its number into the 4 slots from its first event on, whatever its count: the next year
    starts writing where this year's events end, so every slot keeps the year of the event it holds. Only
    years with more than 4 events need a loop (a branch on every count would mispredict most years).
    """
    e = 0
    for j in range(n):
        c = counts[j]
        year[e] = j
        year[e + 1] = j
        year[e + 2] = j
        year[e + 3] = j
        if c > 4:
            for i in range(e + 4, e + c):
                year[i] = j
        e += c


@_njit
def _year_sums(year, losses, events, row):
    """row[j] = the sum of year j's event losses, added in event order from 0.0 as np.bincount adds them."""
    row[:] = 0.0
    for e in range(events):
        row[year[e]] += losses[e]


@_njit
def _product(plan, rate, scratch, p, row, n, tails, ndtri):
    """row[:n] = LEF × (PL + SLEF × SLM) per year (product semantics), rate holding each year's LEF."""
    _draw(plan, np.int64(SLOT_PRIMARY), row, n, tails, ndtri)  # np.int64: a literal would compile another _draw
    if plan[0][SLOT_SEC_P] == ABSENT:
        for j in range(n):
            row[j] = rate[j] * row[j]
        return
    _draw(plan, np.int64(SLOT_SEC_P), p, n, tails, ndtri)
    _draw(plan, np.int64(SLOT_SEC_LOSS), scratch, n, tails, ndtri)
    for j in range(n):
        row[j] = rate[j] * (row[j] + p[j] * scratch[j])


@_njit
def simulate_row(kinds, values, params, tables, states, events, out, ndtri, pdtr):
    """Fill out with one scenario's annual losses; its role streams start at states (N_ROLES × 4) and advance.

    `kinds`, `values`, `params`, `tables` describe the scenario's N_SLOTS samplers (batch.compile_inputs);
    `ndtri` and `pdtr` are special.c_ndtri / c_pdtr, passed as arguments so the compiled code can be cached.
    """
    plan = (kinds, values, params, tables, states)
    secondary = kinds[SLOT_SEC_P] != ABSENT
    rate, scratch, p = np.empty(CHUNK), np.empty(CHUNK), np.empty(CHUNK)
    rest_term, rest_cdf = np.empty(CHUNK), np.empty(CHUNK)
    counts, sure = np.zeros(CHUNK, dtype=np.int64), np.zeros(CHUNK, dtype=np.bool_)
    capacity = 4 * CHUNK
    primary, loss2 = np.empty(capacity), np.empty(capacity)
    year, hit_at = np.empty(capacity + 4, dtype=np.int64), np.empty(capacity + 1, dtype=np.int64)
    tails = (np.empty(capacity, dtype=np.int64), np.empty(capacity, dtype=np.uint64))
    for start in range(0, out.size, CHUNK):
        n = min(CHUNK, out.size - start)
        row = out[start : start + n]
        _lef(plan, rate, scratch, n, tails, ndtri)
        if not events:
            _product(plan, rate, scratch, p, row, n, tails, ndtri)
            continue
        _fill_uniform(states[ROLE_COUNT], scratch, n)
        total = _poisson(rate, scratch, counts, n, tails[0], rest_term, rest_cdf, sure, ndtri, pdtr)
        if total > capacity:
            capacity = max(total, 2 * capacity)
            primary, loss2 = np.empty(capacity), np.empty(capacity)
            year, hit_at = np.empty(capacity + 4, dtype=np.int64), np.empty(capacity + 1, dtype=np.int64)
            tails = (np.empty(capacity, dtype=np.int64), np.empty(capacity, dtype=np.uint64))
        _event_years(counts, n, year)
        _draw(plan, np.int64(SLOT_PRIMARY), primary, total, tails, ndtri)
        if secondary:
            _draw(plan, np.int64(SLOT_SEC_P), p, n, tails, ndtri)
            hits = _hits(states[ROLE_SECONDARY_HIT], year, p, total, hit_at)
            _draw(plan, np.int64(SLOT_SEC_LOSS), loss2, hits, tails, ndtri)
            for i in range(hits):  # a secondary loss joins its event's primary loss, as kernel.event_losses adds it
                primary[hit_at[i]] += loss2[i]
        _year_sums(year, primary, total, row)
