"""`risk.simulate`: simulate a run's scenarios without holding a transaction, then store results briefly."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.db.types import utcnow
from tandem.platform.errors import NotFound
from tandem.platform.jobs.context import JobContext
from tandem.platform.jobs.registry import job
from tandem.risk import inputs
from tandem.risk import repository as repo
from tandem.risk.fair import FairInputError, simulate
from tandem.risk.models import Run
from tandem.risk.simulation import store_run


@job("risk.simulate", max_attempts=1, view_action="risk.view", own_transactions=True)
def simulate_job(ctx: JobContext, session: Session | None, run_id: str) -> dict[str, Any]:
    """Simulate the scenarios of a queued run and store per-scenario results and the aggregate."""
    rid = uuid.UUID(run_id)
    with ctx.transaction() as tx:
        run = tx.get(Run, rid)
        if run is None:
            raise NotFound("simulation run not found")
        run.status = "running"
        scenarios = repo.scenarios_by_ids(tx, [uuid.UUID(i) for i in run.scenario_ids])
        titles = {str(s.id): s.title for s in scenarios}
        try:
            engine = [inputs.to_scenario(str(s.id), s.fair) for s in scenarios if s.fair]
        except FairInputError as exc:
            run.status, run.error, run.finished_at = "failed", str(exc), utcnow()
            raise
        years, seed, semantics = run.years, run.seed, run.semantics
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
    return {"run_id": run_id, "scenarios": len(engine), "ale": result.total.mean, "p95": result.total.p95}
