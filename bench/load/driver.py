"""An asyncio load driver: virtual users issue a weighted mix of page views, API reads and API writes.

Closed loop (each user sends its next request when the previous answered) unless a target rate is given, in
which case requests start on a fixed schedule (open loop) so a slow server shows up as latency, not as a
politely lower rate. Latencies are recorded per class (read, write) and per request name. Each virtual user
holds one keep-alive connection (bench/load/wire.py: a lean HTTP/1.1 client, so the driver leaves the cores to
the server it measures).
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bench.load.server import Credentials
from bench.load.wire import Connection, Reply, WireError

SESSION_COOKIE = "tandem_session"  # plain-HTTP name; under HTTPS the server uses __Host-tandem_session


@dataclass
class Stats:
    """Latencies in seconds by class and by request name; errors by name and outcome."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {"read": [], "write": []})
    by_name: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    driver_cpu: float = 0.0
    server_cpu: float = 0.0

    def record(self, kind: str, name: str, elapsed: float, error: str | None) -> None:
        """Record one request; failed requests count as errors and are kept out of the latencies."""
        if error is not None:
            self.errors[f"{name}: {error}"] += 1
            return
        self.latencies[kind].append(elapsed)
        self.by_name.setdefault(name, []).append(elapsed)

    @property
    def total(self) -> int:
        """Return how many requests were sent."""
        return sum(len(v) for v in self.latencies.values()) + sum(self.errors.values())


def percentile(values: list[float], q: float) -> float:
    """Return the q-th percentile (nearest rank) of values, 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


class Mix:
    """The request mix against the demo organisation: 70 % reads (pages and API), 30 % writes (API)."""

    def __init__(
        self, credentials: Credentials, ids: dict[str, list[str]], root_unit: str, seed: int, only: str | None = None
    ) -> None:
        self.credentials, self.ids, self.root_unit = credentials, ids, root_unit
        self.rng = random.Random(seed)  # picks requests, not secrets
        self.created: dict[str, list[str]] = {"assets": [], "applications": []}
        read: list[tuple[str, int]] = [
            ("page list", 15), ("page detail", 20), ("api list", 15), ("api detail", 20),
        ]  # fmt: skip
        write: list[tuple[str, int]] = [("api create", 15), ("api update", 15)]
        mix = [(n, w) for n, w in read + write if only is None or n == only]  # one kind alone: its own cost
        if not mix:
            raise ValueError(f"no request named {only!r} in the mix")
        self.names = [n for n, _ in mix]
        self.weights = [w for _, w in mix]

    def _plural(self) -> str:
        return self.rng.choice(("assets", "applications"))

    def _record_id(self, plural: str) -> str:
        pool = self.ids[plural] + self.created[plural]
        return self.rng.choice(pool)

    def _body(self, plural: str, update: bool) -> dict[str, object]:
        tag = uuid.uuid4().hex[:10]
        if plural == "assets":
            body: dict[str, object] = {"hostname": f"load-{tag}", "criticality": self.rng.choice(("low", "high"))}
            if update:
                body = {"description": f"updated by the load test {tag}", "criticality": body["criticality"]}
        else:
            body = {"name": f"Load test app {tag}", "user_count": self.rng.randint(1, 5000)}
            if update:
                body = {"description": f"updated by the load test {tag}", "user_count": body["user_count"]}
        if not update:
            body["org_unit_id"] = self.root_unit
        return body

    def next(self) -> tuple[str, str, Callable[[Connection], Awaitable[Reply]]]:
        """Return (class, name, request) for the next request of the mix."""
        name = self.rng.choices(self.names, self.weights)[0]
        plural = self._plural()
        token = {"Authorization": f"Bearer {self.credentials.token}"}
        cookie = {"Cookie": f"{SESSION_COOKIE}={self.credentials.cookie}"}
        api = f"/api/v1/inventory/{plural}"
        if name == "page list":
            return "read", name, lambda c: c.request("GET", f"/inventory/{plural}", cookie)
        if name == "page detail":
            path = f"/inventory/{plural}/{self._record_id(plural)}"
            return "read", name, lambda c: c.request("GET", path, cookie)
        if name == "api list":
            return "read", name, lambda c: c.request("GET", api, token, params={"limit": 50})
        if name == "api detail":
            path = f"{api}/{self._record_id(plural)}"
            return "read", name, lambda c: c.request("GET", path, token)
        if name == "api create":
            body = self._body(plural, update=False)

            async def create(c: Connection) -> Reply:
                response = await c.request("POST", api, token, json_body=body)
                if response.status == 201:
                    self.created[plural].append(response.json()["id"])
                return response

            return "write", name, create
        # Half the updates come from the browser session (cookie + CSRF header), half from an API token.
        path = f"{api}/{self._record_id(plural)}"
        body = self._body(plural, update=True)
        headers = token if self.rng.random() < 0.5 else {**cookie, "X-CSRF-Token": self.credentials.csrf}
        return "write", name, lambda c: c.request("PATCH", path, headers, json_body=body)


async def discover(conn: Connection, credentials: Credentials) -> tuple[dict[str, list[str]], str]:
    """Return the ids of the demo's assets and applications, and the root org unit id."""
    token = {"Authorization": f"Bearer {credentials.token}"}
    ids: dict[str, list[str]] = {}
    for plural in ("assets", "applications"):
        response = await conn.request("GET", f"/api/v1/inventory/{plural}", token, params={"limit": 200})
        if response.status != 200:
            raise RuntimeError(f"listing {plural} answered {response.status}: {response.body[:300]!r}")
        ids[plural] = [item["id"] for item in response.json()["items"]]
        if not ids[plural]:
            raise RuntimeError(f"the demo organisation has no {plural}")
    units = await conn.request("GET", "/api/v1/auth/org-units", token)
    if units.status != 200:
        raise RuntimeError(f"listing org units answered {units.status}")
    listed = units.json()
    items = listed["items"] if isinstance(listed, dict) else listed
    root = next(u["id"] for u in items if u.get("parent_id") is None)
    return ids, root


async def _user(conn: Connection, mix: Mix, stats: Stats, until: float, interval: float | None, offset: float) -> None:
    next_start = time.perf_counter() + offset
    while True:
        if interval is not None:
            await asyncio.sleep(max(0.0, next_start - time.perf_counter()))
            started = next_start  # latency counts from the scheduled start (no coordinated omission)
            next_start += interval
        else:
            started = time.perf_counter()
        if started >= until:
            return
        kind, name, send = mix.next()
        error = None
        try:
            response = await send(conn)
            if response.status >= 400:
                error = str(response.status)
        except WireError as exc:
            error = str(exc)
        stats.record(kind, name, time.perf_counter() - started, error)


async def run(
    base_urls: list[str],
    credentials: Credentials,
    users: int,
    seconds: float,
    rate: float | None,
    only: str | None = None,
) -> Stats:
    """Run the mix (or only the request named `only`) for `seconds` with `users` virtual users; return the stats."""
    stats = Stats()
    conns = [Connection(base_urls[i % len(base_urls)]) for i in range(users)]
    try:
        ids, root = await discover(conns[0], credentials)
        mixes = [Mix(credentials, ids, root, seed=i, only=only) for i in range(users)]
        interval = users / rate if rate else None
        cpu, wall = time.process_time(), time.perf_counter()
        until = wall + seconds
        await asyncio.gather(*[
            _user(conns[i], mixes[i], stats, until, interval, (interval or 0) * i / users) for i in range(users)
        ])  # fmt: skip
        stats.seconds, stats.driver_cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        for conn in conns:
            await conn.close()
    return stats
