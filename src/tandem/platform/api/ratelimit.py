"""Per-address rate limiting for the pages open without an account (secret-link pages).

Counts are kept per server process. `tandem serve --workers N` runs N processes behind one port, so each
allows its share of the limit (rounded up): together they never allow more than the configured limit plus
N - 1 per minute, and an address whose connections all land on one process is held to its share.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import deque

from fastapi import Request

from tandem.platform.api.deps import client_ip
from tandem.platform.errors import TooManyRequests

WINDOW_S = 60.0
_MAX_TRACKED = 50_000
PROCESSES_ENV = "TANDEM_SERVE_PROCESSES"  # set by `tandem serve --workers N` for the processes it starts


def server_processes() -> int:
    """Return how many server processes share the listening socket (1 unless `serve --workers N` started us)."""
    raw = os.environ.get(PROCESSES_ENV, "1")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


def share_of(limit: int) -> int:
    """Return this process's share of a per-minute limit."""
    return max(1, math.ceil(limit / server_processes()))


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
    limit = share_of(request.app.state.settings.public_requests_per_minute)
    if not PUBLIC.allow(client_ip(request), limit):
        raise TooManyRequests("too many requests from your address; wait a minute and try again")
