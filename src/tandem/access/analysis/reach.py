"""Who can reach a data store: entitlements linked to it, the groups that include them, the accounts holding those."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from tandem.access.analysis.engine import IntArray


@dataclass(frozen=True)
class Reach:
    """An account reaches a store through a held entitlement and a path of included entitlements."""

    account: int
    held: int
    path: tuple[int, ...]  # held → … → the entitlement linked to the store
    access: str


class ReachIndex:
    """Assignments sorted by entitlement plus the reverse include graph, for fast reach queries."""

    def __init__(
        self, asg_account: IntArray, asg_entitlement: IntArray, inc_child: IntArray, inc_parent: IntArray
    ) -> None:
        order = np.argsort(asg_entitlement, kind="stable")
        self.ent_sorted = asg_entitlement[order]
        self.acc_sorted = asg_account[order]
        self.children: dict[int, list[int]] = {}
        for child, parent in zip(inc_child.tolist(), inc_parent.tolist(), strict=True):
            self.children.setdefault(parent, []).append(child)

    def holders(self, entitlement: int) -> IntArray:
        """Return the accounts holding an entitlement directly."""
        lo, hi = np.searchsorted(self.ent_sorted, [entitlement, entitlement + 1])
        return self.acc_sorted[lo:hi]

    def paths_to(self, linked: dict[int, str]) -> list[tuple[tuple[int, ...], str]]:
        """Return (path, access) for every entitlement whose holders reach one of the linked entitlements."""
        out: list[tuple[tuple[int, ...], str]] = []
        queue: deque[tuple[tuple[int, ...], str]] = deque(((e,), access) for e, access in linked.items())
        seen: set[int] = set()
        while queue:
            path, access = queue.popleft()
            if path[0] in seen:
                continue
            seen.add(path[0])
            out.append((path, access))
            for child in self.children.get(path[0], ()):
                queue.append(((child, *path), access))
        return out

    def who_can(self, linked: dict[int, str]) -> list[Reach]:
        """Return every (account, held entitlement, path, access) reaching the linked entitlements."""
        return [
            Reach(int(a), path[0], path, access)
            for path, access in self.paths_to(linked)
            for a in self.holders(path[0]).tolist()
        ]
