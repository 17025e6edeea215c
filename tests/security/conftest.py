"""The security suite's split: `make test` runs the fast subset; `make security` sets TANDEM_SECURITY_FULL=1."""

from __future__ import annotations

import os

import pytest

FULL_MARKERS = ("authz_full", "reliability_full")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start the fuzzing runs first, one per worker (they are the longest), and deselect (not skip) the long runs
    unless the full security run asked for them."""
    items[:] = _fuzzing_first(items)
    if os.environ.get("TANDEM_SECURITY_FULL") == "1":
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        (drop if any(item.get_closest_marker(m) for m in FULL_MARKERS) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _fuzzing_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """Put each fuzzing run at the head of the collection followed by one other test, the rest in their order.

    pytest-xdist hands every worker a first chunk of consecutive tests (two with `--maxschedchunk 1`, as `make test`
    runs): paired like this, each fuzzing run lands on a different worker instead of queueing behind the others.
    """
    fuzz = [item for item in items if item.get_closest_marker("fuzz")]
    rest = [item for item in items if not item.get_closest_marker("fuzz")]
    head: list[pytest.Item] = []
    for run in fuzz:
        head.append(run)
        if rest:
            head.append(rest.pop(0))
    return head + rest
