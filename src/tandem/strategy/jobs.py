"""`strategy.optimize_plan`: solve, compare with greedy, explain rejections and sweep the frontier, off-transaction."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.db.types import utcnow
from tandem.platform.errors import NotFound
from tandem.platform.jobs.context import JobCancelled, JobContext
from tandem.platform.jobs.registry import job
from tandem.strategy import planning
from tandem.strategy.models import Plan


@job("strategy.optimize_plan", max_attempts=1, view_action="strategy.view", own_transactions=True)
def optimize_job(ctx: JobContext, session: Session | None, plan_id: str) -> dict[str, Any]:
    """Optimise a queued plan; on failure or cancellation the plan says so too."""
    pid = uuid.UUID(plan_id)
    try:
        return _optimize(ctx, pid)
    except JobCancelled:
        _mark_ended(ctx, pid, "cancelled", "cancelled on request")
        raise
    except Exception as exc:
        _mark_ended(ctx, pid, "failed", str(exc) or type(exc).__name__)
        raise


def _mark_ended(ctx: JobContext, pid: uuid.UUID, status: str, error: str) -> None:
    try:
        with ctx.transaction() as tx:
            plan = tx.get(Plan, pid)
            if plan is not None and plan.status in ("queued", "running"):
                plan.status, plan.error, plan.finished_at = status, error[:5000], utcnow()
    except Exception as exc:  # never hide the original failure behind this one
        ctx.log(f"could not mark plan {pid} {status}: {exc}")


def _optimize(ctx: JobContext, pid: uuid.UUID) -> dict[str, Any]:
    with ctx.transaction() as tx:
        plan = tx.get(Plan, pid)
        if plan is None:
            raise NotFound("plan not found")
        plan.status = "running"
        # The job was authorised when queued; it plans over the unit's initiatives as the system.
        snap = planning.build_snapshot(tx, None, plan)
        settings = dict(plan.settings)
    ctx.log(f"optimising {len(snap.problem.initiatives)} initiatives over {snap.problem.quarters} quarters")

    def progress(done: int, total: int, message: str) -> None:
        ctx.progress(done, total, message)
        ctx.check_cancelled()

    result, points, sol = planning.compute(snap, float(settings["time_limit"]), float(settings["gap"]),
                                           bool(settings.get("frontier")), progress)  # fmt: skip
    ctx.log(sol.describe())
    with ctx.transaction() as tx:
        plan = tx.get(Plan, pid)
        if plan is None:
            raise NotFound("plan not found")
        plan.result, plan.frontier = result, points
        plan.status = "succeeded" if sol.has_plan else "infeasible"
        plan.error = "" if sol.has_plan else "; ".join(sol.reasons)[:5000]
        plan.finished_at = utcnow()
    return {"plan_id": str(pid), "status": sol.status, "gap": sol.gap, "selected": len(sol.starts)}
