"""Deferred loading of the domains: the CLI loads only the domain a command needs, and loads the rest the
moment something might depend on them (an event is published, a job or a token scope of another domain is
looked up), so a partial load never changes behaviour, it only saves start-up time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_loaders: list[Callable[[], Any]] = []


def defer(loader: Callable[[], Any]) -> None:
    """Remember how to load everything that was not loaded yet."""
    _loaders.append(loader)


def ensure_all_loaded() -> None:
    """Run the deferred loaders once (no-op when everything is loaded)."""
    while _loaders:
        _loaders.pop(0)()
