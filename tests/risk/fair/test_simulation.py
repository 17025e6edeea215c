"""Simulation correctness: results that cannot come out right without really simulating."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from tandem.risk.fair import Constant, Pert, Scenario, simulate
from tandem.risk.fair.kernel import compile_plan, simulate_plan
from tandem.risk.fair.vulnerability import vulnerability

YEARS = 40_000


def annual(s: Scenario, years: int = YEARS, seed: int = 1, semantics: str = "events", chunk: int = 1 << 17):
    return simulate_plan(compile_plan(s), seed, years, semantics, chunk)


def poisson_chi2_pvalue(counts: np.ndarray, rate: float) -> float:
    """Return the chi-square goodness-of-fit p-value of counts against Poisson(rate), tail classes pooled."""
    top = int(stats.poisson.ppf(1 - 1e-4, rate))
    observed = np.bincount(np.minimum(counts, top), minlength=top + 1)
    expected = stats.poisson.pmf(np.arange(top + 1), rate) * counts.size
    expected[-1] += stats.poisson.sf(top, rate) * counts.size
    keep = expected >= 5
    obs = np.append(observed[keep], observed[~keep].sum())
    exp = np.append(expected[keep], expected[~keep].sum())
    obs, exp = (obs, exp) if exp[-1] > 0 else (obs[:-1], exp[:-1])
    return float(stats.chisquare(obs, exp * obs.sum() / exp.sum()).pvalue)


def test_all_constant_inputs_give_exact_products() -> None:
    s = Scenario(
        "c",
        tef=Constant(3.0),
        vulnerability=Constant(0.25),
        primary_loss=Constant(1000.0),
        secondary_probability=Constant(0.4),
        secondary_loss=Constant(500.0),
    )
    assert np.all(annual(s, 1000, semantics="product") == 0.75 * (1000.0 + 0.4 * 500.0))
    r = simulate([s], years=1000, semantics="product").total
    assert r.mean == r.p10 == r.p99 == r.tvar95 == pytest.approx(900.0, rel=1e-15)
    assert r.sd == pytest.approx(0.0, abs=1e-9) and r.p_loss == 1.0


def test_constant_events_cost_whole_event_losses() -> None:
    s = Scenario("c", lef=Constant(2.0), primary_loss=Constant(1000.0))
    losses = annual(s)
    assert np.array_equal(losses, np.round(losses / 1000.0) * 1000.0)


@pytest.mark.parametrize("rate", [0.3, 2.5, 37.0])
def test_constant_lef_with_unit_loss_gives_poisson_counts(rate: float) -> None:
    counts = annual(Scenario("p", lef=Constant(rate), primary_loss=Constant(1.0))).astype(np.int64)
    assert poisson_chi2_pvalue(counts, rate) > 1e-3
    assert counts.mean() == pytest.approx(rate, rel=5 * np.sqrt(rate / YEARS) / rate)


def test_sum_of_two_poisson_scenarios_is_poisson_with_summed_rate() -> None:
    a = Scenario("a", lef=Constant(0.7), primary_loss=Constant(1.0))
    b = Scenario("b", tef=Constant(3.0), vulnerability=Constant(0.4), primary_loss=Constant(1.0))
    total = (annual(a) + annual(b)).astype(np.int64)
    assert poisson_chi2_pvalue(total, 0.7 + 1.2) > 1e-3
    r = simulate([a, b], years=YEARS)
    assert r.total.mean == pytest.approx(1.9, abs=5 * np.sqrt(1.9 / YEARS))


def test_scenarios_are_independent() -> None:
    a = Scenario("a", lef=Pert(0.5, 1, 3), primary_loss=Pert(1, 2, 3))
    b = Scenario("b", lef=Pert(0.5, 1, 3), primary_loss=Pert(1, 2, 3))  # same inputs, other key
    x, y = annual(a), annual(b)
    assert not np.array_equal(x, y)
    assert abs(np.corrcoef(x, y)[0, 1]) < 4 / np.sqrt(YEARS)


def test_consistent_entry_levels_give_the_same_result() -> None:
    pl = Pert(10, 20, 90)
    lef = simulate([Scenario("k", lef=Constant(1.5), primary_loss=pl)], years=5000)
    tef_v = simulate([Scenario("k", tef=Constant(3.0), vulnerability=Constant(0.5), primary_loss=pl)], years=5000)
    cf = simulate(
        [
            Scenario(
                "k",
                contact_frequency=Constant(6.0),
                probability_of_action=Constant(0.5),
                vulnerability=Constant(0.5),
                primary_loss=pl,
            )
        ],
        years=5000,
    )
    assert lef.total == tef_v.total == cf.total  # constant factors use no random numbers: identical draws


def test_vulnerability_from_tcap_and_rs_thins_threat_events() -> None:
    tcap, rs = Pert(30, 60, 90), Pert(40, 70, 95)
    s = Scenario("t", tef=Constant(4.0), tcap=tcap, rs=rs, primary_loss=Constant(1.0))
    counts = annual(s).astype(np.int64)
    assert poisson_chi2_pvalue(counts, 4.0 * vulnerability(tcap, rs)) > 1e-3


def test_pert_lef_mean_is_the_vose_mean() -> None:
    s = Scenario("m", lef=Pert(1, 2, 10, gamma=4), primary_loss=Constant(1.0))
    losses = annual(s)
    expected = (1 + 4 * 2 + 10) / 6
    assert losses.mean() == pytest.approx(expected, abs=5 * losses.std() / np.sqrt(YEARS))


def test_same_seed_repeats_and_other_seeds_differ(mixed: list[Scenario]) -> None:
    first = simulate(mixed, years=5000, seed=11)
    assert simulate(mixed, years=5000, seed=11) == first
    other = simulate(mixed, years=5000, seed=12)
    assert other.total.mean != first.total.mean
    assert all(other.scenarios[k].mean != first.scenarios[k].mean for k in first.scenarios)


def test_chunking_and_scenario_order_do_not_change_results(mixed: list[Scenario]) -> None:
    whole = simulate(mixed, years=6000, seed=3)
    assert simulate(mixed, years=6000, seed=3, chunk_years=777) == whole
    reordered = simulate(mixed[::-1], years=6000, seed=3, chunk_years=1000)
    assert reordered.scenarios == whole.scenarios
    assert reordered.total.mean == pytest.approx(whole.total.mean, rel=1e-12)
    alone = simulate(mixed[1:2], years=6000, seed=3)
    assert alone.scenarios == {mixed[1].key: whole.scenarios[mixed[1].key]}


def test_a_process_pool_gives_identical_results(mixed: list[Scenario]) -> None:
    from concurrent.futures import ProcessPoolExecutor

    many = [
        Scenario(f"{s.key}-{i}", **{k: v for k, v in vars(s).items() if k != "key"}) for i in range(9) for s in mixed
    ]
    seen: list[tuple[int, int]] = []
    serial = simulate(many, years=3000, seed=5, progress=lambda done, total: seen.append((done, total)))
    with ProcessPoolExecutor(max_workers=2) as pool:
        parallel = simulate(many, years=3000, seed=5, executor=pool)
    assert parallel == serial
    assert seen[-1] == (36, 36) and len(seen) == 3


def test_statistics_are_ordered(mixed: list[Scenario]) -> None:
    r = simulate(mixed, years=20_000, seed=2)
    for s in [*r.scenarios.values(), r.total]:
        assert 0 <= s.p10 <= s.p50 <= s.p90 <= s.p95 <= s.p99
        assert s.tvar95 >= s.p95
        assert 0 < len(s.lec) <= 200
        losses, probs = zip(*s.lec, strict=True)
        assert all(np.diff(losses) > 0) and all(np.diff(probs) <= 0)
        assert probs[0] <= s.p_loss and probs[-1] > 0


def test_an_empty_register_simulates_to_zero() -> None:
    r = simulate([], years=100)
    assert r.scenarios == {} and r.total.mean == 0.0 and r.total.lec == [] and r.total.p_loss == 0.0


def test_bad_run_settings_are_located(mixed: list[Scenario]) -> None:
    from tandem.risk.fair import FairInputError

    with pytest.raises(FairInputError) as info:
        simulate([mixed[0], mixed[0]], years=0, seed=-1, semantics="magic", chunk_years=0)
    assert {p for p, _ in info.value.errors} == {"scenarios[1].key", "years", "seed", "semantics", "chunk_years"}


def test_one_scenario_of_100k_years_runs_inline() -> None:
    import time

    s = Scenario(
        "inline",
        tef=Pert(1, 5, 20),
        vulnerability=Pert(0.1, 0.2, 0.4),
        primary_loss=Pert(1e4, 5e4, 5e5),
        secondary_probability=Pert(0.1, 0.2, 0.5),
        secondary_loss=Pert(1e4, 1e5, 1e6),
    )
    simulate([s], years=1000)
    started = time.perf_counter()
    simulate([s], years=100_000)
    print(f"one scenario × 100,000 years: {time.perf_counter() - started:.3f} s")  # printed, never asserted
