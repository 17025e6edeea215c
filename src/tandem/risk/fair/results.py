"""Statistics of simulated annual losses: the stored result objects (JSON-ready) and how they are computed."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

LEC_POINTS = 200
LEC_DECADES = 6.0  # the curve starts at most this many decades below the largest loss
QUANTILES = (0.10, 0.50, 0.90, 0.95, 0.99)


@dataclass(frozen=True)
class ScenarioResult:
    """Annual-loss statistics of one scenario or of the portfolio; `lec` holds (loss, P(annual loss >= loss))."""

    key: str
    years: int
    mean: float
    mean_se: float
    sd: float
    p_loss: float
    p10: float
    p50: float
    p90: float
    p95: float
    p99: float
    tvar95: float
    lec: list[tuple[float, float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON-serialisable data."""
        return asdict(self)


@dataclass(frozen=True)
class PortfolioResult:
    """Results per scenario key and for the portfolio (losses summed per simulated year)."""

    scenarios: dict[str, ScenarioResult]
    total: ScenarioResult
    years: int
    seed: int
    semantics: str

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON-serialisable data."""
        return asdict(self)


def _rank_value(positive_sorted: np.ndarray, zeros: int, rank: np.ndarray) -> np.ndarray:
    """Return the values at `rank` of the full sorted sample, whose first `zeros` entries are 0."""
    inside = np.clip(rank - zeros, 0, max(positive_sorted.size - 1, 0))
    values = positive_sorted[inside] if positive_sorted.size else np.zeros(rank.shape)
    return np.where(rank < zeros, 0.0, values)


def lec_thresholds(positive_sorted: np.ndarray) -> np.ndarray:
    """Return log-spaced loss thresholds from the smallest positive loss (or 6 decades down) to the largest."""
    if positive_sorted.size == 0:
        return np.empty(0)
    return lec_thresholds_between(float(positive_sorted[0]), float(positive_sorted[-1]))


def lec_thresholds_between(smallest: float, hi: float) -> np.ndarray:
    """Return the LEC thresholds of losses whose smallest positive value is `smallest` and largest `hi`."""
    lo = max(smallest, hi * 10.0**-LEC_DECADES)
    if lo >= hi:
        return np.array([hi])
    thresholds = np.exp(np.linspace(math.log(lo), math.log(hi), LEC_POINTS))  # np.geomspace, at a fifth the cost
    thresholds[0], thresholds[-1] = lo, hi  # exact ends: P(X >= max) is then never rounded to 0
    return thresholds


def summarise(key: str, annual: np.ndarray) -> ScenarioResult:
    """Return the statistics of simulated annual losses (all >= 0), without keeping the samples.

    Only the positive years are sorted: rare-loss scenarios are mostly zeros, and sorting is the costly step.
    Quantiles interpolate linearly between order statistics (numpy's default); TVaR95 is the mean of the
    worst 5 % of years, which is never below VaR95.
    """
    n = annual.size
    positive = np.sort(annual[annual > 0])
    zeros = n - positive.size
    h = (n - 1) * np.asarray(QUANTILES)
    below = np.floor(h).astype(np.int64)
    lower, upper = _rank_value(positive, zeros, below), _rank_value(positive, zeros, np.minimum(below + 1, n - 1))
    q = lower + (h - below) * (upper - lower)
    tail_start = min(math.floor(0.95 * (n - 1)) + 1, n - 1)
    tail = positive[max(tail_start - zeros, 0) :]
    tvar = float(tail.sum() / (n - tail_start))
    thresholds = lec_thresholds(positive)
    exceed = (positive.size - np.searchsorted(positive, thresholds, side="left")) / n
    mean = float(annual.mean())
    sd = float(annual.std(ddof=1)) if n > 1 else 0.0
    return ScenarioResult(
        key=key,
        years=n,
        mean=mean,
        mean_se=sd / math.sqrt(n),
        sd=sd,
        p_loss=positive.size / n,
        p10=float(q[0]),
        p50=float(q[1]),
        p90=float(q[2]),
        p95=float(q[3]),
        p99=float(q[4]),
        tvar95=tvar,
        lec=[(float(t), float(p)) for t, p in zip(thresholds, exceed, strict=True)],
    )
