"""Calibrated estimates (beta-PERT, lognormal from a 90 % interval, constant, uniform) and their implied figures."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from tandem.risk.fair.errors import FairInputError

Z95 = float(special.ndtri(0.95))  # 1.6449…: a 90 % interval spans ±Z95 standard deviations

Domain = Literal["real", "rate", "probability", "money"]


@dataclass(frozen=True)
class Pert:
    """Vose beta-PERT: minimum, most likely and maximum with confidence `gamma` (4 = classic PERT)."""

    min: float
    mode: float
    max: float
    gamma: float = 4.0

    def shape(self) -> tuple[float, float]:
        """Return the beta parameters (alpha, beta) of the standardised variable on [0, 1]."""
        span = self.max - self.min
        alpha = 1.0 + self.gamma * (self.mode - self.min) / span
        beta = 1.0 + self.gamma * (self.max - self.mode) / span
        return alpha, beta


@dataclass(frozen=True)
class LogNormal90:
    """Lognormal whose 5th and 95th percentiles are `low` and `high` (Hubbard's 90 % interval)."""

    low: float
    high: float

    def params(self) -> tuple[float, float]:
        """Return (mu, sigma) of the underlying normal."""
        mu = (math.log(self.low) + math.log(self.high)) / 2.0
        sigma = (math.log(self.high) - math.log(self.low)) / (2.0 * Z95)
        return mu, sigma


@dataclass(frozen=True)
class Constant:
    """A known value."""

    value: float


@dataclass(frozen=True)
class Uniform:
    """Every value between `low` and `high` equally likely."""

    low: float
    high: float


Estimate = Pert | LogNormal90 | Constant | Uniform


class Description(NamedTuple):
    """What an estimate implies: its mean and its 5th and 95th percentiles."""

    mean: float
    p5: float
    p95: float


def bounds(est: Estimate) -> tuple[float, float]:
    """Return the support of an estimate (the upper bound of a lognormal is infinite)."""
    match est:
        case Pert():
            return est.min, est.max
        case LogNormal90():
            return 0.0, math.inf
        case Constant():
            return est.value, est.value
        case Uniform():
            return est.low, est.high
    raise TypeError(f"not an estimate: {est!r}")


def is_point(est: Estimate) -> bool:
    """Tell whether an estimate has a single possible value."""
    lo, hi = bounds(est)
    return lo == hi


def _finite(est: Estimate) -> list[tuple[str, str]]:
    fields = {Pert: ("min", "mode", "max", "gamma"), LogNormal90: ("low", "high"), Constant: ("value",)}
    names = fields.get(type(est), ("low", "high"))
    errors = []
    for name in names:
        value = getattr(est, name)
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            errors.append((name, "must be a finite number"))
    return errors


def _shape_errors(est: Estimate) -> list[tuple[str, str]]:
    match est:
        case Pert():
            errors = []
            if est.min > est.max:
                errors.append(("min", "must not exceed max"))
            elif not est.min <= est.mode <= est.max:
                errors.append(("mode", "must lie between min and max"))
            if est.gamma <= 0:
                errors.append(("gamma", "must be positive"))
            return errors
        case LogNormal90():
            if est.low <= 0:
                return [("low", "must be positive")]
            return [("high", "must exceed low")] if est.high <= est.low else []
        case Uniform():
            return [("low", "must not exceed high")] if est.low > est.high else []
    return []


def _domain_errors(est: Estimate, domain: Domain) -> list[tuple[str, str]]:
    lo, hi = bounds(est)
    low_field = {Pert: "min", Constant: "value"}.get(type(est), "low")
    high_field = {Pert: "max", Constant: "value"}.get(type(est), "high")
    if domain in ("rate", "money", "probability") and lo < 0:
        return [(low_field, "must not be negative")]
    if domain == "probability":
        if isinstance(est, LogNormal90):
            return [("", "a probability needs a bounded estimate (PERT, uniform or constant)")]
        if hi > 1:
            return [(high_field, "a probability must not exceed 1")]
    return []


def check_estimate(est: object, domain: Domain = "real") -> list[tuple[str, str]]:
    """Return the (field, reason) errors of an estimate used for a quantity of the given domain."""
    if not isinstance(est, Pert | LogNormal90 | Constant | Uniform):
        return [("", "must be a Pert, LogNormal90, Constant or Uniform estimate")]
    errors = _finite(est)
    if errors:
        return errors
    errors = _shape_errors(est)
    return errors or _domain_errors(est, domain)


def validate(est: object, domain: Domain = "real") -> None:
    """Raise FairInputError if an estimate is malformed or outside its domain."""
    errors = check_estimate(est, domain)
    if errors:
        raise FairInputError(errors)


def mean(est: Estimate) -> float:
    """Return the exact mean of an estimate."""
    match est:
        case Pert():
            return (est.min + est.gamma * est.mode + est.max) / (est.gamma + 2.0)
        case LogNormal90():
            mu, sigma = est.params()
            return math.exp(mu + sigma * sigma / 2.0)
        case Constant():
            return float(est.value)
        case Uniform():
            return (est.low + est.high) / 2.0
    raise TypeError(f"not an estimate: {est!r}")


def ppf(est: Estimate, q: ArrayLike) -> np.ndarray:
    """Return the q-quantiles of an estimate (vectorised)."""
    q = np.asarray(q, dtype=float)
    match est:
        case Pert() if est.max > est.min:
            alpha, beta = est.shape()
            return est.min + (est.max - est.min) * special.betaincinv(alpha, beta, q)
        case LogNormal90():
            mu, sigma = est.params()
            return np.exp(mu + sigma * special.ndtri(q))
        case Uniform():
            return est.low + (est.high - est.low) * q
    return np.full_like(q, bounds(est)[0])


def cdf(est: Estimate, x: ArrayLike) -> np.ndarray:
    """Return P(X <= x) for an estimate (vectorised; scipy.special, not the slow frozen scipy.stats objects)."""
    x = np.asarray(x, dtype=float)
    lo, hi = bounds(est)
    match est:
        case Pert() if hi > lo:
            alpha, beta = est.shape()
            return special.betainc(alpha, beta, np.clip((x - lo) / (hi - lo), 0.0, 1.0))
        case LogNormal90():
            mu, sigma = est.params()
            with np.errstate(divide="ignore"):
                return special.ndtr((np.log(np.maximum(x, 0.0)) - mu) / sigma)
        case Uniform() if hi > lo:
            return np.clip((x - lo) / (hi - lo), 0.0, 1.0)
    return (x >= lo).astype(float)


def describe(est: Estimate) -> Description:
    """Return the implied mean and 5th/95th percentiles of an estimate, analytically."""
    validate(est)
    if isinstance(est, LogNormal90):  # its bounds are its percentiles by definition
        return Description(mean(est), float(est.low), float(est.high))
    p5, p95 = ppf(est, [0.05, 0.95])
    return Description(mean(est), float(p5), float(p95))
