"""The security suite's split: `make test` runs the fast subset; `make security` sets TANDEM_SECURITY_FULL=1."""

from __future__ import annotations

import os

import pytest

FULL_MARKERS = ("authz_full", "reliability_full")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start the fuzzing runs first (they are the longest), and deselect (not skip) the long runs unless the full
    security run asked for them."""
    items.sort(key=lambda item: item.get_closest_marker("fuzz") is None)  # stable: the rest keep their order
    if os.environ.get("TANDEM_SECURITY_FULL") == "1":
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        (drop if any(item.get_closest_marker(m) for m in FULL_MARKERS) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
