"""The security suite's split: `make test` runs the fast subset; `make security` sets TANDEM_SECURITY_FULL=1."""

from __future__ import annotations

import os

import pytest

FULL_MARKERS = ("authz_full", "reliability_full")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect (not skip) the long runs unless the full security run asked for them."""
    if os.environ.get("TANDEM_SECURITY_FULL") == "1":
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        (drop if any(item.get_closest_marker(m) for m in FULL_MARKERS) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
