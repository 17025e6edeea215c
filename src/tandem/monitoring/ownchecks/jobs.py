"""Background job: run the own checks outside any transaction, then store them as one scan in a short one."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.monitoring.ownchecks import service
from tandem.monitoring.ownchecks.runner import Outcome, run_checks
from tandem.monitoring.ownchecks.targets import Target
from tandem.platform.db.types import utcnow
from tandem.platform.jobs.context import JobContext
from tandem.platform.jobs.registry import job


@job(service.JOB, max_attempts=1, own_transactions=True)
def run_checks_job(
    ctx: JobContext, session: Session | None, targets: list[dict[str, Any]], label: str, unit_id: str, who: str = ""
) -> dict[str, Any]:
    """Check the targets' TCP reachability and TLS; the scope is read again now and every target re-admitted."""
    # The scope may have shrunk and DNS may answer differently since the job was queued: judge both again.
    scope, options = service.current_scope(), service.options()
    planned = [Target(**t) for t in targets]
    started = utcnow()
    ctx.progress(0, len(planned), f"checking {len(planned)} services")
    outcomes: list[Outcome] = []

    def done(count: int, outcome: Outcome) -> None:
        if outcome.refused:
            ctx.log(f"refused {outcome.target.label}: {outcome.refused}")
        ctx.progress(count, len(planned), f"checked {outcome.target.label}")
        ctx.check_cancelled()

    for outcome in run_checks(scope, planned, options, started, done):
        outcomes.append(outcome)
    with ctx.transaction() as s:
        scan = service.store_results(s, outcomes, label, uuid.UUID(unit_id), who or ctx.actor.label, started)
        result = {"scan_id": str(scan.id), "checked": sum(1 for o in outcomes if not o.refused),
                  "reachable": sum(1 for o in outcomes if o.reachable),
                  "refused": [o.target.label for o in outcomes if o.refused], "findings": scan.finding_count,
                  "evidence": [o.evidence for o in outcomes if o.evidence][:500]}  # fmt: skip
    return result
