"""Periodic vendors job: e-mail contract owners as notice deadlines approach (90/60/30 days by default)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.jobs.context import JobContext
from tandem.platform.jobs.registry import job
from tandem.vendors import spend


@job("vendors.remind_renewals", every=dt.timedelta(hours=24), view_action="vendors.view")
def remind_job(ctx: JobContext, session: Session) -> dict[str, Any]:
    """E-mail each owner once per threshold before a contract's notice deadline, across all units."""
    result = spend.send_reminders(session)
    ctx.log(f"renewal reminders: {result['sent']} sent, {result['skipped']} skipped (no owner e-mail or no SMTP)")
    return result
