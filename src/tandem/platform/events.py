"""In-process events: how a lower domain tells a higher one that something happened."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from tandem.platform.lazy import ensure_all_loaded

Handler = Callable[..., None]
_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(event: str, handler: Handler) -> None:
    """Call handler(session, **payload) whenever event is published."""
    if handler not in _handlers[event]:
        _handlers[event].append(handler)


def publish(event: str, session: Any, **payload: Any) -> None:
    """Run every subscriber inside the publisher's transaction, in subscription order."""
    ensure_all_loaded()  # subscribers live in higher domains a partial (CLI) load may have skipped
    for handler in list(_handlers[event]):
        handler(session, **payload)
