"""What follows from the input alone: each initiative's window of possible starts and the forced set."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.strategy.optimizer.problem import Problem


@dataclass(frozen=True)
class Windows:
    """Possible starts per initiative (0-based, inclusive; lo > hi = impossible) and what must be selected."""

    lo: list[int]
    hi: list[int]
    forced: frozenset[int]  # mandatory items and everything they depend on
    order: list[int]  # a topological order (predecessors first)
    preds: list[list[int]]

    def possible(self, i: int) -> bool:
        """Return whether initiative i has at least one feasible start."""
        return self.lo[i] <= self.hi[i]

    def starts(self, i: int) -> range:
        """Return the feasible starts of initiative i."""
        return range(self.lo[i], self.hi[i] + 1)


def topological(preds: list[list[int]]) -> list[int]:
    """Return indices with every predecessor before its successors (the input is acyclic)."""
    order: list[int] = []
    done = [False] * len(preds)
    for root in range(len(preds)):
        stack = [root]
        while stack:
            node = stack[-1]
            if done[node]:
                stack.pop()
                continue
            pending = [p for p in preds[node] if not done[p]]
            if pending:
                stack.extend(pending)
            else:
                done[node] = True
                order.append(node)
                stack.pop()
    return order


def windows(problem: Problem) -> Windows:
    """Return the start windows: earliest after predecessors can finish, latest by horizon, deadline, successors."""
    items = problem.initiatives
    index = problem.index()
    preds = [[index[p] for p in it.preds] for it in items]
    order = topological(preds)
    lo = [it.earliest - 1 for it in items]
    hi = [min(problem.quarters, it.deadline or problem.quarters) - it.duration for it in items]
    for i in order:
        for p in preds[i]:
            lo[i] = max(lo[i], lo[p] + items[p].duration)
    forced: set[int] = set()
    for i in reversed(order):
        if items[i].mandatory or i in forced:
            forced.add(i)
            for p in preds[i]:
                forced.add(p)
                # A forced successor must be able to start after p finishes: p's latest start shrinks.
                hi[p] = min(hi[p], hi[i] - items[p].duration)
    for i in order:  # an impossible predecessor makes its successors impossible
        if any(lo[p] > hi[p] for p in preds[i]):
            hi[i] = min(hi[i], lo[i] - 1)
    return Windows(lo, hi, frozenset(forced), order, preds)


def successors(w: Windows) -> list[list[int]]:
    """Return the direct successors of each initiative."""
    out: list[list[int]] = [[] for _ in w.preds]
    for j, ps in enumerate(w.preds):
        for p in ps:
            out[p].append(j)
    return out


def descendants(w: Windows, i: int) -> set[int]:
    """Return every initiative that depends, directly or not, on i."""
    succ = successors(w)
    seen: set[int] = set()
    stack = [i]
    while stack:
        for s in succ[stack.pop()]:
            if s not in seen:
                seen.add(s)
                stack.append(s)
    return seen
