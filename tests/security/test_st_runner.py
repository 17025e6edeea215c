"""security/st_runner.py: with --generation-unique-inputs, each distinct request is sent TANDEM_FUZZ_SENDS times and
later copies take the recorded outcome (a failure is still raised for every copy)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from schemathesis.core import NOT_SET

from security import st_runner


@pytest.mark.parametrize("sends", [1, 2])
def test_a_request_goes_out_the_given_number_of_times(sends: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(st_runner, "SENDS", sends)
    monkeypatch.setattr(st_runner, "_sent", {})
    context = SimpleNamespace(outcome_cache={})
    request, other, failure = ("GET", "/a"), ("GET", "/b"), AssertionError("500")
    sent = 0
    for _ in range(5):
        if st_runner._get_cached_outcome(context, request) is NOT_SET:  # type: ignore[arg-type]
            sent += 1
            st_runner._cache_outcome(context, request, None)  # type: ignore[arg-type]
    assert sent == sends
    assert st_runner._get_cached_outcome(context, request) is None  # type: ignore[arg-type]  # passed: not sent again
    assert st_runner._get_cached_outcome(context, other) is NOT_SET  # type: ignore[arg-type]
    for _ in range(sends):
        st_runner._cache_outcome(context, other, failure)  # type: ignore[arg-type]
    assert st_runner._get_cached_outcome(context, other) is failure  # type: ignore[arg-type]


def test_make_test_drops_only_the_target_phase() -> None:
    import hypothesis
    from schemathesis.config._projects import ProjectConfig

    config = ProjectConfig()
    steered = config.get_hypothesis_settings().phases
    plain = st_runner._untargeted_settings(config).phases
    assert hypothesis.Phase.target in steered
    assert set(steered) - set(plain) == {hypothesis.Phase.target}
