"""Risk management's automated control check: scenarios are reviewed on schedule."""

from __future__ import annotations

from typing import Any

from tandem.platform.checks import CheckOutcome, CheckParam, CheckRun, control_check
from tandem.risk import check_queries as q

MAX_ROWS = 500


@control_check(
    "risk.reviews_current",
    "Risk scenarios reviewed on schedule",
    "Fails for each scenario that is not closed and whose review date has passed; with require_review_date, also "
    "for each that has no review date at all (otherwise they are listed, not failed).",
    (CheckParam("require_review_date", "bool", False, "also fail open scenarios that have no review date"),),
)
def reviews_current(run: CheckRun) -> CheckOutcome:
    """Check that no open risk scenario is past its review date."""
    today, require_date = run.now.date(), bool(run.params["require_review_date"])
    failing: list[list[Any]] = []
    passing: list[list[Any]] = []
    for scenario_id, title, status, review, owner, unit in q.open_scenarios(run.session, run.unit_ids):
        if review is None:
            state, late = "no review date", require_date
        elif review < today:
            state, late = f"review {(today - review).days} days overdue", True
        else:
            state, late = f"review due in {(review - today).days} days", False
        row = [title, status, review.isoformat() if review else "", state, owner or "", unit, str(scenario_id)]
        (failing if late else passing).append(row)
    total = len(failing) + len(passing)
    if failing:
        summary = f"{len(failing)} of {total} open risk scenarios are past their review date"
        if require_date:
            summary += " or have none"
    else:
        undated = sum(1 for r in passing if not r[2])
        summary = f"no open risk scenario is past its review date ({total} open, {undated} without a review date)"
    if total > MAX_ROWS:
        summary += f" (evidence shows the first {MAX_ROWS} of {total} rows, failing ones first)"
    columns = ["scenario", "status", "review date", "state", "owner", "org unit", "id"]
    return CheckOutcome(not failing, summary, columns, (failing + passing)[:MAX_ROWS], total, len(failing))
