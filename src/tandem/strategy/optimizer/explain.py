"""Why each rejected initiative is out, and what it would take to get it in (extra capacity, or what to drop)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from tandem.strategy.optimizer.check import quarter, usage_of
from tandem.strategy.optimizer.model import caps, needs, resources
from tandem.strategy.optimizer.problem import BUDGET, Problem
from tandem.strategy.optimizer.solver import prepared, solve
from tandem.strategy.optimizer.structure import Windows, descendants

EPS = 1e-6


@dataclass
class Rejection:
    """A rejected initiative: the kind of reason, the reasons in words, the binding caps and the fixes."""

    key: str
    kind: str  # impossible | prerequisite | alternative | capacity | gap
    reasons: list[str]
    binding: list[dict[str, float | str]] = field(default_factory=list)  # resource, quarter (1-based), short
    fixes: list[str] = field(default_factory=list)
    start: int | None = None  # the start (0-based) the capacity fix refers to
    drop: list[str] = field(default_factory=list)  # funded items whose removal makes room
    drop_start: int | None = None
    price: float | None = None  # objective lost by forcing it in (re-solve), when probed
    price_low: float | None = None  # proven lower bound on that loss (from the forced re-solve's bound)
    displaced: list[str] = field(default_factory=list)


def amount(resource: str, value: float) -> str:
    """Return a shortfall as users read it: money rounded, staff in FTE."""
    return f"{value:,.0f}" if resource == BUDGET else f"{value:,.1f} FTE"


def _label(resource: str) -> str:
    return "budget" if resource == BUDGET else f"{resource} staff"


class _Context:
    """The plan's use of each cap, and what dropping each funded item would free."""

    def __init__(self, problem: Problem, w: Windows, starts: Mapping[str, int]) -> None:
        self.problem, self.w, self.starts = problem, w, dict(starts)
        self.names = resources(problem)
        self.slack = caps(problem) - usage_of(problem, starts)
        self.index = problem.index()
        self.chosen = {self.index[k]: t for k, t in starts.items()}
        self.candidates: list[tuple[int, set[int]]] = []
        freed = []
        for i in sorted(self.chosen):
            if i in w.forced:
                continue
            gone = {i} | (descendants(w, i) & set(self.chosen))
            if gone & set(w.forced):
                continue
            self.candidates.append((i, gone))
            freed.append(usage_of(problem, {problem.initiatives[j].key: self.chosen[j] for j in gone}))
        self.freed = np.asarray(freed) if freed else np.zeros((0, len(self.names), problem.quarters))
        self.loss = np.array([sum(problem.weight(problem.initiatives[j], self.chosen[j]) for j in gone)
                              for _, gone in self.candidates])  # fmt: skip

    def ready(self, i: int) -> int:
        """Return the first quarter after every funded predecessor finishes."""
        return max([self.chosen[p] + self.problem.initiatives[p].duration for p in self.w.preds[i]], default=0)

    def shortfalls(self, i: int) -> list[tuple[int, np.ndarray]]:
        """Return (start, shortfall[resource, quarter]) for every start i could take."""
        item = self.problem.initiatives[i]
        need = needs(item, self.names)
        out = []
        for t in range(max(self.ready(i), self.w.lo[i]), self.w.hi[i] + 1):
            short = np.zeros_like(self.slack)
            short[:, t : t + item.duration] = np.maximum(0.0, need - self.slack[:, t : t + item.duration])
            out.append((t, short))
        return out


def _structural(ctx: _Context, i: int) -> Rejection | None:
    problem, item = ctx.problem, ctx.problem.initiatives[i]
    if not ctx.w.possible(i):
        last = min(problem.quarters, item.deadline or problem.quarters)
        return Rejection(item.key, "impossible", [
            f"cannot finish by {quarter(last - 1)}: it lasts {item.duration} quarter(s) and can start in "
            f"{quarter(ctx.w.lo[i])} at the earliest"])  # fmt: skip
    missing = [problem.initiatives[p].key for p in ctx.w.preds[i] if p not in ctx.chosen]
    if missing:
        return Rejection(item.key, "prerequisite", [f"needs {', '.join(map(repr, missing))}, not funded"],
                         fixes=[f"fund {', '.join(map(repr, missing))} first"])  # fmt: skip
    rival = [problem.initiatives[j].key for j in ctx.chosen if item.group and problem.initiatives[j].group ==
             item.group]  # fmt: skip
    if rival:
        return Rejection(item.key, "alternative", [f"its alternative {rival[0]!r} is in the plan"],
                         fixes=[f"swap it for {rival[0]!r}"])  # fmt: skip
    return None


