"""`incidents.alert_overdue`: hourly, alert the roles of incidents whose notification deadlines passed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tandem.incidents.alerts import alert_overdue
from tandem.platform.jobs.context import JobContext
from tandem.platform.jobs.registry import job


@job("incidents.alert_overdue", every=dt.timedelta(hours=1), view_action="incidents.view")
def alert_overdue_job(ctx: JobContext, session: Session) -> dict[str, Any]:
    """Alert about overdue obligations across all units."""
    result = alert_overdue(session)
    ctx.log(f"{result['alerted']} overdue obligations alerted, {result['mailed']} e-mails sent")
    return result
