"""Why no plan exists: structural reasons from the input, then the capacity each mandatory quarter lacks."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from tandem.strategy.optimizer.highs import run_model
from tandem.strategy.optimizer.model import build, caps, needs, resources
from tandem.strategy.optimizer.problem import BUDGET, Problem
from tandem.strategy.optimizer.structure import Windows

DIAGNOSE_SECONDS = 20.0


def _q(q: int) -> str:
    return f"Q{q + 1}"


def _label(resource: str) -> str:
    return "budget" if resource == BUDGET else f"{resource} staff"


def _who(problem: Problem, w: Windows, i: int) -> str:
    item = problem.initiatives[i]
    return f"mandatory {item.key!r}" if item.mandatory else f"{item.key!r} (a prerequisite of a mandatory item)"


def _window_reason(problem: Problem, w: Windows, i: int) -> str:
    item = problem.initiatives[i]
    finish_by = min(problem.quarters, item.deadline or problem.quarters)
    return (f"{_who(problem, w, i)} cannot finish by {_q(finish_by - 1)}: it can start in {_q(w.lo[i])} at the "
            f"earliest (after its prerequisites) and lasts {item.duration} quarter(s)")  # fmt: skip


def _alone_reason(problem: Problem, w: Windows, i: int) -> str | None:
    """Return why an item cannot run even alone (one quarter of its need exceeds the cap at every start)."""
    names, limit = resources(problem), caps(problem)
    need = needs(problem.initiatives[i], names)
    worst: tuple[float, int, int] | None = None
    for t in w.starts(i):
        over = [(need[r, k] - limit[r, t + k], r, t + k) for r in range(len(names)) for k in range(need.shape[1])
                if need[r, k] > limit[r, t + k] + 1e-9]  # fmt: skip
        if not over:
            return None
        best = max(over)
        worst = best if worst is None or best[0] < worst[0] else worst
    if worst is None:
        return None
    short, r, q = worst
    return (
        f"{_who(problem, w, i)} alone needs {short:,.2f} more {_label(names[r])} in {_q(q)} than the cap, at any start"
    )


def structural_reasons(problem: Problem, w: Windows, extra: Collection[int] = ()) -> list[str]:
    """Return the reasons that make the forced items impossible without solving anything."""
    forced = sorted(set(w.forced) | set(extra))
    impossible = [i for i in forced if not w.possible(i)]
    # A prerequisite is usually impossible only because its mandatory successor is: name the successor.
    reasons = [_window_reason(problem, w, i) for i in impossible if problem.initiatives[i].mandatory or i in extra]
    if impossible and not reasons:
        reasons = [_window_reason(problem, w, i) for i in impossible]
    groups: dict[str, list[str]] = {}
    for i in forced:
        if problem.initiatives[i].group:
            groups.setdefault(str(problem.initiatives[i].group), []).append(problem.initiatives[i].key)
    reasons += [f"{', '.join(map(repr, keys))} must all be done but are alternatives (group {g!r})"
                for g, keys in groups.items() if len(keys) > 1]  # fmt: skip
    for i in forced:
        if w.possible(i):
            why = _alone_reason(problem, w, i)
            if why:
                reasons.append(why)
    return reasons


def capacity_reasons(problem: Problem, w: Windows, extra: Collection[int] = ()) -> list[str]:
    """Return how much more of which resource in which quarter the forced items need together."""
    forced = set(w.forced) | set(extra)
    model = build(problem, w, force=forced, allowed=forced, elastic=True)
    _, values, *_ = run_model(problem, model, time_limit=DIAGNOSE_SECONDS, gap=1e-6)
    if values is None:
        return ["the mandatory items and their prerequisites cannot be scheduled together (dependencies, windows)"]
    names = resources(problem)
    slack = np.asarray(values[len(model.col_item) :]).reshape(len(names), problem.quarters)
    out = [f"mandatory items need {slack[r, q]:,.2f} more {_label(names[r])} in {_q(q)}"
           for r in range(len(names)) for q in range(problem.quarters) if slack[r, q] > 1e-6]  # fmt: skip
    return out or ["the mandatory items do not fit together (no single quarter explains it)"]
