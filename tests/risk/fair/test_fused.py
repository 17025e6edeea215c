"""The compiled (Numba) path draws the NumPy path's very numbers and computes the same statistics."""

from __future__ import annotations

import numpy as np
import pytest

from tandem.risk.fair import Scenario, fused
from tandem.risk.fair.batch import annual_losses, summarise_rows
from tandem.risk.fair.kernel import compile_plan, simulate_plan
from tandem.risk.fair.results import summarise

pytestmark = pytest.mark.skipif(not fused.AVAILABLE, reason="numba is not installed")


@pytest.mark.parametrize("semantics", ["events", "product"])
def test_fused_kernel_equals_the_numpy_path(mixed: list[Scenario], semantics: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(fused, "_ENABLED", True)
    fast = annual_losses(mixed, 3, 5000, semantics, 1 << 17)
    plain = np.array([simulate_plan(compile_plan(s), 3, 5000, semantics, 777) for s in mixed])
    assert np.array_equal(fast, plain)


def test_fused_statistics_equal_summarise(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(fused, "_ENABLED", True)
    rng = np.random.default_rng(0)
    rows = np.array([rng.lognormal(10, 2, 10_001) * (rng.random(10_001) >= z) for z in (0.0, 0.3, 0.97, 1.0)])
    rows[1, :50] = 3000.0  # ties
    for fast, row in zip(summarise_rows(["k"] * 4, rows), rows, strict=True):
        ref = summarise("k", row)
        for name in ("mean", "sd", "p_loss", "p10", "p50", "p90", "p95", "p99", "tvar95"):
            assert getattr(fast, name) == pytest.approx(getattr(ref, name), rel=1e-12, abs=1e-12), name
        assert len(fast.lec) == len(ref.lec)
        if ref.lec:
            assert np.array(fast.lec) == pytest.approx(np.array(ref.lec), rel=1e-12)
