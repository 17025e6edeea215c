"""Numba kernel of the compiled path: the starting states of a scenario's random streams, as NumPy makes them.

Imported only through `fused.seeds()`. NumPy's SeedSequence (pool of 4 uint32 words) and SFC64 seeding,
reimplemented so that a stream's starting state costs well under a microsecond instead of ~20 µs of
SeedSequence and Generator objects per role (tests compare it with NumPy's own).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np


def _njit(fn: Any) -> Any:
    return numba.njit(cache=True, nogil=True, error_model="numpy")(fn)


_U3, _U11, _U24, _U40, _ONE = np.uint64(3), np.uint64(11), np.uint64(24), np.uint64(40), np.uint64(1)
_M32 = np.uint64(0xFFFFFFFF)
_INIT_A, _MULT_A = np.uint64(0x43B0D7E5), np.uint64(0x931E8875)
_INIT_B, _MULT_B = np.uint64(0x8B51F9DD), np.uint64(0x58F38DED)
_MIX_L, _MIX_R, _U16, _U32 = np.uint64(0xCA01F9DD), np.uint64(0x4973F715), np.uint64(16), np.uint64(32)


@_njit
def _hashmix(value, h):
    value = (value ^ h) & _M32
    h = (h * _MULT_A) & _M32
    value = (value * h) & _M32
    return value ^ (value >> _U16), h


@_njit
def _mix(x, y):
    result = (_MIX_L * x - _MIX_R * y) & _M32
    return result ^ (result >> _U16)


@_njit
def stream_states(words, roles, states):
    """states[role] = the (a, b, c, counter) of SFC64(SeedSequence(entropy)) for every role in roles.

    `words` are the uint32 words SeedSequence assembles from the root seed (padded to the pool size) and the
    scenario key's hash; the role is the last word of the spawn key (streams.Streams).
    """
    n = words.size + 1
    entropy = np.empty(n, dtype=np.uint64)
    entropy[: n - 1] = words
    pool = np.empty(4, dtype=np.uint64)
    half = np.empty(6, dtype=np.uint64)
    for role in roles:
        entropy[n - 1] = np.uint64(role)
        h = _INIT_A
        for i in range(4):
            pool[i], h = _hashmix(entropy[i] if i < n else np.uint64(0), h)
        for src in range(4):
            for dst in range(4):
                if src != dst:
                    value, h = _hashmix(pool[src], h)
                    pool[dst] = _mix(pool[dst], value)
        for src in range(4, n):
            for dst in range(4):
                value, h = _hashmix(entropy[src], h)
                pool[dst] = _mix(pool[dst], value)
        h = _INIT_B
        for i in range(6):  # generate_state(3, np.uint64): six uint32 words, paired little-endian
            value = pool[i % 4] ^ h
            h = (h * _MULT_B) & _M32
            value = (value * h) & _M32
            half[i] = value ^ (value >> _U16)
        a, b, c, w = half[0] | (half[1] << _U32), half[2] | (half[3] << _U32), half[4] | (half[5] << _U32), _ONE
        for _ in range(12):  # SFC64's seeding rounds
            word = a + b + w
            w += _ONE
            a = b ^ (b >> _U11)
            b = c + (c << _U3)
            c = ((c << _U24) | (c >> _U40)) + word
        states[role, 0], states[role, 1], states[role, 2], states[role, 3] = a, b, c, w
