"""Run a scan: walk or sample the source, fan files out to the executor, store results in short transactions.

The same code runs inside a job (each write its own short transaction, progress, cancellation) and inline in
the caller's transaction (demo, tests), through the `Hooks` it is given.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tandem.data import repository as repo
from tandem.data import results
from tandem.data.executor import executor_for
from tandem.data.files import FileEntry, file_hash, scan_file, walk
from tandem.data.models import DataScan
from tandem.data.settings import get_data_settings
from tandem.data.sqlsource import scan_database
from tandem.platform.config import get_settings
from tandem.platform.db.types import utcnow

T = TypeVar("T")


@dataclass
class Hooks:
    """How a run writes (a short transaction each), reports progress and learns it was cancelled."""

    write: Callable[[Callable[[Session], Any]], Any]
    progress: Callable[[float, float | None, str], None] = lambda done, total, msg: None
    check_cancelled: Callable[[], None] = lambda: None
    executor: str | None = None  # force inline / pool / dask (tests)


@dataclass
class _Plan:
    scan_id: uuid.UUID
    kind: str
    source: str
    done: set[str]
    previous: dict[str, dict[str, Any]] = field(default_factory=dict)


def inline(session: Session, executor: str | None = "inline") -> Hooks:
    """Hooks that write in the caller's session (demo, tests)."""
    return Hooks(write=lambda fn: fn(session), executor=executor)


def run_scan(scan_id: uuid.UUID, hooks: Hooks) -> dict[str, Any]:
    """Run (or resume) a scan to the end; on failure or cancellation record it, then re-raise."""
    plan = hooks.write(lambda s: _start(s, scan_id))
    try:
        if plan.kind == "sql":
            _run_sql(plan, hooks)
        else:
            _run_files(plan, hooks)
    except BaseException as exc:
        status = "cancelled" if type(exc).__name__ == "JobCancelled" else "failed"
        message = f"{type(exc).__name__}: {exc}"
        hooks.write(lambda s: _end(s, scan_id, status, message))
        raise
    return dict(hooks.write(lambda s: _finish(s, scan_id)))


def _start(session: Session, scan_id: uuid.UUID) -> _Plan:
    scan = session.get(DataScan, scan_id)
    if scan is None:
        raise LookupError(f"scan {scan_id} not found")
    scan.status, scan.started_at, scan.finished_at = "running", scan.started_at or utcnow(), None
    previous = repo.previous_scan(session, scan)
    plan = _Plan(scan.id, scan.source_kind, scan.source, repo.done_paths(session, scan.id))
    if previous is not None and scan.source_kind == "files":
        plan.previous = {o["path"]: o for o in repo.object_rows(session, previous.id)}
    scan.previous_scan_id = previous.id if previous else None
    session.flush()
    return plan


def _store(hooks: Hooks, scan_id: uuid.UUID, rows: list[dict[str, Any]], scanned: int, skipped: int) -> None:
    def write(session: Session) -> None:
        scan = session.get(DataScan, scan_id)
        assert scan is not None
        repo.add_objects(session, scan, rows)
        scan.objects_scanned += scanned
        scan.objects_skipped += skipped
        session.flush()

    hooks.write(write)


def _set_total(hooks: Hooks, scan_id: uuid.UUID, total: int) -> None:
    def write(session: Session) -> None:
        scan = session.get(DataScan, scan_id)
        assert scan is not None
        scan.objects_total = total
        session.flush()

    hooks.write(write)


def _unchanged(entry: FileEntry, before: dict[str, Any] | None, max_bytes: int) -> bool:
    """Same size and mtime, or same size and content hash: the previous results still hold."""
    if before is None or before.get("size") != entry.size:
        return False
    if before.get("mtime") == entry.mtime:
        return True
    try:
        return bool(before.get("content_hash")) and file_hash(str(entry.path), max_bytes) == before["content_hash"]
    except OSError:
        return False


def _run_files(plan: _Plan, hooks: Hooks) -> None:
    settings = get_data_settings()
    key, source = get_settings().key("data"), Path(plan.source)
    entries = [e for e in walk(source) if e.rel not in plan.done]
    total = len(entries) + len(plan.done)
    _set_total(hooks, plan.scan_id, total)
    carried, todo = [], []
    for entry in entries:
        before = plan.previous.get(entry.rel)
        if _unchanged(entry, before, settings.max_file_bytes):
            carried.append({**(before or {}), "size": entry.size, "mtime": entry.mtime, "carried": True})
        else:
            todo.append(entry)
    done = len(plan.done) + len(carried)
    for start in range(0, len(carried), 500):
        _store(hooks, plan.scan_id, carried[start : start + 500], 0, len(carried[start : start + 500]))
    hooks.progress(done, total, f"{len(carried)} unchanged files skipped")
    meta = {e.rel: e for e in todo}
    with executor_for(len(todo), settings.workers, hooks.executor) as pool:
        pending: set[Future[Any]] = {
            pool.submit(scan_file, str(e.path), e.rel, key, settings.max_file_bytes) for e in todo
        }
        batch: list[dict[str, Any]] = []
        last = time.monotonic()
        while pending:
            finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in finished:
                row = future.result()
                entry = meta[row["path"]]
                batch.append({**row, "size": entry.size, "mtime": entry.mtime})
            if batch and (len(batch) >= settings.batch_files or not pending or time.monotonic() - last > 2):
                _store(hooks, plan.scan_id, batch, len(batch), 0)
                done += len(batch)
                hooks.progress(done, total, f"scanned {batch[-1]['path']}"[:200])
                batch, last = [], time.monotonic()
            hooks.check_cancelled()


def _run_sql(plan: _Plan, hooks: Hooks) -> None:
    settings = get_data_settings()
    key, url = get_settings().key("data"), make_url(plan.source)
    seen = 0
    for table, count, objects in scan_database(url, settings.sample_rows, key):
        seen += 1
        if table in plan.done:
            continue
        _set_total(hooks, plan.scan_id, count)
        _store(hooks, plan.scan_id, objects, 1, 0)
        hooks.progress(seen, count, f"sampled table {table}")
        hooks.check_cancelled()


def _end(session: Session, scan_id: uuid.UUID, status: str, error: str) -> None:
    scan = session.get(DataScan, scan_id)
    if scan is not None:
        scan.status, scan.finished_at = status, utcnow()
        scan.errors = [*scan.errors, error[:500]][-50:]
        session.flush()


def _finish(session: Session, scan_id: uuid.UUID) -> dict[str, Any]:
    scan = session.get(DataScan, scan_id)
    assert scan is not None
    rows, _ = repo.totals(session, scan_id)
    counts: dict[str, int] = {}
    for row in rows:
        if row["kind"] != "table":
            for entity, n in (row["type_counts"] or {}).items():
                counts[entity] = counts.get(entity, 0) + int(n)
    objects = repo.objects_of(session, scan_id)
    scan.errors = [e for o in objects for e in (o.errors or [])][:50]
    before = repo.object_rows(session, scan.previous_scan_id) if scan.previous_scan_id else []
    change = results.diff(before, repo.object_rows(session, scan_id)) if scan.previous_scan_id else {}
    scan.type_counts, scan.diff = dict(sorted(counts.items())), change
    scan.finding_count = sum(counts.values())
    scan.status, scan.finished_at = "succeeded", utcnow()
    session.flush()
    return {
        "scan_id": str(scan.id),
        "objects": scan.objects_total,
        "skipped": scan.objects_skipped,
        "findings": scan.finding_count,
        "types": scan.type_counts,
    }
