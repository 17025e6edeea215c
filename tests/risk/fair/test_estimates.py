"""Estimates: validation with located errors, implied figures, and the fast samplers' tables."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from tandem.risk.fair import Constant, FairInputError, LogNormal90, Pert, Scenario, Uniform, describe
from tandem.risk.fair.estimates import check_estimate, mean
from tandem.risk.fair.sampling import K, sampler_for

finite = st.floats(-1e9, 1e9, allow_nan=False)


@given(finite, finite, finite, st.floats(0.01, 50))
def test_pert_mean_is_the_vose_formula(a: float, m: float, b: float, gamma: float) -> None:
    lo, mode, hi = sorted((a, m, b))
    est = Pert(lo, mode, hi, gamma)
    assert not check_estimate(est)
    expected = (lo + gamma * mode + hi) / (gamma + 2)
    assert describe(est).mean == pytest.approx(expected, rel=1e-12, abs=1e-6)
    d = describe(est)
    assert lo - 1e-6 <= d.p5 <= d.p95 <= hi + 1e-6


@given(finite, finite, finite)
def test_pert_with_min_above_max_is_rejected_with_its_field(a: float, m: float, b: float) -> None:
    if a <= b:
        a, b = b + 1.0, a
    with pytest.raises(FairInputError) as info:
        Scenario("x", lef=Constant(1), primary_loss=Pert(a, m, b))
    assert ("primary_loss.min", "must not exceed max") in info.value.errors


@pytest.mark.parametrize(
    ("field", "est", "path"),
    [
        ("tef", Pert(-1, 2, 3), "tef.min"),
        ("tef", Pert(5, 4, 3), "tef.min"),
        ("tef", Pert(1, 5, 3), "tef.mode"),
        ("tef", Pert(1, 0, 3), "tef.mode"),
        ("tef", Pert(1, 2, 3, gamma=0), "tef.gamma"),
        ("tef", Pert(1, 2, math.inf), "tef.max"),
        ("tef", Uniform(math.nan, 2), "tef.low"),
        ("tef", Constant(-0.5), "tef.value"),
        ("vulnerability", Pert(0.1, 0.5, 1.2), "vulnerability.max"),
        ("vulnerability", Uniform(0.2, 1.01), "vulnerability.high"),
        ("vulnerability", LogNormal90(0.1, 0.5), "vulnerability"),
        ("vulnerability", Constant(1.5), "vulnerability.value"),
        ("tef", LogNormal90(0, 2), "tef.low"),
        ("tef", LogNormal90(3, 2), "tef.high"),
    ],
)
def test_bad_estimates_are_located(field: str, est: object, path: str) -> None:
    with pytest.raises(FairInputError) as info:
        Scenario("x", primary_loss=Constant(1), **{field: est, **({"tef": Constant(1)} if field != "tef" else {})})
    assert path in [p for p, _ in info.value.errors]
    assert isinstance(info.value, ValueError)


@given(st.floats(1e-6, 1e6), st.floats(1.0001, 1e4))
def test_lognormal_quantiles_come_from_the_90_percent_interval(low: float, ratio: float) -> None:
    est = LogNormal90(low, low * ratio)
    mu, sigma = est.params()
    dist = stats.lognorm(sigma, scale=math.exp(mu))
    assert dist.ppf(0.05) == pytest.approx(low, rel=1e-9)
    assert dist.ppf(0.95) == pytest.approx(low * ratio, rel=1e-9)
    assert describe(est).mean == pytest.approx(dist.mean(), rel=1e-9)


def test_describe_uniform_and_constant() -> None:
    d = describe(Uniform(0, 100))
    assert (d.mean, d.p5, d.p95) == pytest.approx((50.0, 5.0, 95.0))
    assert describe(Constant(7)) == (7.0, 7.0, 7.0)
    with pytest.raises(FairInputError):
        describe(Pert(3, 2, 1))


@pytest.mark.parametrize(
    "est",
    [
        Pert(1, 2, 10),
        Pert(0, 0, 1),
        Pert(0, 1, 1),
        Pert(5, 6, 7, gamma=0.3),
        Pert(0, 3, 9, gamma=40),
        LogNormal90(1e3, 1e7),
        Uniform(2, 4),
    ],
)
def test_sampler_tables_keep_the_exact_mean_and_quantiles(est: Pert | LogNormal90 | Uniform) -> None:
    sampler = sampler_for(est)
    assert sampler.atoms is not None and sampler.atoms.size == K
    assert sampler.atoms.mean() == pytest.approx(mean(est), rel=1e-9)
    draws = sampler.draw(np.random.Generator(np.random.SFC64(1)), 200_000)
    d = describe(est)
    spread = d.p95 - d.p5
    assert np.quantile(draws, 0.05) == pytest.approx(d.p5, abs=0.01 * spread)
    assert np.quantile(draws, 0.95) == pytest.approx(d.p95, abs=0.01 * spread)


def test_point_estimates_need_no_table() -> None:
    assert sampler_for(Pert(3, 3, 3)).atoms is None
    assert sampler_for(Constant(2)).value == 2.0


@pytest.mark.parametrize("gamma", [4.0, 0.7, 15.0])
@pytest.mark.parametrize("r", [0.0, 0.013, 0.37, 0.5, 0.81, 0.999, 1.0])
def test_blended_family_tables_match_direct_tables(gamma: float, r: float) -> None:
    from tandem.risk.fair.sampling import _pert_atoms, standard_pert

    blended = standard_pert(gamma, r)
    direct = _pert_atoms(1 + gamma * r, 1 + gamma * (1 - r))
    assert blended.mean() == pytest.approx((1 + gamma * r) / (gamma + 2), abs=1e-12)
    assert np.max(np.abs(blended - direct)) < 1e-4
    assert np.all(np.diff(blended) >= 0) and blended[0] >= 0 and blended[-1] <= 1
