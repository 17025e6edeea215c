"""What-if on common random numbers: pathwise reductions, ROSI, and consistency with the baseline run."""

from __future__ import annotations

import numpy as np
import pytest

from tandem.risk.fair import (
    Constant,
    FairInputError,
    LogNormal90,
    Pert,
    Scenario,
    Treatment,
    describe,
    simulate,
    what_if,
)
from tandem.risk.fair.engine import DEFAULT_CHUNK_YEARS, RunSettings
from tandem.risk.fair.whatif import _pair

LOWERING = [
    Treatment(tef_factor=0.4),
    Treatment(rs_shift=20),
    Treatment(vulnerability_factor=0.5),
    Treatment(loss_cap=2e5),
    Treatment(primary_loss_factor=0.7, secondary_probability_factor=0.5, secondary_loss_factor=0.2),
]


@pytest.mark.parametrize("semantics", ["events", "product"])
@pytest.mark.parametrize("treatment", LOWERING, ids=lambda t: repr(t)[10:40])
def test_lowering_treatments_never_raise_a_simulated_year(
    mixed: list[Scenario], treatment: Treatment, semantics: str
) -> None:
    settings = RunSettings(20_000, 9, semantics, 3000)
    base, treated = _pair(mixed[0], treatment, settings)
    assert np.all(base - treated >= 0)
    assert (base - treated).mean() > 0


def test_raising_frequency_draws_extra_events_and_keeps_the_baseline(mixed: list[Scenario]) -> None:
    settings = RunSettings(20_000, 9, "events", DEFAULT_CHUNK_YEARS)
    base, treated = _pair(mixed[0], Treatment(tef_factor=2.0), settings)
    assert np.all(treated >= base)
    assert treated.mean() / base.mean() == pytest.approx(2.0, rel=0.05)
    assert np.array_equal(base, _pair(mixed[0], None, settings)[0])


def test_baseline_equals_a_plain_simulation(mixed: list[Scenario]) -> None:
    result = what_if(mixed, {"ransomware": Treatment(tef_factor=0.4)}, cost=10_000, years=5000, seed=8)
    assert result.baseline == simulate(mixed, years=5000, seed=8)
    assert result.scenario_reductions["outage"] == 0.0
    assert result.treated.scenarios["outage"] == result.baseline.scenarios["outage"]
    assert result.scenario_reductions["ransomware"] > 0


def test_rosi_by_hand_on_constant_inputs() -> None:
    s = Scenario("c", tef=Constant(2.0), vulnerability=Constant(0.5), primary_loss=Constant(100_000.0))
    result = what_if([s], {"c": Treatment(tef_factor=0.4)}, cost=20_000, years=1000, semantics="product")
    # ALE 100,000 → 40,000: ΔALE 60,000; ROSI = (60,000 − 20,000) / 20,000 = 2 in every simulated year.
    assert result.ale_reduction == pytest.approx(60_000.0, rel=1e-12)
    assert result.rosi == pytest.approx(2.0, rel=1e-12)
    assert result.rosi_p5 == pytest.approx(2.0) and result.rosi_p95 == pytest.approx(2.0)
    assert result.p_rosi_positive == 1.0


def test_rosi_under_events_semantics_is_close_to_the_analytic_value() -> None:
    s = Scenario("e", lef=Constant(1.0), primary_loss=LogNormal90(1e4, 1e5))
    result = what_if([s], {"e": Treatment(tef_factor=0.5)}, cost=10_000, years=40_000, seed=2)
    expected_delta = 0.5 * 1.0 * describe(LogNormal90(1e4, 1e5)).mean  # half of LEF × E[PL]
    assert result.ale_reduction == pytest.approx(expected_delta, abs=5 * result.ale_reduction_se)
    assert result.rosi == pytest.approx((result.ale_reduction - 10_000) / 10_000)
    assert result.rosi_p5 < result.rosi_p95
    assert 0 < result.p_rosi_positive < 1


def test_what_if_rejects_bad_treatments_with_locations(mixed: list[Scenario]) -> None:
    with pytest.raises(FairInputError) as info:
        what_if(mixed, {"nope": Treatment(), "outage": Treatment(rs_shift=5)}, cost=0)
    paths = {p for p, _ in info.value.errors}
    assert paths == {"treatments['nope']", "treatments['outage'].rs_shift", "cost"}


def test_pert_treated_on_a_pert_tef_keeps_pathwise_order() -> None:
    s = Scenario("p", tef=Pert(0.5, 3, 40), vulnerability=Pert(0.1, 0.3, 0.9), primary_loss=Pert(1, 5, 50))
    base, treated = _pair(s, Treatment(tef_factor=0.9), RunSettings(30_000, 1, "events", 4096))
    assert np.all(base >= treated) and np.any(base > treated)


def test_what_if_on_a_process_pool_is_identical(mixed: list[Scenario]) -> None:
    from concurrent.futures import ProcessPoolExecutor

    treatments = {"ransomware": Treatment(rs_shift=10), "outage": Treatment(loss_cap=1e5)}
    serial = what_if(mixed, treatments, cost=5000, years=3000, seed=4)
    with ProcessPoolExecutor(max_workers=2) as pool:
        assert what_if(mixed, treatments, cost=5000, years=3000, seed=4, executor=pool) == serial


def test_raising_secondary_probability_draws_new_secondary_losses_only(mixed: list[Scenario]) -> None:
    settings = RunSettings(20_000, 9, "events", 5000)
    base, treated = _pair(mixed[0], Treatment(secondary_probability_factor=1.8), settings)
    assert np.all(treated >= base) and treated.mean() > base.mean()
    chunked = _pair(mixed[0], Treatment(secondary_probability_factor=1.8), RunSettings(20_000, 9, "events", 20_000))
    assert np.array_equal(chunked[1], treated)
