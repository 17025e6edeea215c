"""The same organisation stored in a migrated SQLite database; the analysis job's code path and who-can timed."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
from sqlalchemy import insert

from bench.access.world import NOW, Sizes, build
from tandem.access import analyze, effective
from tandem.access.models import Account, Assignment, Entitlement, EntitlementStore, Identity, SodRule, System
from tandem.platform.db.uow import Database, unit_of_work

STATUS = {0: "active", 1: "terminated"}


CACHE = os.environ.get("TANDEM_BENCH_ACCESS_CACHE", "")
POSTGRES = os.environ.get("TANDEM_BENCH_ACCESS_POSTGRES", "")


def _database(cached: Path | None = None) -> tuple[Database, Path]:
    """Return a migrated SQLite database in a new folder (a copy of the cached one when given) and its file."""
    from tandem.app import register
    from tandem.domains import load_manifests
    from tandem.platform.db import migrate
    from tandem.platform.db.engine import make_engine

    register(load_manifests())
    parent = Path(os.environ.get("TANDEM_DATA_DIR", tempfile.gettempdir()))
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="access-bench-", dir=parent))
    path = folder / "bench.db"
    if cached is not None:
        shutil.copyfile(cached, path)
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)  # a cached file built before a new migration gets it here
    return Database(engine), path


def _cache_file(sizes: Sizes) -> Path | None:
    """Return where the loaded organisation of these sizes is cached (TANDEM_BENCH_ACCESS_CACHE=folder), if set."""
    if not CACHE:
        return None
    folder = Path(CACHE)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"access-{sizes.identities}-{sizes.accounts}-{sizes.assignments}-{sizes.systems}.db"


def _bulk(session: object, model: object, rows: list[dict[str, object]]) -> None:
    for start in range(0, len(rows), 20_000):
        session.execute(insert(model), rows[start : start + 20_000])  # type: ignore[attr-defined]


def _load(db: Database, sizes: Sizes) -> str:
    """Store the synthetic organisation; return the name of the data store to ask about."""
    from tandem.inventory import service as inventory
    from tandem.inventory.kinds import KINDS
    from tandem.platform.auth import service as auth

    ds = build(sizes)
    when = dt.datetime.fromtimestamp(NOW, dt.UTC)
    with unit_of_work(db) as session:
        root = auth.create_unit(session, None, "Bench Org", None).id
        kind = KINDS["data-stores"]
        store = inventory.create_record(
            session,
            None,
            kind,
            kind.create.model_validate(
                {"name": "Claims warehouse", "data_categories": ["health"], "org_unit_id": root}
            ),
        )
        base = {"org_unit_id": root, "created_at": when, "updated_at": when}
        idents = [uuid.uuid4() for _ in range(ds.ident_status.size)]
        _bulk(
            session,
            Identity,
            [
                {
                    **base,
                    "id": i,
                    "employee_id": f"E{n}",
                    "email": f"e{n}@bench.example",
                    "display_name": f"Person {n}",
                    "department": f"D{ds.ident_dept[n]}",
                    "manager_employee_id": f"E{ds.ident_manager[n]}" if ds.ident_manager[n] >= 0 else "",
                    "status": STATUS[int(ds.ident_status[n])],
                    "source": "bench",
                }
                for n, i in enumerate(idents)
            ],
        )
        systems = [uuid.uuid4() for _ in range(ds.sys_mfa.size)]
        _bulk(
            session,
            System,
            [
                {
                    **base,
                    "id": s,
                    "key": f"sys{n}",
                    "name": f"System {n}",
                    "dormant_days": 90,
                    "mfa_enforced": bool(ds.sys_mfa[n]),
                    "change_windows": [],
                    "source": "bench",
                }
                for n, s in enumerate(systems)
            ],
        )
        per = ds.ent_privileged.size // len(systems)
        ents = [uuid.uuid4() for _ in range(ds.ent_privileged.size)]
        includes = {int(c): int(p) for c, p in zip(ds.inc_child, ds.inc_parent, strict=True)}
        _bulk(
            session,
            Entitlement,
            [
                {
                    **base,
                    "id": e,
                    "system_id": systems[n // per],
                    "external_id": f"ent{n % per}",
                    "name": f"Entitlement {n}",
                    "privileged": bool(ds.ent_privileged[n]),
                    "includes": [f"ent{includes[n] % per}"] if n in includes else [],
                }
                for n, e in enumerate(ents)
            ],
        )
        _bulk(
            session,
            EntitlementStore,
            [
                {**base, "id": uuid.uuid4(), "entitlement_id": ents[n], "data_store_id": store.id, "access": "read"}
                for n in range(1, 40, 3)
            ],
        )
        accounts = [uuid.uuid4() for _ in range(ds.acc_identity.size)]
        last = [dt.datetime.fromtimestamp(t, dt.UTC) for t in ds.acc_last_login.tolist()]
        _bulk(
            session,
            Account,
            [
                {
                    **base,
                    "id": a,
                    "system_id": systems[ds.acc_system[n]],
                    "external_id": f"a{n}",
                    "username": f"user{n}",
                    "identity_id": idents[ds.acc_identity[n]] if ds.acc_identity[n] >= 0 else None,
                    "correlation": "employee_id",
                    "status": "enabled" if ds.acc_enabled[n] else "disabled",
                    "last_login_at": last[n],
                    "is_privileged": bool(ds.acc_privileged[n]),
                    "is_service_account": bool(ds.acc_service[n]),
                }
                for n, a in enumerate(accounts)
            ],
        )
        pairs = np.unique(ds.asg_account * ds.ent_privileged.size + ds.asg_entitlement)
        _bulk(
            session,
            Assignment,
            [
                {
                    "id": uuid.uuid4(),
                    "org_unit_id": root,
                    "account_id": accounts[p // ds.ent_privileged.size],
                    "entitlement_id": ents[p % ds.ent_privileged.size],
                }
                for p in pairs.tolist()
            ],
        )
        _bulk(
            session,
            SodRule,
            [
                {
                    **base,
                    "id": uuid.uuid4(),
                    "name": r.name,
                    "left": [f"sys{i // per}:ent{i % per}" for i in r.left],
                    "right": [f"sys{i // per}:ent{i % per}" for i in r.right],
                    "left_mode": "any",
                    "right_mode": "any",
                    "severity": "high",
                    "enabled": True,
                }
                for r in ds.sod_rules
            ],
        )
    return "Claims warehouse"


def _postgres(url: str, sizes: Sizes) -> tuple[Database, str]:
    """Return the PostgreSQL database at url (created and loaded on first use, reused after: the load takes
    minutes) with earlier findings removed, and the data store to ask about."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from tandem.app import register
    from tandem.domains import load_manifests
    from tandem.platform.db import migrate
    from tandem.platform.db.engine import make_engine

    register(load_manifests())
    target = make_url(url).set(drivername="postgresql+psycopg")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}).first() is None:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    db = Database(make_engine(target.render_as_string(hide_password=False)))
    migrate.upgrade(db.engine)
    with unit_of_work(db) as session:
        loaded = session.execute(text("SELECT count(*) FROM access_assignments")).scalar_one()
        session.execute(text("DELETE FROM access_findings"))
    if not loaded:
        started = time.perf_counter()
        _load(db, sizes)
        print(f"stored in PostgreSQL in {time.perf_counter() - started:.1f} s (setup, kept for the next run)")
    with db.engine.connect() as conn:
        conn.execute(text("ANALYZE"))
    return db, "Claims warehouse"


