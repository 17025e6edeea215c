"""Pre-fill an assessment from another framework's results by following mapping chains (at most 3 hops).

Pure graph walk over (requirement, requirement, relationship) edges; the service loads the edges level by level.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

MAX_HOPS = 3
# Carrying a result over a mapping read as "here <relationship> there" (CISO Assistant's inference rules):
# not-applicable never carries; equal/equivalent/subset carry the result; superset/intersects at most partially.
FULL = frozenset({"equivalent-to", "equal-to", "subset-of"})
RANK = {"satisfied": 3, "partially": 2, "not-satisfied": 1}
INVERSE = {"subset-of": "superset-of", "superset-of": "subset-of"}

Edge = tuple[uuid.UUID, uuid.UUID, str]  # (source, target, relationship) as stored: source <rel> target


@dataclass(frozen=True, slots=True)
class Reached:
    """A result carried to a requirement, the path it came through (decided node first) and whether every hop
    was a full (equivalent/subset) one, which is what lets a chain go on."""

    value: str
    path: tuple[uuid.UUID, ...]
    full: bool

    def beats(self, other: Reached | None) -> bool:
        """Higher result first; on a tie a full chain, then a shorter one."""
        if other is None:
            return True
        mine, theirs = RANK.get(self.value, 0), RANK.get(other.value, 0)
        if mine != theirs:
            return mine > theirs
        if self.full != other.full:
            return self.full
        return len(self.path) < len(other.path)


def carry(
    decided: dict[uuid.UUID, str], edges_of: Callable[[list[uuid.UUID]], Iterable[Edge]]
) -> dict[uuid.UUID, Reached]:
    """Walk from the decided requirements over mappings; return the best result reaching each requirement.

    Hop 1 may use any relationship (superset/intersects give at most "partially"); a chain continues only from
    a node reached through equivalent/subset hops, for at most MAX_HOPS hops, never revisiting a node of its path.
    """
    best: dict[uuid.UUID, Reached] = {
        node: Reached(value, (node,), True) for node, value in decided.items() if value != "not-applicable"
    }
    frontier = list(best)
    for _ in range(MAX_HOPS):
        if not frontier:
            break
        changed: dict[uuid.UUID, Reached] = {}
        active = set(frontier)
        for source, target, rel in edges_of(frontier):
            for there, here, reading in ((target, source, rel), (source, target, INVERSE.get(rel, rel))):
                origin = best.get(there)
                if there not in active or origin is None or here in origin.path:
                    continue
                full = origin.full and reading in FULL
                value = origin.value if reading in FULL or origin.value == "not-satisfied" else "partially"
                candidate = Reached(value, (*origin.path, here), full)
                if here not in decided and candidate.beats(changed.get(here) or best.get(here)):
                    changed[here] = candidate
        best.update(changed)
        frontier = [node for node, reached in changed.items() if reached.full]
    return best
