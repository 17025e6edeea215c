"""Per-address rate limiting for the pages open without an account (secret-link pages)."""

from __future__ import annotations

import threading
import time
from collections import deque

from fastapi import Request

from tandem.platform.api.deps import client_ip
from tandem.platform.errors import TooManyRequests

WINDOW_S = 60.0
_MAX_TRACKED = 50_000


class SlidingWindow:
    """Counts requests per key over the last minute (per process: enough to make token guessing hopeless)."""

    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, limit: int, now: float | None = None) -> bool:
        """Record a request for key; return whether it is within the limit."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._hits) > _MAX_TRACKED:  # bound memory under an address-spraying flood
                self._hits.clear()
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] > WINDOW_S:
                hits.popleft()
            if len(hits) >= limit:
                return False
            hits.append(now)
            return True

    def reset(self) -> None:
        """Forget every count (tests)."""
        with self._lock:
            self._hits.clear()


PUBLIC = SlidingWindow()


def public_rate_limit(request: Request) -> None:
    """Refuse a public-page request once the caller's address passed the per-minute limit."""
    limit = request.app.state.settings.public_requests_per_minute
    if not PUBLIC.allow(client_ip(request), limit):
        raise TooManyRequests("too many requests from your address; wait a minute and try again")
