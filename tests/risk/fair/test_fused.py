"""The compiled (Numba) path draws the NumPy path's very numbers and computes the same statistics."""

from __future__ import annotations

import numpy as np
import pytest

from tandem.risk.fair import Constant, LogNormal90, Pert, Scenario, fused, simulate
from tandem.risk.fair.batch import annual_losses, summarise_rows
from tandem.risk.fair.kernel import compile_plan, simulate_plan
from tandem.risk.fair.results import summarise

pytestmark = pytest.mark.skipif(not fused.AVAILABLE, reason="numba is not installed")

STATISTICS = ("mean", "sd", "p_loss", "p10", "p50", "p90", "p95", "p99", "tvar95")


@pytest.fixture
def busy(mixed: list[Scenario]) -> list[Scenario]:
    """The mixed scenarios plus the rare paths: many events per year, very high rates, lognormal tails."""
    return [
        *mixed,
        Scenario(
            "storm",  # ~45 events a year: the per-event buffers grow, the Poisson tail loop runs
            lef=Pert(30, 45, 80),
            primary_loss=LogNormal90(1e3, 1e6),
            secondary_probability=Constant(0.5),
            secondary_loss=LogNormal90(1e4, 1e7),
        ),
        Scenario("flood", tef=Constant(400.0), vulnerability=Pert(0.1, 0.2, 0.3), primary_loss=Constant(2.0)),
        Scenario("rare", lef=Constant(0.001), primary_loss=Pert(1, 2, 3)),
    ]


@pytest.mark.parametrize("semantics", ["events", "product"])
def test_fused_kernel_equals_the_numpy_path(busy: list[Scenario], semantics: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(fused, "_ENABLED", True)
    fast = annual_losses(busy, 3, 5000, semantics, 1 << 17)
    plain = np.array([simulate_plan(compile_plan(s), 3, 5000, semantics, 777) for s in busy])
    assert np.array_equal(fast, plain)


def test_fused_statistics_equal_summarise(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(fused, "_ENABLED", True)
    rng = np.random.default_rng(0)
    rows = np.array([rng.lognormal(10, 2, 10_001) * (rng.random(10_001) >= z) for z in (0.0, 0.3, 0.97, 1.0)])
    rows[1, :50] = 3000.0  # ties
    rows = np.vstack([rows, np.full(10_001, 7.5), np.round(rows[1] / 1e5) * 1e5])  # constant, few distinct values
    for fast, row in zip(summarise_rows(["k"] * len(rows), rows), rows, strict=True):
        ref = summarise("k", row)
        for name in STATISTICS:
            assert getattr(fast, name) == pytest.approx(getattr(ref, name), rel=1e-12, abs=1e-12), name
        assert len(fast.lec) == len(ref.lec)
        if ref.lec:
            assert np.array(fast.lec) == pytest.approx(np.array(ref.lec), rel=1e-12)


def test_simulate_gives_the_same_results_on_both_paths(busy: list[Scenario], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(fused, "_ENABLED", False)
    plain = simulate(busy, years=20_000, seed=9)
    monkeypatch.setattr(fused, "_ENABLED", True)
    fast = simulate(busy, years=20_000, seed=9)
    for key in [*plain.scenarios, None]:
        a, b = (plain.total, fast.total) if key is None else (plain.scenarios[key], fast.scenarios[key])
        for name in STATISTICS:
            assert getattr(b, name) == pytest.approx(getattr(a, name), rel=1e-12, abs=1e-12), (key, name)
        assert np.array(b.lec) == pytest.approx(np.array(a.lec), rel=1e-12), key


@pytest.mark.parametrize("enabled", [True, False])
def test_results_do_not_depend_on_the_number_of_threads(busy: list[Scenario], enabled: bool, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(fused, "_ENABLED", enabled)
    many = [
        Scenario(f"{s.key}-{i}", **{k: v for k, v in vars(s).items() if k != "key"}) for i in range(5) for s in busy
    ]
    monkeypatch.setenv("TANDEM_FAIR_THREADS", "1")
    one = simulate(many, years=3000, seed=4)
    monkeypatch.setenv("TANDEM_FAIR_THREADS", "3")
    assert simulate(many, years=3000, seed=4) == one


def test_compiled_poisson_counts_equal_numpy_at_the_cdf_boundaries() -> None:
    from tandem.risk.fair.poisson import poisson_from_uniform
    from tandem.risk.fair.special import c_ndtri, c_pdtr

    rng = np.random.default_rng(5)
    rate = np.concatenate([rng.random(300) * 2, rng.random(300) * 20, [0.0, 1e-9, 15.99, 16.0, 16.01, 49.0, 51.0]])
    # u at, one float either side of, and just beyond the bounds' margin (1e-12) from the cdf values the NumPy
    # path computes for k = 0..9, and anywhere
    term, cdf, us = np.exp(-rate), np.exp(-rate), [rng.random(rate.size)]
    for k in range(10):
        if k:
            term = term * (rate * (1.0 / k))
            cdf = cdf + term
        us += [cdf, np.nextafter(cdf, 0.0), np.nextafter(cdf, 1.0)]
        us += [cdf + d for d in (-1e-9, -3e-12, -1.01e-12, 1.01e-12, 3e-12, 1e-9)]
    rates = np.tile(rate, len(us))
    u = np.clip(np.concatenate(us), 0.0, np.nextafter(1.0, 0.0))
    expected = poisson_from_uniform(rates, u)
    kernels, n = fused.draws(), rates.size
    counts, sure, rest = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.bool_), np.empty(n, dtype=np.int64)
    total = kernels._poisson(rates, u, counts, n, rest, np.empty(n), np.empty(n), sure, c_ndtri, c_pdtr)
    assert total == counts.sum()
    # Years the bounds decide (without exp) get NumPy's count even one float away from a cdf value …
    assert sure.mean() > 0.05 and np.array_equal(counts[sure], expected[sure])
    # … the others use the C library's exp, which may round differently from NumPy's vectorised exp, so a u
    # placed exactly at a cdf value may count differently: the documented ~1e-16-per-year difference.
    assert np.mean(counts[~sure] != expected[~sure]) < 0.2


def test_compiled_stream_seeding_equals_numpy_seed_sequence() -> None:
    from tandem.risk.fair.streams import Role, Streams, entropy_words

    roles = np.array([int(r) for r in Role], dtype=np.int64)
    for seed in (0, 1, 7, 2**32 + 5, 2**64 + 3, 123456789012345678901234567890):
        for key in ("a", "s0001", "ransomware on the EHR", "x" * 50, "é"):
            states = np.zeros((max(roles) + 1, 4), dtype=np.uint64)
            fused.seeds().stream_states(entropy_words(seed, key), roles, states)
            streams = Streams(seed, key)
            for role in Role:
                expected = streams(role).bit_generator.state["state"]["state"]
                assert np.array_equal(states[int(role)], np.asarray(expected, dtype=np.uint64)), (seed, key, role)
