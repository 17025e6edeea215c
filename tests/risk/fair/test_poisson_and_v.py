"""Poisson inversion and vulnerability quadrature."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from tandem.risk.fair import Constant, LogNormal90, Pert, Uniform, vulnerability
from tandem.risk.fair.poisson import poisson_from_uniform


@pytest.mark.parametrize("scale", [0.01, 1.0, 5.0, 45.0, 300.0])
def test_inversion_equals_scipy_ppf(scale: float) -> None:
    rng = np.random.default_rng(3)
    rate, u = rng.random(20_000) * scale, rng.random(20_000) * (1 - 1e-6)
    mismatch = poisson_from_uniform(rate, u) != stats.poisson.ppf(u, rate)
    assert mismatch.mean() < 1e-4  # float32 exp: P(N = 0) to ~1e-7 relative


def test_counts_rise_with_the_rate_for_the_same_uniform() -> None:
    rng = np.random.default_rng(4)
    rate, u = rng.random(50_000) * 20, rng.random(50_000)
    assert np.all(poisson_from_uniform(rate * 0.7, u) <= poisson_from_uniform(rate, u))


def test_vulnerability_is_exactly_0_or_1_for_disjoint_supports() -> None:
    assert vulnerability(Pert(10, 20, 30), Pert(40, 50, 60)) == 0.0
    assert vulnerability(Pert(70, 80, 90), Pert(40, 50, 60)) == 1.0
    assert 0 < vulnerability(Uniform(0, 30), LogNormal90(50, 80)) < 1e-6  # lognormal RS: no hard floor
    assert vulnerability(Constant(50), Constant(40)) == 1.0
    assert vulnerability(Constant(50), Constant(60)) == 0.0


@pytest.mark.parametrize(
    ("tcap", "rs"),
    [
        (Pert(40, 60, 90), Pert(50, 70, 95)),
        (Pert(40, 40, 90), Pert(50, 95, 95)),
        (Pert(40, 60, 90), LogNormal90(30, 80)),
        (LogNormal90(30, 80), Pert(10, 20, 95)),
        (Uniform(0, 100), Pert(20, 50, 60, gamma=1)),
        (Constant(55), Pert(40, 60, 90)),
    ],
)
def test_vulnerability_agrees_with_direct_comparison(tcap: object, rs: object) -> None:
    from tandem.risk.fair.reference import draw_exact

    rng = np.random.default_rng(5)
    n = 400_000
    share = np.mean(draw_exact(tcap, rng, n) > draw_exact(rs, rng, n))  # type: ignore[arg-type]
    assert vulnerability(tcap, rs) == pytest.approx(share, abs=4 * np.sqrt(share * (1 - share) / n) + 1e-9)


def test_uniform_against_uniform_is_analytic() -> None:
    # TCap ~ U(0, 100), RS ~ U(50, 100): P(TCap > RS) = ∫ (100 − r)/100 dr / 50 over [50, 100] = 0.25.
    assert vulnerability(Uniform(0, 100), Uniform(50, 100)) == pytest.approx(0.25, abs=1e-9)


@given(st.floats(-30, 30))
def test_raising_resistance_never_raises_vulnerability(shift: float) -> None:
    tcap, rs = Pert(30, 60, 90), Pert(40, 65, 95)
    assert vulnerability(tcap, rs, shift + 5.0) <= vulnerability(tcap, rs, shift) + 1e-9
