"""Enqueue, claim, run, retry and cancel jobs."""

from __future__ import annotations

import datetime as dt
import logging
import traceback
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import ListSpec, Page, PageRequest, apply_page
from tandem.platform.db.types import utcnow
from tandem.platform.db.uow import Actor, Database, unit_of_work
from tandem.platform.errors import Conflict, NotFound
from tandem.platform.jobs.context import JobCancelled, JobContext, LiveState, live_state, request_cancel_live
from tandem.platform.jobs.models import Job
from tandem.platform.jobs.registry import get_job, periodic_jobs

log = logging.getLogger("tandem.jobs")
LIST_SPEC = ListSpec(
    sort_fields=("created_at", "name", "status"), default_sort="created_at",
    filter_fields=("status", "name"), search_fields=("name", "message"),
)  # fmt: skip
STALE_AFTER = dt.timedelta(minutes=10)


def enqueue(session: Session, name: str, args: dict[str, Any] | None = None, *, delay_s: float = 0) -> Job:
    """Add a job in the caller's transaction, attributed to the session's actor."""
    spec = get_job(name)
    actor: Actor = session.info.get("actor") or Actor("system")
    job = Job(
        name=name, args=args or {}, max_attempts=spec.max_attempts,
        run_after=utcnow() + dt.timedelta(seconds=delay_s),
        actor_kind=actor.kind, actor_id=actor.id, actor_label=actor.label,
    )  # fmt: skip
    session.add(job)
    session.flush()
    return job


def _visible(stmt: Any, principal: Principal) -> Any:
    if principal.can_anywhere("jobs.manage"):
        return stmt
    return stmt.where(Job.actor_id == str(principal.user_id))


def list_jobs(session: Session, principal: Principal, req: PageRequest) -> Page[Job]:
    """List the jobs principal may see: their own, or all for job managers."""
    return apply_page(session, _visible(select(Job), principal), Job, req)


def get_job_row(session: Session, principal: Principal, job_id: uuid.UUID) -> Job:
    """Return a job principal may see."""
    job = session.scalars(_visible(select(Job).where(Job.id == job_id), principal)).first()
    if job is None:
        raise NotFound("job not found")
    return job


def describe(job: Job) -> dict[str, Any]:
    """Return the job's fields, with live progress when it is running in this process."""
    data = {c.key: getattr(job, c.key) for c in Job.__table__.columns}
    state = live_state(job.id)
    if state is not None and job.status == "running":
        data.update(progress=state.progress, total=state.total, message=state.message, log=list(state.log))
    return data


def request_stop(db: Database, principal: Principal, job_id: uuid.UUID) -> None:
    """Tell a job principal may see that runs in this process to stop, before any write transaction opens.

    On SQLite a running job holds the writer lock until it ends, so a cancel request's own transaction
    could not even begin; this read-only check and in-process flag make the job stop and free the lock.
    """
    with unit_of_work(db, readonly=True) as session:
        job = get_job_row(session, principal, job_id)
        if job.status == "running":
            request_cancel_live(job.id)


def cancel_job(session: Session, principal: Principal, job_id: uuid.UUID) -> Job:
    """Cancel a queued job at once, or ask a running one to stop; cancelling a cancelled job changes nothing."""
    job = get_job_row(session, principal, job_id)
    if job.status == "cancelled":  # e.g. a running job that request_stop() already ended
        return job
    if job.status not in ("queued", "running"):
        raise Conflict(f"job is already {job.status}")
    job.cancel_requested = True
    if job.status == "queued":
        job.status, job.finished_at = "cancelled", utcnow()
    request_cancel_live(job.id)
    session.flush()
    return job


def enqueue_due_periodic(db: Database) -> list[str]:
    """Enqueue every periodic job whose last run is older than its cadence and that is not waiting or running."""
    specs = periodic_jobs()
    if not specs:
        return []
    enqueued = []
    with unit_of_work(db, actor=Actor("system", None, "scheduler")) as session:
        if not db.is_sqlite:
            # Two workers must not both decide a job is due (SQLite already has a single writer).
            session.execute(text("SELECT pg_advisory_xact_lock(7146)"))
        for spec in specs:
            assert spec.every is not None
            waiting = Job.status.in_(("queued", "running"))
            busy = session.scalar(select(func.count()).select_from(Job).where(Job.name == spec.name, waiting))
            last = session.scalar(select(func.max(Job.created_at)).where(Job.name == spec.name))
            if busy or (last is not None and utcnow() - last < spec.every):
                continue
            enqueue(session, spec.name)
            enqueued.append(spec.name)
    return enqueued


