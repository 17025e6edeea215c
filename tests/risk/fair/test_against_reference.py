"""The fast path agrees with the plain reference implementation, statistically and in its statistics code."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from tandem.risk.fair import Scenario, simulate
from tandem.risk.fair.kernel import compile_plan, simulate_plan
from tandem.risk.fair.reference import reference_annual, reference_simulate, reference_summary
from tandem.risk.fair.results import summarise

YEARS = 30_000


@pytest.mark.parametrize("semantics", ["events", "product"])
def test_fast_path_matches_reference_distribution(mixed: list[Scenario], semantics: str) -> None:
    for s in mixed:
        fast = simulate_plan(compile_plan(s), 7, YEARS, semantics, 1 << 17)
        ref = reference_annual(s, YEARS, 7, semantics)
        assert stats.ks_2samp(fast, ref).pvalue > 1e-4, s.key
        # Means within 5 combined standard errors (heavy lognormal tails make a relative bound flaky).
        se = np.hypot(fast.std(), ref.std()) / np.sqrt(YEARS)
        assert abs(fast.mean() - ref.mean()) < 5 * se, s.key
        for q in (0.5, 0.9, 0.99):
            assert np.quantile(fast, q) == pytest.approx(np.quantile(ref, q), rel=0.08, abs=1e-9), (s.key, q)


def test_portfolio_results_match_reference(mixed: list[Scenario]) -> None:
    fast = simulate(mixed, years=YEARS, seed=4).total
    ref, _ = reference_simulate(mixed, YEARS, 4)
    assert fast.mean == pytest.approx(ref.total.mean, abs=5 * np.hypot(fast.mean_se, ref.total.mean_se))
    for name in ("p50", "p90", "p95", "tvar95"):
        assert getattr(fast, name) == pytest.approx(getattr(ref.total, name), rel=0.06), name


def test_fast_statistics_equal_direct_statistics() -> None:
    rng = np.random.default_rng(0)
    for zeros in (0.0, 0.3, 0.97, 1.0):
        x = rng.lognormal(10, 2, 10_001) * (rng.random(10_001) >= zeros)
        fast, ref = summarise("k", x), reference_summary("k", x)
        for name in ("mean", "sd", "p_loss", "p10", "p50", "p90", "p95", "p99", "tvar95"):
            assert getattr(fast, name) == pytest.approx(getattr(ref, name), rel=1e-12, abs=1e-12), (zeros, name)
        assert len(fast.lec) == len(ref.lec)
        if fast.lec:
            assert np.allclose(np.array(fast.lec), np.array(ref.lec), rtol=1e-12, atol=0)
        assert fast.tvar95 >= fast.p95
    assert summarise("k", np.zeros(50)).lec == []


def test_results_are_json_ready_and_hold_no_samples(mixed: list[Scenario]) -> None:
    result = simulate(mixed, years=2000, seed=1)
    text = json.dumps(result.to_dict())
    assert len(text) < 60_000
    assert json.loads(text)["total"]["lec"][0][1] <= 1.0
