"""An in-process app on the live server's database, for what needs the ASGI scope itself: an HTTPS scheme, a
trusted-proxy peer, or a route that fails on purpose."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from tandem.app import create_app
from tandem.platform.config import get_settings
from tests.support.live import Live


@pytest.fixture(scope="session")
def inproc_app(live: Live) -> Iterator[FastAPI]:
    """One app per backend (building it costs seconds), sharing the live server's database."""
    yield create_app(get_settings(), live.db)
