"""`risk.simulate`: simulate a run's scenarios without holding a transaction, then store results briefly."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.db.types import utcnow
from tandem.platform.errors import NotFound
from tandem.platform.jobs.context import JobCancelled, JobContext
from tandem.platform.jobs.registry import job
from tandem.risk import inputs
from tandem.risk import repository as repo
from tandem.risk.fair import FairInputError, simulate
from tandem.risk.models import Run
from tandem.risk.simulation import store_run


@job("risk.simulate", max_attempts=1, view_action="risk.view", own_transactions=True)
def simulate_job(ctx: JobContext, session: Session | None, run_id: str) -> dict[str, Any]:
    """Simulate the scenarios of a queued run and store per-scenario results and the aggregate.

    If the job fails or is cancelled, the run says so too (status and error), not only the job row.
    """
    rid = uuid.UUID(run_id)
    try:
        return _simulate(ctx, rid)
    except JobCancelled:
        _mark_ended(ctx, rid, "cancelled", "cancelled on request")
        raise
    except Exception as exc:
        _mark_ended(ctx, rid, "failed", str(exc) or type(exc).__name__)
        raise


def _mark_ended(ctx: JobContext, rid: uuid.UUID, status: str, error: str) -> None:
    """Record a run's failure in its own short transaction (the one that failed was rolled back)."""
    try:
        with ctx.transaction() as tx:
            run = tx.get(Run, rid)
            if run is not None and run.status in ("queued", "running"):
                run.status, run.error, run.finished_at = status, error[:5000], utcnow()
    except Exception as exc:  # never hide the original failure behind this one
        ctx.log(f"could not mark simulation run {rid} {status}: {exc}")


def _simulate(ctx: JobContext, rid: uuid.UUID) -> dict[str, Any]:
    with ctx.transaction() as tx:
        run = tx.get(Run, rid)
        if run is None:
            raise NotFound("simulation run not found")
        run.status = "running"
        scenarios = repo.scenarios_by_ids(tx, [uuid.UUID(i) for i in run.scenario_ids])
        titles = {str(s.id): s.title for s in scenarios}
        fair = [(str(s.id), s.fair) for s in scenarios if s.fair]
        years, seed, semantics = run.years, run.seed, run.semantics
    # Outside the transaction, so that "running" is committed even when the inputs turn out invalid.
    engine = []
    for key, value in fair:
        try:
            engine.append(inputs.to_scenario(key, value))
        except FairInputError as exc:
            where = f"scenario {titles[key]!r}"
            raise FairInputError([(f"{where} {p}".strip(), r) for p, r in exc.errors]) from None
    ctx.log(f"simulating {len(engine)} scenarios × {years:,} years (seed {seed}, {semantics})")

    def progress(done: int, total: int) -> None:
        ctx.progress(done, total, f"{done} of {total} scenarios")
        ctx.check_cancelled()

    result = simulate(engine, years=years, seed=seed, semantics=semantics, progress=progress)
    with ctx.transaction() as tx:
        run = tx.get(Run, rid)
        if run is None:
            raise NotFound("simulation run not found")
        store_run(tx, run, result, titles)
    ctx.log(f"portfolio ALE {result.total.mean:,.0f}, p95 {result.total.p95:,.0f}")
    return {"run_id": str(rid), "scenarios": len(engine), "ale": result.total.mean, "p95": result.total.p95}
