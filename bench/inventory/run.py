"""Import N assets and M software components from CSV, then time the asset list API and an application page.

python -m bench.inventory.run    (BENCH_ASSETS=100000 BENCH_SOFTWARE=1000000 BENCH_BACKENDS=sqlite,postgres;
PostgreSQL is used when TANDEM_TEST_POSTGRES_URL is set; BENCH_REQUESTS=200 requests per endpoint)
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from tests.support.databases import PG_ENV, drop_database, new_database

from bench.inventory.profile import profile_request
from tandem.app import create_app, register
from tandem.domains import load_manifests
from tandem.inventory import imports, service
from tandem.inventory.kinds import KINDS
from tandem.platform.auth import service as auth
from tandem.platform.auth import tokens
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.config import get_settings
from tandem.platform.db.uow import Database, unit_of_work

ASSETS = int(os.environ.get("BENCH_ASSETS", "100000"))
SOFTWARE = int(os.environ.get("BENCH_SOFTWARE", "1000000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
PROFILE = os.environ.get("BENCH_PROFILE", "") not in ("", "0")
CHUNK = 100_000
OSES = [("Ubuntu", "22.04"), ("Windows Server", "2022"), ("Red Hat Enterprise Linux", "9.3")]


def assets_csv(n: int) -> bytes:
    lines = ["hostname,kind,ip_addresses,os_name,os_version,environment,criticality,tags"]
    envs, crit = ["production", "test", "staging", "development"], ["low", "medium", "high", "critical"]
    for i in range(n):
        os_name, version = OSES[i % 3]
        lines.append(
            f"host-{i:07d}.bench.example,host,10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256},{os_name},"
            f"{version},{envs[i % 4]},{crit[i % 4 * 7 % 4]},bench;rack{i % 40}"
        )
    return ("\n".join(lines) + "\n").encode()


def software_csv(start: int, n: int, assets: int) -> bytes:
    lines = ["name,version,vendor,cpe,purl,asset"]
    for i in range(start, start + n):
        v = f"1.{i % 50}.{i % 7}"
        lines.append(
            f"pkg{i % 997},{v},vendor{i % 31},cpe:2.3:a:vendor{i % 31}:pkg{i % 997}:{v}:*:*:*:*:*:*:*,"
            f"pkg:generic/pkg{i % 997}@{v},host-{i % assets:07d}.bench.example"
        )
    return ("\n".join(lines) + "\n").encode()


def timed(label: str, func: Any) -> Any:
    start = time.perf_counter()
    result = func()
    print(f"  {label:<48} {time.perf_counter() - start:8.2f} s", flush=True)
    return result


def load(db: Database) -> tuple[str, str]:
    with unit_of_work(db) as session:
        root = auth.create_unit(session, None, "Bench", None)
        user, _ = auth.create_user(session, None, "bench", password="correct horse battery staple 42")
        auth.grant_role(session, None, user.id, "admin", root.id)
        _, secret = tokens.new_token(session, user, "bench", ["*:write"], None)
        unit_id = root.id
    with unit_of_work(db) as session:
        r = timed(
            f"import {ASSETS:,} assets (CSV)",
            lambda: imports.import_file(session, CONSOLE, "assets", assets_csv(ASSETS), "assets.csv", unit_id=unit_id),
        )
    print(f"    added {r['added']:,}")
    done = 0
    start = time.perf_counter()
    while done < SOFTWARE:
        n = min(CHUNK, SOFTWARE - done)
        with unit_of_work(db) as session:
            imports.import_file(
                session, CONSOLE, "software", software_csv(done, n, max(ASSETS, 1)), f"sw{done}.csv", unit_id=unit_id
            )
        done += n
    print(
        f"  {f'import {SOFTWARE:,} software components (CSV, {CHUNK:,}/file)':<48} "
        f"{time.perf_counter() - start:8.2f} s",
        flush=True,
    )
    with unit_of_work(db) as session:
        app = service.create_record(
            session, None, KINDS["applications"], KINDS["applications"].create(name="Bench EHR", org_unit_id=unit_id)
        )
        host = service.resolve_ref(session, None, "asset:host-0000001.bench.example")[1]
        service.create_record(
            session,
            None,
            KINDS["relations"],
            KINDS["relations"].create(
                type="runs_on",
                source_kind="application",
                source_id=app.id,
                target_kind="asset",
                target_id=host.id,
                org_unit_id=unit_id,
            ),
        )
        app_id = str(app.id)
    return secret, app_id


def latency(client: TestClient, label: str, path: str, db: Database | None = None) -> None:
    client.get(path)
    samples = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text[:300]
    samples.sort()
    p50, p95 = statistics.median(samples), samples[int(len(samples) * 0.95) - 1]
    verdict = "ok" if p95 < 100 else "OVER 100 ms"
    print(f"  {label:<48} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {verdict}", flush=True)
    if db is not None and PROFILE:
        profile_request(db.engine, lambda: client.get(path))


def run_backend(backend: str) -> None:
    print(f"\n[{backend}] assets={ASSETS:,} software={SOFTWARE:,}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        db, handle = new_database(backend, Path(folder))
        try:
            secret, app_id = load(db)
            client = TestClient(create_app(get_settings(), db), headers={"Authorization": f"Bearer {secret}"})
            latency(client, "GET assets (first page)", "/api/v1/inventory/assets", db)
            latency(
                client,
                "GET assets (filtered env+criticality)",
                "/api/v1/inventory/assets?environment=production&criticality=high",
                db,
            )
            latency(client, "GET assets (sorted by hostname desc)", "/api/v1/inventory/assets?sort=-hostname", db)
            latency(client, "GET assets (search q=host-00099)", "/api/v1/inventory/assets?q=host-00099", db)
            latency(client, "GET application page (with impact query)", f"/inventory/applications/{app_id}", db)
            latency(client, "GET application impact API", f"/api/v1/inventory/applications/{app_id}/impact", db)
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