def _too_late(ctx: _Context, i: int) -> Rejection:
    """Name the funded prerequisite that ends too late for the item to finish inside its window."""
    problem, item = ctx.problem, ctx.problem.initiatives[i]
    late = max(ctx.w.preds[i], key=lambda p: ctx.chosen[p] + problem.initiatives[p].duration)
    end = ctx.chosen[late] + problem.initiatives[late].duration - 1
    last = min(problem.quarters, item.deadline or problem.quarters)
    key = problem.initiatives[late].key
    return Rejection(item.key, "prerequisite", [f"its prerequisite {key!r} ends in {quarter(end)}, too late for it "
                                                f"to finish by {quarter(last - 1)}"],
                     fixes=[f"start {key!r} earlier"])  # fmt: skip


def _more(b: dict[str, float | str]) -> str:
    resource = str(b["resource"])
    return f"Q{b['quarter']} {_label(resource)} +{amount(resource, float(b['short']))}"


def _capacity(ctx: _Context, i: int) -> Rejection:
    item = ctx.problem.initiatives[i]
    options = ctx.shortfalls(i)
    if not options:
        return _too_late(ctx, i)
    scale = np.maximum(caps(ctx.problem).max(axis=1, keepdims=True), 1.0)
    t, short = min(options, key=lambda o: float((o[1] / scale).sum()))
    if not short.any():
        return Rejection(item.key, "gap", [f"it fits the remaining capacity from {quarter(t)}; the solver stopped "
                                           "within its gap before adding it"])  # fmt: skip
    binding = [{"resource": ctx.names[r], "quarter": int(q) + 1, "short": float(short[r, q])}
               for r, q in zip(*np.nonzero(short > EPS), strict=True)]  # fmt: skip
    words = [f"{_label(str(b['resource']))} in Q{b['quarter']}" for b in binding]
    more = " and ".join(_more(b) for b in binding)
    out = Rejection(item.key, "capacity", [f"{', '.join(words)} {'is' if len(words) == 1 else 'are'} binding"],
                    binding, [f"fits from {quarter(t)} if {more}"], start=t)  # fmt: skip
    _drop_fix(ctx, options, out)
    return out


def _drop_fix(ctx: _Context, options: list[tuple[int, np.ndarray]], out: Rejection) -> None:
    """Name the cheapest single funded item whose removal (with its dependants) makes room, if any."""
    if not len(ctx.candidates):
        return
    best: tuple[float, int, int] | None = None
    for t, short in options:
        fits = np.all(ctx.freed >= short[None, :, :] - EPS, axis=(1, 2))
        for c in np.nonzero(fits)[0]:
            if best is None or ctx.loss[c] < best[0]:
                best = (float(ctx.loss[c]), int(c), t)
    if best is None:
        return
    i, gone = ctx.candidates[best[1]]
    key = ctx.problem.initiatives[i].key
    extra = sorted(ctx.problem.initiatives[j].key for j in gone if j != i)
    also = f" (and its dependants {', '.join(map(repr, extra))})" if extra else ""
    out.fixes.append(f"or fits from {quarter(best[2])} if {key!r}{also} is dropped")
    out.drop, out.drop_start = sorted(ctx.problem.initiatives[j].key for j in gone), best[2]


def explain(
    problem: Problem, starts: Mapping[str, int], *, probe: int = 0, probe_seconds: float = 2.0,
    objective: float | None = None,
) -> list[Rejection]:  # fmt: skip
    """Explain every initiative not in the plan; re-solve with the `probe` best-scoring ones forced in."""
    w = prepared(problem)
    ctx = _Context(problem, w, starts)
    out = []
    for i, item in enumerate(problem.initiatives):
        if item.key in starts:
            continue
        out.append(_structural(ctx, i) or _capacity(ctx, i))
    if probe:
        base = objective if objective is not None else sum(problem.weight(problem.initiatives[ctx.index[k]], t)
                                                           for k, t in starts.items())  # fmt: skip
        ranked = sorted((r for r in out if r.kind != "impossible"),
                        key=lambda r: -problem.score(problem.initiatives[ctx.index[r.key]]))  # fmt: skip
        for rejection in ranked[:probe]:
            _price(problem, starts, rejection, base, probe_seconds)
    return out


def _price(problem: Problem, starts: Mapping[str, int], rejection: Rejection, base: float, seconds: float) -> None:
    """Force the item in, re-solve briefly, and record what the plan loses and which items leave."""
    sol = solve(problem, time_limit=seconds, gap=0.01, force=[rejection.key])
    if not sol.has_plan:
        rejection.fixes.append("cannot be forced in: " + "; ".join(sol.reasons[:2]))
        return
    value = sum(problem.weight(problem.initiatives[problem.index()[k]], t) for k, t in sol.starts.items())
    rejection.price = max(0.0, base - value)
    rejection.price_low = max(0.0, base - sol.bound) if sol.gap is not None else 0.0
    rejection.displaced = sorted(k for k in starts if k not in sol.starts)
