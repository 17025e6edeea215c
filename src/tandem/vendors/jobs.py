"""Periodic vendors jobs: e-mail contract owners as notice deadlines approach (90/60/30 days by default); check
offboarded vendors against the latest access import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tandem.access import service as access_service
from tandem.platform import events
from tandem.platform.jobs.context import JobContext
from tandem.platform.jobs.registry import job
from tandem.vendors import access_reach, spend


@job("vendors.remind_renewals", every=dt.timedelta(hours=24), view_action="vendors.view")
def remind_job(ctx: JobContext, session: Session) -> dict[str, Any]:
    """E-mail each owner once per threshold before a contract's notice deadline, across all units."""
    result = spend.send_reminders(session)
    ctx.log(f"renewal reminders: {result['sent']} sent, {result['skipped']} skipped (no owner e-mail or no SMTP)")
    return result


@job("vendors.verify_offboarding", every=dt.timedelta(hours=24), view_action="vendors.view")
def verify_offboarding_job(ctx: JobContext, session: Session) -> dict[str, Any]:
    """Open a finding for every offboarded vendor whose accounts the latest access import still shows enabled."""
    rows = access_reach.verify_offboarding(session, None)
    counts = {state: sum(r["state"] == state for r in rows) for state in ("waiting", "still active", "verified")}
    ctx.log(f"vendor offboarding: {counts}")
    return counts


def _after_access_import(session: Session, **payload: Any) -> None:
    """Verify offboarded vendors in the same transaction as an accounts import."""
    if payload.get("kind", "accounts") == "accounts":
        access_reach.verify_offboarding(session, None)


# Published by access when an import lands; the daily job above is the safety net.
events.subscribe(access_service.IMPORTED, _after_access_import)
