"""Access jobs: the analysis (with the activity rules) and the daily campaign reminders."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.access import activity, analyze, reports
from tandem.access.models import AnalysisRun
from tandem.platform.db.types import utcnow
from tandem.platform.jobs.context import JobContext
from tandem.platform.jobs.registry import job


@job("access.analyze", max_attempts=1, view_action="access.view")
def analyze_job(ctx: JobContext, session: Session, run_id: str | None = None) -> dict[str, Any]:
    """Analyse every identity, account and grant, store findings, then run the activity rules."""
    started = time.perf_counter()
    run = session.get(AnalysisRun, uuid.UUID(run_id)) if run_id else None
    ctx.progress(0, 3, "loading access data")
    counts = analyze.run_analysis(session)
    ctx.progress(2, 3, "activity rules")
    rules_started = time.perf_counter()
    counts.update(activity.detect(session))
    counts["activity_s"] = round(time.perf_counter() - rules_started, 3)
    ctx.log(", ".join(f"{k}: {v}" for k, v in counts.items()))
    if run is not None:
        run.status, run.counts, run.finished_at = "succeeded", counts, utcnow()
        run.seconds = round(time.perf_counter() - started, 3)
    ctx.progress(3, 3, "done")
    return counts


@job("access.send_reminders", view_action="access.view", every=dt.timedelta(hours=24))
def reminders_job(ctx: JobContext, session: Session) -> dict[str, Any]:
    """Remind reviewers of pending items and apply the non-response policy to overdue campaigns."""
    sent = reports.send_reminders(session)
    ctx.log(f"sent {sent} reminder(s)")
    return {"sent": sent}
