"""An in-process app on the live server's database, for what needs the ASGI scope itself: an HTTPS scheme, a
trusted-proxy peer, or a route that fails on purpose."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI

from tandem.app import create_app
from tandem.platform.config import get_settings
from tests.support.live import Live


@pytest.fixture(scope="session")
def inproc_app(live: Live) -> Iterator[FastAPI]:
    """One app per backend (building it costs seconds), sharing the live server's database."""
    yield create_app(get_settings(), live.db)


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set TANDEM_* settings for one test (the live server shares this process, so it sees them too)."""

    def apply(**values: object) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"TANDEM_{name.upper()}", str(value))
        get_settings.cache_clear()

    yield apply
    monkeypatch.undo()
    get_settings.cache_clear()
