"""Background jobs: feed imports and matching run outside any transaction and write in short ones."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.db.types import utcnow
from tandem.platform.jobs.context import JobContext
from tandem.platform.jobs.registry import job
from tandem.platform.jobs.service import enqueue
from tandem.vulnerabilities import ingest, matching, sync
from tandem.vulnerabilities.nvd_api import NvdClient
from tandem.vulnerabilities.service import upload_dir
from tandem.vulnerabilities.settings import get_vulnerability_settings


@job("vulnerabilities.import_feed", max_attempts=1, own_transactions=True)
def import_feed_job(
    ctx: JobContext, session: Session | None, stored: str, kind: str, file_name: str, match: bool = True
) -> dict[str, Any]:
    """Parse a side-loaded feed file, store it in batches and queue a delta match when something changed."""
    path = upload_dir() / Path(stored).name
    try:
        ctx.progress(0, None, f"parsing {file_name}")
        parsed = ingest.parse_feed(kind, path.read_bytes(), file_name)
    finally:
        path.unlink(missing_ok=True)
    queue = (lambda s: enqueue(s, "vulnerabilities.match_inventory", {"mode": "delta"})) if match else None
    return _store(ctx, parsed, file_name, queue)


def _store(
    ctx: JobContext, parsed: ingest.ParsedFeed, file_name: str, queue_match: Callable[[Session], Any] | None
) -> dict[str, Any]:
    """Store parsed feed rows in batches (one short transaction each), record the import, and queue a delta match
    with queue_match when something changed."""
    kind, rows = parsed.kind, parsed.rows
    size, changed, now = get_vulnerability_settings().batch_rows, 0, utcnow()
    for start in range(0, len(rows), size):
        ctx.check_cancelled()
        with ctx.transaction() as s:
            changed += ingest.store_rows(s, kind, rows[start : start + size], now)
        ctx.progress(min(start + size, len(rows)), len(rows), f"stored {kind} rows")
    with ctx.transaction() as s:
        ingest.record_import(s, parsed, file_name, changed, ctx.actor.label)
        queued = queue_match(s) if queue_match is not None and changed else None
    ctx.log(f"{len(rows)} {kind} records, {changed} new or changed")
    return {"records": len(rows), "changed": changed, "match_job": str(queued.id) if queued else None}


@job("vulnerabilities.match_inventory", max_attempts=1, own_transactions=True)
def match_inventory_job(ctx: JobContext, session: Session | None, mode: str = "delta") -> dict[str, Any]:
    """Match the inventory's software against the stored advisories and store the findings."""
    ctx.progress(0, 2, "matching")
    with ctx.transaction(readonly=True) as s:
        plan = matching.plan_matching(s, mode)
    ctx.check_cancelled()
    ctx.progress(1, 2, f"storing {plan.match_count} matches")
    with ctx.transaction() as s:
        result = matching.apply_plan(s, plan)
    ctx.progress(2, 2, "done")
    return result


def _waiter(ctx: JobContext) -> Any:
    """Return a sleep that notices cancellation while it waits (NVD backoffs can last minutes)."""

    def wait(seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ctx.check_cancelled()
            time.sleep(min(left, 0.5))

    return wait


@job("vulnerabilities.sync_nvd", max_attempts=1, own_transactions=True)
def sync_nvd_job(
    ctx: JobContext, session: Session | None, since: str | None = None, full: bool = False, match: bool = True
) -> dict[str, Any]:
    """Sync NVD CVEs through the CVE API 2.0, one stored page at a time, resuming an interrupted sync."""
    settings = get_vulnerability_settings()
    hooks = sync.Hooks(progress=ctx.progress, check_cancelled=ctx.check_cancelled, log=ctx.log)
    ctx.progress(0, None, "asking the NVD API")
    return sync.run_nvd_sync(
        ctx.transaction, lambda: NvdClient(settings, sleep=_waiter(ctx), log=ctx.log), ctx.actor.label,
        since=dt.date.fromisoformat(since) if since else None, full=full, match=match, hooks=hooks,
    )  # fmt: skip


@job("vulnerabilities.fetch_feed", max_attempts=1, own_transactions=True)
def fetch_feed_job(ctx: JobContext, session: Session | None, kind: str, match: bool = True) -> dict[str, Any]:
    """Download KEV or EPSS through the outbound guard, store it in batches and queue a delta match if it changed."""
    ctx.progress(0, None, f"downloading {kind}")
    data, name = ingest.fetch_feed(kind)
    parsed = ingest.parse_feed(kind, data, name)
    return {"kind": kind, **_store(ctx, parsed, name, sync.queue_match_once if match else None)}


@job("vulnerabilities.scheduled_sync", every=dt.timedelta(hours=1), view_action="vulnerabilities.view")
def scheduled_sync_job(ctx: JobContext, session: Session) -> dict[str, Any]:
    """Queue a sync of NVD, KEV and EPSS when fetching is on and the last sync is `sync_every_hours` old (or was
    interrupted: the sync resumes at its cursor)."""
    result = sync.queue_due(session, utcnow())
    ctx.log(f"{len(result['queued'])} feed syncs queued: {result['why']}")
    return result
