"""Background job: a scan runs without holding a transaction and stores its results in short ones."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.data import runner
from tandem.platform.jobs.context import JobContext
from tandem.platform.jobs.registry import job


@job("data.scan_store", max_attempts=1, view_action="data.view", own_transactions=True)
def scan_store_job(ctx: JobContext, session: Session | None, scan_id: str) -> dict[str, Any]:
    """Scan a data store's files or database; cancelled or failed scans resume where they stopped."""

    def write(fn: Any) -> Any:
        with ctx.transaction() as s:
            return fn(s)

    hooks = runner.Hooks(write=write, progress=ctx.progress, check_cancelled=ctx.check_cancelled)
    return runner.run_scan(uuid.UUID(scan_id), hooks)
