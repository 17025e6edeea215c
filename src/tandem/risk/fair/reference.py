"""The straightforward reference implementation the fast path is tested against (not used in production).

Plain `Generator.beta` / `lognormal` / `uniform` draws, `Generator.poisson` counts, a loop over scenarios,
and vulnerability simulated as O-RA describes it: every threat event compares one TCap draw with one RS draw
(the fast path instead thins by V = P(TCap > RS) from quadrature). Statistics use np.quantile, a full sort
and direct counting. Its random streams differ from the fast path's, so agreement is statistical.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from tandem.risk.fair.estimates import Constant, Estimate, LogNormal90, Pert, Uniform, is_point
from tandem.risk.fair.results import QUANTILES, PortfolioResult, ScenarioResult, lec_thresholds
from tandem.risk.fair.scenario import Scenario
from tandem.risk.fair.streams import key_hash

_REFERENCE_STREAM = 0x5EF


def draw_exact(est: Estimate, rng: np.random.Generator, n: int) -> np.ndarray:
    """Return n independent draws of an estimate with numpy's own samplers."""
    if is_point(est):
        return np.full(n, est.value if isinstance(est, Constant) else (est.min if isinstance(est, Pert) else est.low))
    match est:
        case Pert():
            alpha, beta = est.shape()
            return est.min + (est.max - est.min) * rng.beta(alpha, beta, n)
        case LogNormal90():
            mu, sigma = est.params()
            return rng.lognormal(mu, sigma, n)
        case Uniform():
            return rng.uniform(est.low, est.high, n)
    raise TypeError(f"not an estimate: {est!r}")


def _threat_rate(s: Scenario, rng: np.random.Generator, years: int) -> np.ndarray:
    if s.lef is not None:
        return draw_exact(s.lef, rng, years)
    if s.tef is not None:
        return draw_exact(s.tef, rng, years)
    assert s.contact_frequency is not None and s.probability_of_action is not None
    return draw_exact(s.contact_frequency, rng, years) * draw_exact(s.probability_of_action, rng, years)


def _loss_counts(s: Scenario, rng: np.random.Generator, years: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (per-year LEF used by product semantics, per-year loss event counts for events semantics)."""
    rate = _threat_rate(s, rng, years)
    if s.vulnerability is not None:
        rate = rate * draw_exact(s.vulnerability, rng, years)
    if s.tcap is None or s.rs is None:
        return rate, rng.poisson(rate)
    threats = rng.poisson(rate)
    success = draw_exact(s.tcap, rng, int(threats.sum())) > draw_exact(s.rs, rng, int(threats.sum()))
    counts = np.zeros(years, dtype=np.int64)
    np.add.at(counts, np.repeat(np.arange(years), threats), success.astype(np.int64))
    tcap, rs = draw_exact(s.tcap, rng, 200_000), draw_exact(s.rs, rng, 200_000)
    return rate * float(np.mean(tcap > rs)), counts  # product semantics: V as pyfair estimates it


def reference_annual(s: Scenario, years: int, seed: int, semantics: str = "events") -> np.ndarray:
    """Return one scenario's simulated annual losses, computed the plain way."""
    rng = np.random.default_rng([seed, key_hash(s.key), _REFERENCE_STREAM])
    lef, counts = _loss_counts(s, rng, years)
    if semantics == "product":
        magnitude = draw_exact(s.primary_loss, rng, years)
        if s.secondary_probability is not None and s.secondary_loss is not None:
            magnitude += draw_exact(s.secondary_probability, rng, years) * draw_exact(s.secondary_loss, rng, years)
        return lef * magnitude
    year = np.repeat(np.arange(years), counts)
    loss = draw_exact(s.primary_loss, rng, year.size)
    if s.secondary_probability is not None and s.secondary_loss is not None:
        p = draw_exact(s.secondary_probability, rng, years)
        loss = loss + (rng.random(year.size) < p[year]) * draw_exact(s.secondary_loss, rng, year.size)
    annual = np.zeros(years)
    np.add.at(annual, year, loss)  # plain scatter-add, one event at a time
    return annual


def reference_summary(key: str, annual: np.ndarray) -> ScenarioResult:
    """Return the statistics of annual losses computed directly (np.quantile, full sort, counting)."""
    n = annual.size
    ordered = np.sort(annual)
    q = np.quantile(annual, QUANTILES)
    tail_start = min(math.floor(0.95 * (n - 1)) + 1, n - 1)
    sd = float(annual.std(ddof=1)) if n > 1 else 0.0
    thresholds = lec_thresholds(ordered[ordered > 0])
    return ScenarioResult(
        key=key,
        years=n,
        mean=float(annual.mean()),
        mean_se=sd / math.sqrt(n),
        sd=sd,
        p_loss=float(np.mean(annual > 0)),
        p10=float(q[0]),
        p50=float(q[1]),
        p90=float(q[2]),
        p95=float(q[3]),
        p99=float(q[4]),
        tvar95=float(ordered[tail_start:].mean()),
        lec=[(float(t), float(np.mean(annual >= t))) for t in thresholds],
    )


def reference_simulate(
    scenarios: Sequence[Scenario], years: int, seed: int, semantics: str = "events"
) -> tuple[PortfolioResult, dict[str, np.ndarray]]:
    """Simulate scenario by scenario; return the results and the raw annual losses (for tests)."""
    annual = {s.key: reference_annual(s, years, seed, semantics) for s in scenarios}
    total = np.sum(list(annual.values()), axis=0) if annual else np.zeros(years)
    results = {k: reference_summary(k, a) for k, a in annual.items()}
    return PortfolioResult(results, reference_summary("total", total), years, seed, semantics), annual
