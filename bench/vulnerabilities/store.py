"""Storing a match pass (issue #7: "matches are stored per software version and expanded to assets lazily").

Rows: counted at full scale from the in-memory result (per-item findings the old layout stored, against version
matches + one link per item + scoped hits the new one stores). Time: a real SQLite database built by the
migrations, STORE_N assets of the same synthetic inventory stored through `store.apply_plan`, against inserting
the same pass as one row per item into the old findings table (the former first-pass cost; named baseline).
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

from tandem.app import register
from tandem.domains import load_manifests
from tandem.inventory.models import SoftwareComponent
from tandem.platform.auth.models import OrgUnit
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.db import migrate
from tandem.platform.db.engine import make_engine
from tandem.platform.db.paging import PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.db.uow import Database, unit_of_work
from tandem.vulnerabilities import matches_repository as mrepo
from tandem.vulnerabilities import service
from tandem.vulnerabilities.feeds import InventoryItem, Match, Matcher
from tandem.vulnerabilities.feeds.versions_matched import VersionMatches
from tandem.vulnerabilities.identities import Identities
from tandem.vulnerabilities.matching import Found, MatchPlan
from tandem.vulnerabilities.store import apply_plan, match_values

STORE_N = int(os.environ.get("TANDEM_BENCH_VULN_STORE_N", "200"))
VERSIONS = Path(__file__).parents[2] / "src/tandem/vulnerabilities/migrations/versions"
MIGRATION = VERSIONS / "0002_vulnerabilities_versions.py"


def rows_at_scale(found: VersionMatches, items: int) -> str:
    """Return the stored-row comparison of a full pass, from the in-memory result."""
    before = found.item_count()
    versions = len(found.inventory.versions)
    scoped = sum(
        sum(1 for i in found.inventory.versions[h.version].items if found.inventory.asset_of[i] in h.assets)
        for h in found.scoped
    )
    after = found.version_pairs + items + versions + scoped
    return (
        f"stored rows (full pass): per-item layout {before:,} finding rows vs per-version layout {after:,} "
        f"({found.version_pairs:,} version matches + {items:,} item links + {versions:,} versions + "
        f"at most {scoped:,} scoped hits) → {before / max(after, 1):.0f}x fewer"
    )


def _database(folder: Path) -> Database:
    register(load_manifests())  # every domain's migrations: the software table belongs to the inventory
    database = Database(make_engine(f"sqlite:///{folder / 'bench.db'}"))
    migrate.upgrade(database.engine)
    return database


def _inventory(database: Database, items: list[InventoryItem]) -> tuple[list[InventoryItem], dict[str, Any]]:
    """Store the items as inventory software rows; return them re-keyed by their row ids."""
    now = utcnow()
    with unit_of_work(database) as session:
        unit = OrgUnit(id=uuid.uuid4(), name="bench", parent_id=None, path="/")
        session.add(unit)
        session.flush()
        rows = [
            {"id": uuid.uuid4(), "org_unit_id": unit.id, "name": i.name, "version": i.version, "vendor": "",
             "cpe": i.cpe, "purl": i.purl, "asset_id": None, "application_id": None, "source": i.source,
             "last_verified_at": None, "created_at": now, "updated_at": now}
            for i in items
        ]  # fmt: skip
        session.execute(SoftwareComponent.__table__.insert(), rows)
    keyed = [InventoryItem(i.asset_id, str(r["id"]), i.name, i.version, i.cpe, i.purl, i.source)
             for i, r in zip(items, rows, strict=True)]  # fmt: skip
    software = {str(r["id"]): SimpleNamespace(**r) for r in rows}
    return keyed, software


def _old_layout(database: Database, plan: MatchPlan, matches: list[Match]) -> float:
    """Insert the pass as one findings row per item into the old table (migration 0002's copy of it)."""
    spec = importlib.util.spec_from_file_location("old_layout", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table = module.findings
    now = utcnow()
    t0 = time.perf_counter()
    with unit_of_work(database) as session:
        table.create(session.connection())
        rows = []
        for m in matches:
            sw = plan.software[m.item.software_id]
            rows.append({"id": uuid.uuid4(), "org_unit_id": sw.org_unit_id, "software_id": sw.id, "asset_id": None,
                         "application_id": None, "component": f"{sw.name} {sw.version}", "advisory_id": m.advisory_id,
                         "status": "open", "status_reason": "", "status_by": "", "status_at": None,
                         "first_seen_at": now, "last_seen_at": now, "created_at": now, "updated_at": now,
                         **match_values(m)})  # fmt: skip
        session.execute(table.insert(), rows)
    elapsed = time.perf_counter() - t0
    with unit_of_work(database) as session:
        table.drop(session.connection())
    return elapsed


def bench_store(matcher: Matcher, items: list[InventoryItem], advisories: int) -> None:
    """Store STORE_N assets' pass both ways on SQLite and print rows and time."""
    subset = [i for i in items if int(i.asset_id.split("-")[1]) < STORE_N]
    with tempfile.TemporaryDirectory(prefix="tandem-vuln-store-") as folder:
        database = _database(Path(folder))
        keyed, software = _inventory(database, subset)
        identities = Identities()
        matches, per_item, per_item_peak = _measured(lambda: matcher.match(keyed))
        groups, grouped, grouped_peak = _measured(lambda: matcher.match_grouped(keyed))
        found = Found(groups, [software[i.software_id].id for i in keyed])
        plan = MatchPlan("full", utcnow(), [found], software, {k: identities.of(r) for k, r in software.items()},
                         advisories=advisories)  # fmt: skip
        old = _old_layout(database, plan, matches)
        t0 = time.perf_counter()
        with unit_of_work(database) as session:
            apply_plan(session, plan)
        new = time.perf_counter() - t0
        with unit_of_work(database, readonly=True) as session:
            counts = mrepo.stored_counts(session)
        reads = _reads(database)
        database.engine.dispose()
    stored = sum(counts.values())
    print(
        f"store ({STORE_N:,} assets, {len(subset):,} items, SQLite): the matcher's result handed to the store as "
        f"{len(groups):,} per-version matches in {grouped:.2f} s (tracemalloc peak {grouped_peak:.0f} MB) instead "
        f"of {len(matches):,} per-item matches in {per_item:.2f} s (peak {per_item_peak:.0f} MB); per-item layout "
        f"{len(matches):,} rows in {old:.1f} s vs per-version layout {stored:,} rows "
        f"({', '.join(f'{k} {v:,}' for k, v in counts.items())}) in {new:.1f} s (apply_plan: versions, links, "
        f"matches, closing); reads expanded per item: {reads}"
    )


T = TypeVar("T")


def _measured(run: Callable[[], T]) -> tuple[T, float, float]:
    """Return run()'s result, its wall time and its tracemalloc peak in MB (timed without tracing)."""
    t0 = time.perf_counter()
    run()
    elapsed = time.perf_counter() - t0
    tracemalloc.start()
    out = run()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return out, elapsed, peak


def _reads(database: Database) -> str:
    """Time the list's first page (most urgent first), one finding by id and the summary counts."""
    out = []
    with unit_of_work(database, readonly=True) as session:
        req = PageRequest.parse(service.FINDING_SPEC, {"limit": "100", "status": "open"})
        t0 = time.perf_counter()
        page = service.list_findings(session, CONSOLE, req)
        out.append(f"first page of 100 {(time.perf_counter() - t0) * 1e3:.0f} ms")
        t0 = time.perf_counter()
        service.get_finding(session, CONSOLE, page.items[-1].id)
        out.append(f"one by id {(time.perf_counter() - t0) * 1e3:.0f} ms")
        t0 = time.perf_counter()
        service.finding_counts(session, CONSOLE)
        out.append(f"summary counts {(time.perf_counter() - t0) * 1e3:.0f} ms")
    return ", ".join(out)