def through_database(sizes: Sizes) -> None:
    """Load the organisation into SQLite (or PostgreSQL), then time the analysis job and who-can."""
    if POSTGRES:
        db, store = _postgres(POSTGRES, sizes)
        try:
            _time_job(db)
            _time_who_can(db, store)
        finally:
            db.engine.dispose()
        return
    cached = _cache_file(sizes)
    started = time.perf_counter()
    if cached is not None and cached.exists():
        db, path = _database(cached)
        store = "Claims warehouse"
        print(f"copied the cached SQLite file {cached} in {time.perf_counter() - started:.1f} s")
    else:
        db, path = _database()
        store = _load(db, sizes)
        print(f"stored in SQLite in {time.perf_counter() - started:.1f} s (setup, not timed below)")
        if cached is not None:
            db.engine.dispose()
            shutil.copyfile(path, cached)
    try:
        _time_job(db)
        _time_who_can(db, store)
    finally:
        db.engine.dispose()
        shutil.rmtree(path.parent, ignore_errors=True)


def _time_job(db: Database) -> None:
    """Run the `access.analyze` job as the worker does (queued by the console, run by run_job), twice."""
    from tandem.platform.auth.principal import CONSOLE
    from tandem.platform.jobs.service import run_job

    for label in ("first run (all findings new)", "second run (upsert, nothing new)"):
        with unit_of_work(db) as session:
            job_id = analyze.start(session, CONSOLE).job_id
        assert job_id is not None
        started, cpu = time.perf_counter(), time.process_time()
        status = run_job(db, job_id)
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
        with unit_of_work(db, readonly=True) as session:
            run = analyze.latest_run(session)
            counts = dict(run.counts) if run is not None else {}
        print(
            f"access.analyze job, {label}: {status}, {total:.1f} s wall, {cpu:.1f} s CPU "
            f"(load {counts.get('load_s')} s, analyse {counts.get('analyse_s')} s, store {counts.get('store_s')} s, "
            "activity rules "
            f"{counts.get('activity_s')} s; {counts.get('new', 0):,} new findings) — goal < 30 s"
        )


def _time_who_can(db: Database, store: str) -> None:
    """Time who-can as the CLI and API ask it (a principal, so the unit filter applies) and unscoped."""
    from tandem.platform.auth.principal import CONSOLE
    from tandem.platform.cli.serve import freeze_startup_heap

    freeze_startup_heap()  # as `tandem serve` and the worker do once started
    for who, label in ((CONSOLE, "as the console (unit-scoped)"), (None, "unscoped")):
        for target in (store, "PHI"):
            times, cpu = [], []
            with unit_of_work(db, readonly=True) as session:
                for _ in range(15):
                    started, used = time.perf_counter(), time.process_time()
                    result = effective.who_can(session, who, target)
                    times.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - used)
            p50, p95 = np.percentile(times, 50) * 1000, np.percentile(times, 95) * 1000
            print(
                f"who-can {target!r} through {db.engine.dialect.name}, {label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms "
                f"(CPU p50 {np.percentile(cpu, 50) * 1000:.0f} ms; {result['total']:,} grant paths, "
                f"{len(result['rows']):,} returned) — goal < 200 ms"
            )
