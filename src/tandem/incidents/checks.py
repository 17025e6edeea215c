"""Incident response's automated control check: breach notifications met their deadlines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tandem.incidents import check_queries as q
from tandem.incidents.models import Obligation
from tandem.platform.checks import CheckOutcome, CheckRun, control_check

MAX_ROWS = 500
NOT_REQUIRED = ("waived", "withdrawn")


def _stamp(moment: dt.datetime | None) -> str:
    return moment.isoformat(timespec="minutes") if moment else ""


def _state(o: Obligation, now: dt.datetime) -> tuple[str, bool]:
    """Return (what happened, whether it missed its deadline)."""
    if o.status == "sent":
        if o.due_at is not None and o.sent_at is not None and o.sent_at > o.due_at:
            return f"sent {(o.sent_at - o.due_at) / dt.timedelta(hours=1):.0f} h late", True
        return "sent on time", False
    if o.due_at is None:
        return "open, no fixed deadline" + (" (as soon as possible)" if o.asap else ""), False
    if o.due_at < now:
        return f"overdue by {(now - o.due_at) / dt.timedelta(hours=1):.0f} h", True
    return f"open, {(o.due_at - now) / dt.timedelta(hours=1):.0f} h left", False


@control_check(
    "incidents.notifications_on_time",
    "Breach notifications met their deadlines",
    "Fails for each notification obligation (regulator, individuals, partners …) sent after its deadline or "
    "still unsent past it; obligations within their deadline pass, waived or withdrawn ones are not counted.",
)
def notifications_on_time(run: CheckRun) -> CheckOutcome:
    """Check that every notification obligation was sent by its deadline or is still within it."""
    failing: list[list[Any]] = []
    passing: list[list[Any]] = []
    for o, incident, unit in q.obligations(run.session, run.unit_ids):
        if o.status in NOT_REQUIRED:
            continue
        state, late = _state(o, run.now)
        row = [incident, o.regime, o.recipient_label or o.recipient, o.jurisdiction, _stamp(o.due_at),
               _stamp(o.sent_at), state, unit, str(o.id)]  # fmt: skip
        (failing if late else passing).append(row)
    total = len(failing) + len(passing)
    if failing:
        summary = f"{len(failing)} of {total} notification obligations missed their deadline"
    elif total:
        summary = f"all {total} notification obligations were met on time or are within their deadline"
    else:
        summary = "no notification obligation in scope"
    if total > MAX_ROWS:
        summary += f" (evidence shows the first {MAX_ROWS} of {total} rows, failing ones first)"
    columns = ["incident", "regime", "recipient", "jurisdiction", "due", "sent", "state", "org unit", "id"]
    return CheckOutcome(not failing, summary, columns, (failing + passing)[:MAX_ROWS], total, len(failing))
