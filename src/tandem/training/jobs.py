"""Periodic training jobs: recompute assignments from the inventory, and send reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.jobs.context import JobContext
from tandem.platform.jobs.registry import job
from tandem.training import programs, reminders


@job("training.recompute_assignments", every=dt.timedelta(hours=24), view_action="training.view")
def recompute_job(ctx: JobContext, session: Session) -> dict[str, Any]:
    """Assign new joiners, close leavers' assignments, follow department and role changes."""
    return programs.recompute_all(session)


@job("training.send_reminders", every=dt.timedelta(hours=24), view_action="training.view")
def remind_job(ctx: JobContext, session: Session) -> dict[str, Any]:
    """E-mail overdue, due-soon and expiring training and pending policy acknowledgements."""
    return reminders.send_reminders(session)
