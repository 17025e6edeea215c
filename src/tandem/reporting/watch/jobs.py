"""The watch's fetch job: periodic when at least one source is enabled (TANDEM_WATCH_ENABLED), and on demand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.jobs.context import JobContext
from tandem.platform.jobs.registry import job
from tandem.reporting.settings import get_reporting_settings
from tandem.reporting.watch import fetch

_settings = get_reporting_settings()
# Read once at start-up: with no source enabled the job never runs by itself (no empty job rows every day).
EVERY = dt.timedelta(hours=_settings.watch_fetch_every_hours) if _settings.enabled_sources() else None


@job("reporting.fetch_watch", max_attempts=1, view_action="reporting.view", own_transactions=True, every=EVERY)
def fetch_watch_job(ctx: JobContext, session: Session | None, sources: list[str] | None = None) -> dict[str, Any]:
    """Fetch the enabled watch sources (or the named ones) and import what is new."""
    wanted = fetch.check_enabled(sources)
    if not wanted:
        ctx.log("no watch source is enabled (TANDEM_WATCH_ENABLED)")
        return {"sources": {}}
    ctx.progress(0, len(wanted), "fetching")
    results = fetch.fetch_sources(wanted, ctx.transaction)
    for source, outcome in results.items():
        ctx.log(f"{source}: {outcome}")
    ctx.progress(len(wanted), len(wanted), "done")
    return {"sources": results}
