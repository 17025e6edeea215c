"""The periodic job that keeps the metric history: one snapshot of every metric per org tree and day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.jobs.context import JobContext
from tandem.platform.jobs.registry import job
from tandem.reporting.homes import snapshots


@job("reporting.snapshot_metrics", every=dt.timedelta(hours=24), view_action="reporting.view")
def snapshot_metrics(ctx: JobContext, session: Session) -> dict[str, Any]:
    """Store today's value of every home metric, so the homes can draw trends."""
    written = snapshots.take_snapshots(session)
    ctx.log(f"metric snapshots: {written} values stored")
    return {"written": written}
