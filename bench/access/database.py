"""The same organisation stored in a migrated SQLite database; the analysis job's code path and who-can timed."""

from __future__ import annotations

import datetime as dt
import os
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


def _database() -> Database:
    from tandem.app import register
    from tandem.domains import load_manifests
    from tandem.platform.db import migrate
    from tandem.platform.db.engine import make_engine

    register(load_manifests())
    parent = Path(os.environ.get("TANDEM_DATA_DIR", tempfile.gettempdir()))
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="access-bench-", dir=parent))
    engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
    migrate.upgrade(engine)
    return Database(engine)


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


def through_database(sizes: Sizes) -> None:
    """Load the organisation into SQLite, then time the analysis job's code path and who-can."""
    db = _database()
    started = time.perf_counter()
    store = _load(db, sizes)
    print(f"stored in SQLite in {time.perf_counter() - started:.1f} s (setup, not timed below)")
    for label in ("first run (all findings new)", "second run (upsert, nothing new)"):
        started = time.perf_counter()
        with unit_of_work(db) as session:
            counts = analyze.run_analysis(session)
        total = time.perf_counter() - started
        print(
            f"analysis job path, {label}: {total:.1f} s (load {counts['load_s']} s, analyse {counts['analyse_s']} s, "
            f"store {counts['store_s']} s; {counts['new']:,} new findings) — goal < 30 s"
        )
    times = []
    with unit_of_work(db, readonly=True) as session:
        for _ in range(7):
            started = time.perf_counter()
            result = effective.who_can(session, None, store)
            times.append(time.perf_counter() - started)
    print(
        f"who-can {store!r} through SQLite: median {np.median(times) * 1000:.0f} ms, best {min(times) * 1000:.0f} ms "
        f"({result['total']:,} grant paths, first {len(result['rows']):,} returned) — goal < 200 ms"
    )
