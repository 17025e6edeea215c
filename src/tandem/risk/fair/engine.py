"""The chunked runner: validate, fan scenario groups out (optionally to an executor), summarise, aggregate.

Scenarios are processed in fixed groups of GROUP_SIZE in input order, and the portfolio's annual losses are
summed group by group in that order whether or not an executor is used, so floating-point sums (and every
result) are identical with one process or many.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from tandem.risk.fair.batch import annual_losses, run_groups, summarise_rows
from tandem.risk.fair.errors import FairInputError
from tandem.risk.fair.results import PortfolioResult, ScenarioResult
from tandem.risk.fair.scenario import Scenario

GROUP_SIZE = 16
DEFAULT_CHUNK_YEARS = 1 << 17
SEMANTICS = ("events", "product")
TOTAL_KEY = "total"

Progress = Callable[[int, int], None]
T = TypeVar("T")


@dataclass(frozen=True)
class RunSettings:
    """How to simulate: shared by every group of a run."""

    years: int
    seed: int
    semantics: str
    chunk_years: int


def check_run(scenarios: Sequence[Scenario], years: int, seed: int, semantics: str, chunk_years: int | None) -> None:
    """Raise FairInputError for a bad scenario list or run setting."""
    errors: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, s in enumerate(scenarios):
        if not isinstance(s, Scenario):
            errors.append((f"scenarios[{i}]", "must be a Scenario"))
        elif s.key in seen:
            errors.append((f"scenarios[{i}].key", f"duplicate key {s.key!r}"))
        else:
            seen.add(s.key)
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        errors.append(("years", "must be a positive integer"))
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        errors.append(("seed", "must be a non-negative integer"))
    if semantics not in SEMANTICS:
        errors.append(("semantics", f"must be one of {', '.join(SEMANTICS)}"))
    if chunk_years is not None and (not isinstance(chunk_years, int) or chunk_years < 1):
        errors.append(("chunk_years", "must be a positive integer"))
    if errors:
        raise FairInputError(errors)


def groups(items: Sequence[T]) -> list[list[T]]:
    """Split items into the fixed groups every run uses, whatever the executor."""
    return [list(items[i : i + GROUP_SIZE]) for i in range(0, len(items), GROUP_SIZE)]


def run_group(group: list[Scenario], settings: RunSettings) -> tuple[list[ScenarioResult], np.ndarray]:
    """Simulate and summarise a group of scenarios; return their results and their summed annual losses."""
    annual = annual_losses(group, settings.seed, settings.years, settings.semantics, settings.chunk_years)
    total = np.zeros(settings.years)
    for row in annual:  # in input order, as every executor does
        total += row
    return summarise_rows([s.key for s in group], annual), total


def fan_out(
    task: Callable[..., T],
    work: list[list[Scenario]],
    args: tuple[object, ...],
    progress: Progress | None,
    executor: Executor | None,
) -> list[T]:
    """Run task(group, *args) for every group, in order or on the executor; report scenarios done."""
    total = sum(len(g) for g in work)
    done = 0
    if executor is None:
        out = []
        for group in work:
            out.append(task(group, *args))
            done += len(group)
            if progress:
                progress(done, total)
        return out
    futures = [executor.submit(task, group, *args) for group in work]
    sizes = {f: len(g) for f, g in zip(futures, work, strict=True)}
    if progress:
        for future in as_completed(futures):
            done += sizes[future]
            progress(done, total)
    return [f.result() for f in futures]


def simulate(
    scenarios: Sequence[Scenario],
    years: int = 100_000,
    seed: int = 0,
    semantics: str = "events",
    chunk_years: int | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> PortfolioResult:
    """Simulate every scenario for `years` years and the portfolio (sum per year); never keep raw samples.

    `semantics` is "events" (Poisson loss events with per-event losses, the default) or "product"
    (pyfair-style LEF × LM per year). A scenario's results depend only on the seed, its key and its inputs,
    not on `chunk_years`, the other scenarios, or the executor (e.g. a ProcessPoolExecutor); the portfolio
    is identical for the same scenario list whatever the chunking or executor. Without an executor the run
    uses this process's cores (batch.run_groups: one scenario per task on one thread per core), with
    identical results whatever the number of threads. `progress(done, total)` is
    called with the number of scenarios finished after each group of GROUP_SIZE.
    """
    check_run(scenarios, years, seed, semantics, chunk_years)
    settings = RunSettings(years, seed, semantics, chunk_years or DEFAULT_CHUNK_YEARS)
    work = groups(list(scenarios))
    if executor is None:  # this process's cores, one scenario per task
        outputs = run_groups(work, seed, years, semantics, settings.chunk_years, progress)
    else:
        outputs = fan_out(run_group, work, (settings,), progress, executor)
    total = np.zeros(years)
    per_scenario: dict[str, ScenarioResult] = {}
    for results, group_total in outputs:
        total += group_total
        per_scenario.update((r.key, r) for r in results)
    if len(per_scenario) == 1:  # the portfolio is the scenario: skip a second sort of the same losses
        portfolio = dataclasses.replace(next(iter(per_scenario.values())), key=TOTAL_KEY)
    else:
        portfolio = summarise_rows([TOTAL_KEY], total[None, :])[0]
    return PortfolioResult(per_scenario, portfolio, years, seed, semantics)
