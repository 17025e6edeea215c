"""Background jobs: feed imports and matching run outside any transaction and write in short ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.db.types import utcnow
from tandem.platform.jobs.context import JobContext
from tandem.platform.jobs.registry import job
from tandem.platform.jobs.service import enqueue
from tandem.vulnerabilities import ingest, matching
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
    rows, size, changed, now = parsed.rows, get_vulnerability_settings().batch_rows, 0, utcnow()
    for start in range(0, len(rows), size):
        ctx.check_cancelled()
        with ctx.transaction() as s:
            changed += ingest.store_rows(s, kind, rows[start : start + size], now)
        ctx.progress(min(start + size, len(rows)), len(rows), f"stored {kind} rows")
    with ctx.transaction() as s:
        ingest.record_import(s, parsed, file_name, changed, ctx.actor.label)
        queued = enqueue(s, "vulnerabilities.match_inventory", {"mode": "delta"}) if match and changed else None
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
