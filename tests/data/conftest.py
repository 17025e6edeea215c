"""Scan roots in a private temporary folder for every data test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tandem.data.settings import get_data_settings


@pytest.fixture
def roots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An allowed scan root (TANDEM_DATA_SCAN_ROOTS) for the test."""
    root = tmp_path / "sources"
    root.mkdir()
    monkeypatch.setenv("TANDEM_DATA_SCAN_ROOTS", str(root))
    get_data_settings.cache_clear()
    yield root.resolve()
    monkeypatch.delenv("TANDEM_DATA_SCAN_ROOTS")
    get_data_settings.cache_clear()
