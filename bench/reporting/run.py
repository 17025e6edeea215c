"""Role homes and the metrics API: p95 latency on the demo organisation and at the inventory benchmark's scale.

python -m bench.reporting.run    (BENCH_REQUESTS=40 requests per page; BENCH_REPORTING_SCALE=0 skips the large
inventory and BENCH_REPORTING_DEMO=0 the demo; the inventory's size follows bench/inventory: BENCH_ASSETS=100000
BENCH_SOFTWARE=1000000; PostgreSQL is used too when TANDEM_TEST_POSTGRES_URL is set, BENCH_BACKENDS=sqlite,postgres)

Named baseline, measured in the same run: "uncached" renders every panel from the domains on every request (no
rendered-panel reuse, no cross-request vendor reach). Ours reuses a panel's HTML while the audit head (every audited
change) is unchanged and for at most a minute. Both are printed with the ratio; the target is p95 under 300 ms.
Timings are on a shared machine: read the ratios, not absolute milliseconds.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.support.databases import PG_ENV, drop_database, new_database

from tandem.app import create_app, register
from tandem.domains import load_manifests
from tandem.platform.auth import tokens
from tandem.platform.auth.models import User
from tandem.platform.config import get_settings
from tandem.platform.db.uow import Database, unit_of_work
from tandem.platform.web import home
from tandem.reporting.queries import common

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
SCALE = os.environ.get("BENCH_REPORTING_SCALE", "1") not in ("", "0")
DEMO = os.environ.get("BENCH_REPORTING_DEMO", "1") not in ("", "0")
PAGES = [("CIO home", "/home/cio"), ("CISO home", "/home/ciso"), ("Joint view", "/home/joint"),
         ("metrics API", "/api/v1/reporting/metrics")]  # fmt: skip


def p95(client: TestClient, path: str, before: Callable[[], None]) -> tuple[float, float]:
    """Return (p50, p95) in ms of GET path, calling before() ahead of each request."""
    before()
    client.get(path)
    samples = []
    for _ in range(REQUESTS):
        before()
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text[:300]
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def uncached() -> None:
    home.clear_cache()
    common.forget_shared()


def measure(client: TestClient) -> None:
    """Print p50/p95 of each page, uncached (baseline) and ours, and their ratio."""
    for label, path in PAGES:
        base50, base95 = p95(client, path, uncached)
        ours50, ours95 = p95(client, path, lambda: None)
        verdict = "" if not path.startswith("/home") else ("ok" if ours95 < 300 else "OVER 300 ms")
        print(f"  {label:<12} uncached p50 {base50:7.1f} p95 {base95:7.1f} ms | ours p50 {ours50:6.1f} "
              f"p95 {ours95:6.1f} ms | ×{base95 / max(ours95, 0.01):5.1f}  {verdict}", flush=True)  # fmt: skip


def token_for(db: Database, username: str) -> str:
    with unit_of_work(db) as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        return tokens.new_token(session, user, "bench", ["*:read"], None)[1]


def demo(db: Database, folder: Path) -> None:
    from tandem.demo.org import load

    started = time.perf_counter()
    with unit_of_work(db) as session:
        load(session, folder / "logins.txt")
    print(f"  demo loaded in {time.perf_counter() - started:.1f} s", flush=True)
    for role in ("cio", "ciso"):
        print(f"  as {role}:", flush=True)
        measure(TestClient(create_app(get_settings(), db), headers={"Authorization": f"Bearer {token_for(db, role)}"}))


def scale(db: Database) -> None:
    from bench.inventory.run import ASSETS, SOFTWARE
    from bench.inventory.run import load as load_inventory

    print(f"  inventory benchmark scale: assets={ASSETS:,} software={SOFTWARE:,}", flush=True)
    load_inventory(db)
    measure(TestClient(create_app(get_settings(), db), headers={"Authorization": f"Bearer {token_for(db, 'bench')}"}))


def run_backend(backend: str) -> None:
    steps: list[tuple[str, Callable[[Database, Path], None]]] = [("demo", demo)] if DEMO else []
    if SCALE:
        steps.append(("inventory scale", lambda db, _folder: scale(db)))
    for label, step in steps:
        print(f"\n[{backend}] {label}", flush=True)
        with tempfile.TemporaryDirectory() as folder:
            db, handle = new_database(backend, Path(folder))
            try:
                step(db, Path(folder))
            finally:
                drop_database(db, handle)


def main() -> None:
    """Run every configured backend and print the figures."""
    os.environ.setdefault("TANDEM_DATA_DIR", tempfile.mkdtemp(prefix="tandem-bench-"))
    os.environ.setdefault("TANDEM_LOG_LEVEL", "WARNING")
    get_settings.cache_clear()
    register(load_manifests())
    default = "sqlite,postgres" if os.environ.get(PG_ENV) else "sqlite"
    for backend in os.environ.get("BENCH_BACKENDS", default).split(","):
        run_backend(backend.strip())


if __name__ == "__main__":
    main()
