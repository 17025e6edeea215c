"""What-if: baseline against treated scenarios on common random numbers, the reduction, and ROSI."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from tandem.risk.fair.batch import annual_losses, summarise_rows
from tandem.risk.fair.engine import (
    DEFAULT_CHUNK_YEARS,
    TOTAL_KEY,
    Progress,
    RunSettings,
    check_run,
    fan_out,
    groups,
)
from tandem.risk.fair.errors import FairInputError, prefixed
from tandem.risk.fair.kernel import compile_plan, draw_events, draw_product, event_losses, product_losses
from tandem.risk.fair.results import PortfolioResult, ScenarioResult
from tandem.risk.fair.scenario import Scenario, Treatment
from tandem.risk.fair.streams import Streams
from tandem.risk.fair.treated import treated_event_losses, treated_product_losses


@dataclass(frozen=True)
class WhatIfResult:
    """Baseline and treated results, the per-year reduction and ROSI = (ΔALE − cost) / cost.

    `reduction_*` describe baseline minus treated portfolio loss across simulated years; `rosi_p5`/`rosi_p95`
    and `p_rosi_positive` apply the ROSI formula to each simulated year's reduction, so they show how the
    benefit varies from year to year; `ale_reduction_se` is the Monte Carlo standard error of ΔALE.
    """

    baseline: PortfolioResult
    treated: PortfolioResult
    scenario_reductions: dict[str, float]
    cost: float
    ale_reduction: float
    ale_reduction_se: float
    reduction_sd: float
    reduction_p5: float
    reduction_p50: float
    reduction_p95: float
    rosi: float
    rosi_p5: float
    rosi_p95: float
    p_rosi_positive: float

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON-serialisable data."""
        return asdict(self)


GroupOutput = tuple[list[ScenarioResult], list[ScenarioResult], np.ndarray, np.ndarray]


def _pair(scenario: Scenario, treatment: Treatment | None, settings: RunSettings) -> tuple[np.ndarray, np.ndarray]:
    """Return baseline and treated annual losses of one scenario from the same draws."""
    plan = compile_plan(scenario)
    streams = Streams(settings.seed, scenario.key)
    base, treated = np.empty(settings.years), np.empty(settings.years)
    for start in range(0, settings.years, settings.chunk_years):
        n = min(settings.chunk_years, settings.years - start)
        window = slice(start, start + n)
        if settings.semantics == "events":
            events = draw_events(plan, streams, n)
            base[window] = event_losses(events)
            treated[window] = treated_event_losses(events, plan, treatment, streams) if treatment else base[window]
        else:
            factors = draw_product(plan, streams, n)
            base[window] = product_losses(factors)
            treated[window] = treated_product_losses(factors, plan, treatment) if treatment else base[window]
    return base, treated


def run_pair_group(group: list[Scenario], treatments: Mapping[str, Treatment], settings: RunSettings) -> GroupOutput:
    """Simulate a group's baselines and treatments; return both results and both summed annual losses."""
    base = annual_losses(group, settings.seed, settings.years, settings.semantics, settings.chunk_years)
    treated = base.copy()
    for row, scenario in zip(treated, group, strict=True):
        treatment = treatments.get(scenario.key)
        if treatment is not None:  # from the NumPy path's draws, which are the baseline's very numbers
            row[:] = _pair(scenario, treatment, settings)[1]
    base_total, treated_total = np.zeros(settings.years), np.zeros(settings.years)
    for b, t in zip(base, treated, strict=True):
        base_total += b
        treated_total += t
    keys = [s.key for s in group]
    return summarise_rows(keys, base), summarise_rows(keys, treated), base_total, treated_total


def _check(scenarios: Sequence[Scenario], treatments: Mapping[str, Treatment], cost: float) -> None:
    by_key = {s.key: s for s in scenarios if isinstance(s, Scenario)}
    errors: list[tuple[str, str]] = []
    for key, t in treatments.items():
        where = f"treatments[{key!r}]"
        if key not in by_key:
            errors.append((where, "no scenario has this key"))
        elif not isinstance(t, Treatment):
            errors.append((where, "must be a Treatment"))
        else:
            errors += prefixed(where, t.check_for(by_key[key]))
    if isinstance(cost, bool) or not isinstance(cost, int | float) or not math.isfinite(cost) or cost <= 0:
        errors.append(("cost", "must be a positive finite annual cost"))
    if errors:
        raise FairInputError(errors)


def what_if(
    scenarios: Sequence[Scenario],
    treatments: Mapping[str, Treatment],
    cost: float,
    years: int = 100_000,
    seed: int = 0,
    semantics: str = "events",
    chunk_years: int | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> WhatIfResult:
    """Compare the portfolio with and without treatments (keyed by scenario) at an annual control cost."""
    check_run(scenarios, years, seed, semantics, chunk_years)
    _check(scenarios, treatments, cost)
    settings = RunSettings(years, seed, semantics, chunk_years or DEFAULT_CHUNK_YEARS)
    wanted = dict(treatments)
    outputs = fan_out(run_pair_group, groups(list(scenarios)), (wanted, settings), progress, executor)
    base_total, treated_total = np.zeros(years), np.zeros(years)
    base_results: dict[str, ScenarioResult] = {}
    treated_results: dict[str, ScenarioResult] = {}
    for base, treated, b_total, t_total in outputs:
        base_total += b_total
        treated_total += t_total
        base_results.update((r.key, r) for r in base)
        treated_results.update((r.key, r) for r in treated)
    base_summary, treated_summary = summarise_rows([TOTAL_KEY, TOTAL_KEY], np.stack([base_total, treated_total]))
    baseline = PortfolioResult(base_results, base_summary, years, seed, semantics)
    after = PortfolioResult(treated_results, treated_summary, years, seed, semantics)
    return _compare(baseline, after, base_total - treated_total, float(cost))


def _compare(baseline: PortfolioResult, treated: PortfolioResult, reduction: np.ndarray, cost: float) -> WhatIfResult:
    p5, p50, p95 = (float(q) for q in np.quantile(reduction, [0.05, 0.5, 0.95]))
    mean = float(reduction.mean())
    sd = float(reduction.std(ddof=1)) if reduction.size > 1 else 0.0
    return WhatIfResult(
        baseline=baseline,
        treated=treated,
        scenario_reductions={k: r.mean - treated.scenarios[k].mean for k, r in baseline.scenarios.items()},
        cost=cost,
        ale_reduction=mean,
        ale_reduction_se=sd / math.sqrt(reduction.size),
        reduction_sd=sd,
        reduction_p5=p5,
        reduction_p50=p50,
        reduction_p95=p95,
        rosi=(mean - cost) / cost,
        rosi_p5=(p5 - cost) / cost,
        rosi_p95=(p95 - cost) / cost,
        p_rosi_positive=float(np.mean(reduction > cost)),
    )
