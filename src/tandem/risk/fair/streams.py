"""Random streams: one per (scenario key, role) from the root seed, so results never depend on layout.

Keying by a stable hash of the scenario key (not by position) means adding, removing or reordering scenarios,
chunking the years, or spreading scenarios over workers leaves every scenario's draws unchanged, and a
what-if reuses exactly its baseline's numbers (common random numbers). Each role (TEF, counts, primary
loss, …) has its own stream, so drawing years in chunks gives the same numbers as drawing them at once.
"""

from __future__ import annotations

import hashlib
from enum import IntEnum

import numpy as np


class Role(IntEnum):
    """What a stream is used for; the value is part of the stream's spawn key, so never renumber."""

    LEF = 0
    TEF = 1
    CONTACT_FREQUENCY = 2
    PROBABILITY_OF_ACTION = 3
    VULNERABILITY = 4
    COUNT = 5
    PRIMARY_LOSS = 6
    SECONDARY_PROBABILITY = 7
    SECONDARY_HIT = 8
    SECONDARY_LOSS = 9
    EXCESS_PRIMARY_LOSS = 16  # extra events of a what-if whose treatment raises frequency
    EXCESS_SECONDARY_HIT = 17
    EXCESS_SECONDARY_LOSS = 18
    EXTRA_SECONDARY_LOSS = 19  # baseline events that become secondary events under a what-if


def key_hash(key: str) -> int:
    """Return a stable 63-bit number for a scenario key (Python's hash() changes between processes)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") >> 1


def _uint32_words(n: int) -> list[int]:
    words = [n & 0xFFFFFFFF]
    n >>= 32
    while n:
        words.append(n & 0xFFFFFFFF)
        n >>= 32
    return words


def entropy_words(seed: int, key: str) -> np.ndarray:
    """Return the uint32 words SeedSequence(seed, spawn_key=(key_hash(key), role)) mixes, but the role's.

    As NumPy assembles them: the seed's words, zero-padded to the pool size (4) because a spawn key is given,
    then the key hash's words. The compiled path seeds its streams from these (compiled_seeds.stream_states).
    """
    run = _uint32_words(seed)
    return np.array(run + [0] * (4 - len(run)) + _uint32_words(key_hash(key)), dtype=np.uint64)


class Streams:
    """Lazily created generators of one scenario, one per role."""

    def __init__(self, seed: int, key: str) -> None:
        self._seed = seed
        self._key = key_hash(key)
        self._generators: dict[Role, np.random.Generator] = {}

    def __call__(self, role: Role) -> np.random.Generator:
        """Return the generator of `role`, continuing where its previous draws stopped."""
        rng = self._generators.get(role)
        if rng is None:
            sequence = np.random.SeedSequence(self._seed, spawn_key=(self._key, int(role)))
            rng = self._generators[role] = np.random.Generator(np.random.SFC64(sequence))
        return rng