def claim_one(db: Database, job_id: uuid.UUID) -> uuid.UUID | None:
    """Claim one specific queued job (a CLI running it in the foreground)."""
    return claim_next(db, job_id=job_id)


def claim_next(db: Database, names: set[str] | None = None, job_id: uuid.UUID | None = None) -> uuid.UUID | None:
    """Mark the oldest due job running and return its id (SKIP LOCKED on PostgreSQL)."""
    with unit_of_work(db, actor=Actor("system", None, "worker")) as session:
        stmt = select(Job).where(Job.status == "queued")
        stmt = stmt.where(Job.id == job_id) if job_id else stmt.where(Job.run_after <= utcnow())
        if names:
            stmt = stmt.where(Job.name.in_(names))
        stmt = stmt.order_by(Job.run_after, Job.created_at).limit(1)
        if not db.is_sqlite:
            stmt = stmt.with_for_update(skip_locked=True)
        job = session.scalars(stmt).first()
        if job is None:
            return None
        job.status, job.started_at, job.heartbeat_at = "running", utcnow(), utcnow()
        job.attempts += 1
        return job.id


def requeue_stale(db: Database, everything_running: bool = False) -> int:
    """Put back jobs whose worker died (no heartbeat for a while, or all running ones at start-up)."""
    with unit_of_work(db, actor=Actor("system", None, "worker")) as session:
        stmt = select(Job).where(Job.status == "running")
        if not everything_running:
            stmt = stmt.where(or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < utcnow() - STALE_AFTER))
        jobs = list(session.scalars(stmt))
        for job in jobs:
            job.status = "queued"
            job.log = [*job.log, "requeued: its worker stopped"]
        return len(jobs)


def run_job(db: Database, job_id: uuid.UUID, on_progress: Callable[[LiveState], None] | None = None) -> str:
    """Run a claimed job in its own transaction; record success, retry or failure. Return the status."""
    with unit_of_work(db, readonly=True) as session:
        job = session.get(Job, job_id)
        if job is None:
            raise NotFound("job not found")
        name, args = job.name, dict(job.args)
        actor = Actor("job", str(job.id), f"job {job.name} for {job.actor_label or job.actor_kind}")
    ctx = JobContext(db, job_id, on_progress, actor)
    spec = get_job(name)
    try:
        if spec.own_transactions:
            result = spec.handler(ctx, None, **args)
            with unit_of_work(db, actor=actor) as session:
                _finish(session, job_id, ctx, "succeeded", result=result)
        else:
            with unit_of_work(db, actor=actor) as session:
                result = spec.handler(ctx, session, **args)
                _finish(session, job_id, ctx, "succeeded", result=result)
        return "succeeded"
    except JobCancelled:
        return _after_failure(db, job_id, ctx, "cancelled", None)
    except Exception as exc:
        log.warning("job %s (%s) failed: %s", name, job_id, exc)
        return _after_failure(db, job_id, ctx, "failed", exc)
    finally:
        ctx.close()


def _finish(session: Session, job_id: uuid.UUID, ctx: JobContext, status: str, **values: Any) -> None:
    job = session.get(Job, job_id)
    assert job is not None
    job.status, job.finished_at = status, utcnow()
    job.progress, job.total, job.message, job.log = (
        ctx.state.progress, ctx.state.total, ctx.state.message, ctx.state.log[-200:],
    )  # fmt: skip
    if status == "succeeded" and job.total:
        job.progress = job.total
    for key, value in values.items():
        setattr(job, key, value if key != "result" or value is None or isinstance(value, dict) else {"value": value})


def _after_failure(db: Database, job_id: uuid.UUID, ctx: JobContext, status: str, exc: Exception | None) -> str:
    with unit_of_work(db, actor=Actor("system", None, "worker")) as session:
        job = session.get(Job, job_id)
        assert job is not None
        error = None if exc is None else f"{type(exc).__name__}: {exc}"
        if exc is not None and job.attempts < job.max_attempts and not job.cancel_requested:
            job.status = "queued"
            job.run_after = utcnow() + dt.timedelta(seconds=2**job.attempts)
            job.error = error
            job.log = [*ctx.state.log[-199:], f"attempt {job.attempts} failed: {error}; retrying"]
            return "queued"
        _finish(session, job_id, ctx, status, error=error)
        if exc is not None:
            job.log = [*job.log, *traceback.format_exception_only(exc)][-200:]
        return status
