"""Background jobs: enqueue in the caller's transaction, run, retry, roll back, cancel, claim, requeue, API."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from tandem.platform.audit.models import AuditEntry
from tandem.platform.auth.models import Meta
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.db.types import utcnow
from tandem.platform.db.uow import Actor, Database, unit_of_work
from tandem.platform.errors import Conflict
from tandem.platform.jobs import service
from tandem.platform.jobs.context import JobContext
from tandem.platform.jobs.models import Job
from tandem.platform.jobs.registry import job
from tandem.platform.jobs.worker import Worker
from tests.support.databases import drop_database, new_database

STARTED: dict[str, threading.Event] = {}


@job("testing.count_up")
def count_up(ctx: JobContext, session: Session, total: int = 4, key: str = "") -> dict[str, Any]:
    for i in range(1, total + 1):
        ctx.progress(i, total, f"step {i}")
    if key:
        session.add(Meta(key=key, value="done"))
    return {"counted": total}


@job("testing.always_fail", max_attempts=3)
def always_fail(ctx: JobContext, session: Session, key: str) -> None:
    session.add(Meta(key=key, value="half-done"))
    session.flush()
    raise ValueError("boom")


@job("testing.wait_cancel", max_attempts=1)
def wait_cancel(ctx: JobContext, session: Session, key: str) -> dict[str, Any]:
    session.add(Meta(key=key, value="running"))
    session.flush()
    STARTED[key].set()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        ctx.check_cancelled()
        time.sleep(0.02)
    return {"cancelled": False}


@job("testing.give_number")
def give_number(ctx: JobContext, session: Session, n: int = 0) -> int:
    return n


def add_job(db: Database, name: str, actor: Actor | None = None, delay_s: float = 0, **args: Any) -> uuid.UUID:
    with unit_of_work(db, actor=actor or Actor("user", "u-1", "alice")) as session:
        return service.enqueue(session, name, args, delay_s=delay_s).id


def row(db: Database, job_id: uuid.UUID) -> Job:
    with unit_of_work(db, readonly=True) as session:
        found = session.get(Job, job_id)
        assert found is not None
        return found


def meta(db: Database, key: str) -> tuple[Meta | None, list[AuditEntry]]:
    with unit_of_work(db, readonly=True) as session:
        entries = list(session.scalars(select(AuditEntry).where(AuditEntry.entity_id == key)))
        return session.get(Meta, key), entries


def key() -> str:
    return f"job-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def private_db(db: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A database of this module's own, so claims never meet other tests' jobs."""
    database, handle = new_database("sqlite" if db.is_sqlite else "postgres", tmp_path_factory.mktemp("jobs"))
    yield database
    drop_database(database, handle)


@pytest.fixture
def jobs_db(private_db: Database) -> Database:
    with unit_of_work(private_db) as session:
        session.execute(delete(Job))
    return private_db


def test_enqueue_in_a_rolled_back_transaction_leaves_no_job(db: Database) -> None:
    with pytest.raises(RuntimeError), unit_of_work(db) as session:
        job_id = service.enqueue(session, "testing.count_up").id
        assert session.get(Job, job_id) is not None
        raise RuntimeError("the import failed")
    with unit_of_work(db, readonly=True) as session:
        assert session.get(Job, job_id) is None


def test_job_runs_with_progress_and_result(db: Database) -> None:
    name = key()
    job_id = add_job(db, "testing.count_up", total=4, key=name)
    queued = row(db, job_id)
    assert (queued.status, queued.actor_label, queued.attempts) == ("queued", "alice", 0)
    assert service.claim_one(db, job_id) == job_id
    seen: list[tuple[float, float | None, str]] = []
    status = service.run_job(db, job_id, on_progress=lambda s: seen.append((s.progress, s.total, s.message)))
    assert status == "succeeded"
    assert seen == [(i, 4, f"step {i}") for i in range(1, 5)]
    done = row(db, job_id)
    assert (done.status, done.result, done.progress, done.total, done.message) == (
        "succeeded", {"counted": 4}, 4, 4, "step 4",
    )  # fmt: skip
    assert done.attempts == 1 and done.started_at and done.finished_at and done.finished_at >= done.started_at
    stored, (entry,) = meta(db, name)
    assert stored is not None and (entry.actor_kind, entry.actor_id) == ("job", str(job_id))


def test_plain_result_is_wrapped(db: Database) -> None:
    job_id = add_job(db, "testing.give_number", n=7)
    service.claim_one(db, job_id)
    assert service.run_job(db, job_id) == "succeeded"
    assert row(db, job_id).result == {"value": 7}


def test_failing_job_backs_off_then_fails_and_writes_nothing(db: Database) -> None:
    name = key()
    job_id = add_job(db, "testing.always_fail", key=name)
    for attempt, expected in ((1, "queued"), (2, "queued"), (3, "failed")):
        assert service.claim_one(db, job_id) == job_id
        before = utcnow()
        assert service.run_job(db, job_id) == expected
        after, current = utcnow(), row(db, job_id)
        assert (current.attempts, current.status, current.error) == (attempt, expected, "ValueError: boom")
        if expected == "queued":
            backoff = dt.timedelta(seconds=2**attempt)
            assert before + backoff <= current.run_after <= after + backoff
    assert service.claim_one(db, job_id) is None
    assert current.finished_at is not None and any("ValueError: boom" in line for line in current.log)
    assert meta(db, name) == (None, [])  # the job's writes and their audit entries are gone


def test_cancelling_a_queued_job(db: Database) -> None:
    job_id = add_job(db, "testing.count_up")
    with unit_of_work(db) as session:
        assert service.cancel_job(session, CONSOLE, job_id).status == "cancelled"
    cancelled = row(db, job_id)
    assert cancelled.cancel_requested and cancelled.finished_at is not None
    assert service.claim_one(db, job_id) is None
    with unit_of_work(db) as session:  # cancelling again is harmless
        assert service.cancel_job(session, CONSOLE, job_id).status == "cancelled"


def test_finished_job_cannot_be_cancelled(db: Database) -> None:
    job_id = add_job(db, "testing.give_number")
    service.claim_one(db, job_id)
    service.run_job(db, job_id)
    with pytest.raises(Conflict, match="already succeeded"), unit_of_work(db) as session:
        service.cancel_job(session, CONSOLE, job_id)


def start_waiting_job(db: Database) -> tuple[uuid.UUID, str, threading.Thread, list[str]]:
    """Claim and start testing.wait_cancel in a thread; return once its handler loops."""
    name = key()
    STARTED[name] = threading.Event()
    job_id = add_job(db, "testing.wait_cancel", key=name)
    assert service.claim_one(db, job_id) == job_id
    outcome: list[str] = []
    thread = threading.Thread(target=lambda: outcome.append(service.run_job(db, job_id)), daemon=True)
    thread.start()
    assert STARTED[name].wait(10), "the job never started"
    return job_id, name, thread, outcome


def test_cancelling_a_running_job_from_another_connection(db: Database) -> None:
    job_id, name, thread, outcome = start_waiting_job(db)
    service.request_stop(db, CONSOLE, job_id)  # what the API and web routes do first
    with unit_of_work(db, lock_timeout=10) as session:
        service.cancel_job(session, CONSOLE, job_id)
    thread.join(20)
    assert outcome == ["cancelled"], row(db, job_id).log
    assert row(db, job_id).status == "cancelled"
    assert meta(db, name) == (None, [])


def test_cancel_from_another_process_stops_a_running_job(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    if db.is_sqlite:
        pytest.skip("on SQLite the running job holds the writer lock: only a request in its own process can reach it")
    job_id, name, thread, outcome = start_waiting_job(db)
    monkeypatch.setattr(service, "request_cancel_live", lambda _id: None)  # the job runs in another process
    with unit_of_work(db) as session:  # the API of a web server process: only the flag in the database
        assert service.cancel_job(session, CONSOLE, job_id).status == "running"
    thread.join(20)
    assert outcome == ["cancelled"], row(db, job_id).log
    assert row(db, job_id).status == "cancelled" and meta(db, name) == (None, [])


def claim_together(database: Database, threads: int) -> list[uuid.UUID | None]:
    """Call claim_next from several threads released at the same moment."""
    barrier, claimed = threading.Barrier(threads), []

    def claim() -> None:
        barrier.wait()
        claimed.append(service.claim_next(database, names={"testing.give_number"}))

    workers = [threading.Thread(target=claim) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(30)
    return claimed


def test_concurrent_claims_never_take_the_same_job(jobs_db: Database) -> None:
    for round_ in range(40):
        jobs = {add_job(jobs_db, "testing.give_number", n=round_) for _ in range(2 if round_ % 4 else 1)}
        claimed = claim_together(jobs_db, 2)
        got = [c for c in claimed if c is not None]
        assert len(claimed) == 2 and len(set(got)) == len(got) == len(jobs) and set(got) == jobs
    with unit_of_work(jobs_db, readonly=True) as session:
        assert set(session.scalars(select(Job.attempts))) == {1}


def test_worker_runs_due_jobs_only(jobs_db: Database) -> None:
    worker = Worker(jobs_db, poll_seconds=0.01)
    assert worker.run_once() is False
    due = add_job(jobs_db, "testing.count_up", total=2)
    later = add_job(jobs_db, "testing.count_up", delay_s=3600)
    assert worker.run_once() is True
    assert worker.run_once() is False
    assert (row(jobs_db, due).status, row(jobs_db, later).status) == ("succeeded", "queued")


def test_requeue_stale_running_jobs(jobs_db: Database) -> None:
    stale, fresh = (add_job(jobs_db, "testing.count_up") for _ in range(2))
    for job_id in (stale, fresh):
        service.claim_one(jobs_db, job_id)
    with unit_of_work(jobs_db) as session:
        old = utcnow() - service.STALE_AFTER - dt.timedelta(minutes=1)
        session.execute(update(Job).where(Job.id == stale).values(heartbeat_at=old))
    assert service.requeue_stale(jobs_db) == 1
    assert (row(jobs_db, stale).status, row(jobs_db, fresh).status) == ("queued", "running")
    assert row(jobs_db, stale).log[-1].startswith("requeued")
    assert service.requeue_stale(jobs_db, everything_running=True) == 1
    assert row(jobs_db, fresh).status == "queued"


# --- the API --------------------------------------------------------------------------------------


def actor_for(live: Any, username: str) -> Actor:
    return Actor("user", str(live.users[username]), username)


def test_api_shows_jobs_to_their_owner_and_to_admins(live: Any) -> None:
    own = add_job(live.db, "testing.count_up", actor_for(live, "viewer-user"))
    other = add_job(live.db, "testing.count_up", actor_for(live, "finance-viewer"))
    with live.client("viewer") as viewer:
        assert viewer.get(f"/api/v1/jobs/{own}").json()["status"] == "queued"
        assert viewer.get(f"/api/v1/jobs/{other}").status_code == 404
        assert viewer.post(f"/api/v1/jobs/{other}/cancel").status_code == 404
        listed = {j["id"] for j in viewer.get("/api/v1/jobs", params={"limit": 100}).json()["items"]}
        assert str(own) in listed and str(other) not in listed
        assert viewer.post(f"/api/v1/jobs/{own}/cancel").json()["status"] == "cancelled"
        assert viewer.post(f"/api/v1/jobs/{own}/cancel").json()["status"] == "cancelled"
    assert row(live.db, other).status == "queued"
    with live.client("admin") as admin:
        assert admin.get(f"/api/v1/jobs/{other}").json()["actor_label"] == "finance-viewer"
        listed = {
            j["id"] for j in admin.get("/api/v1/jobs", params={"limit": 100, "sort": "-created_at"}).json()["items"]
        }
        assert {str(own), str(other)} <= listed


def test_api_cancels_a_job_running_in_the_server_process(live: Any) -> None:
    job_id, _, thread, outcome = start_waiting_job(live.db)  # the worker thread of a SQLite server
    with live.client("admin") as admin:
        response = admin.post(f"/api/v1/jobs/{job_id}/cancel", timeout=10)
    assert response.status_code == 200, response.text
    thread.join(20)
    assert outcome == ["cancelled"] and row(live.db, job_id).status == "cancelled"


@job("testing.own_transactions", max_attempts=1, own_transactions=True)
def _own_transactions(ctx: JobContext, session: object, key: str) -> dict[str, bool]:
    # Long work would happen here without a transaction; the write is short and attributed to the job.
    assert session is None
    with ctx.transaction() as s:
        s.add(Meta(key=key, value="written by the job"))
    return {"wrote": True}


def test_a_job_may_open_its_own_short_transactions(db: Database) -> None:
    key = f"own-{uuid.uuid4().hex[:8]}"
    with unit_of_work(db) as s:
        job_id = service.enqueue(s, "testing.own_transactions", {"key": key}).id
    assert service.claim_next(db, {"testing.own_transactions"}) == job_id
    assert service.run_job(db, job_id) == "succeeded"
    with unit_of_work(db, readonly=True) as s:
        assert s.get(Meta, key) is not None
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == key)).one()
    assert entry.actor_kind == "job" and entry.actor_id == str(job_id)


def test_periodic_jobs_are_enqueued_when_due_and_not_twice(jobs_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from tandem.platform.jobs import registry

    spec = registry.JobSpec("testing.count_up", count_up, 3, "jobs.view", False, dt.timedelta(hours=1))
    monkeypatch.setattr(service, "periodic_jobs", lambda: [spec])
    assert service.enqueue_due_periodic(jobs_db) == ["testing.count_up"]
    assert service.enqueue_due_periodic(jobs_db) == []  # already waiting
    worker = Worker(jobs_db, poll_seconds=0.01)
    assert worker.run_once() is True
    assert service.enqueue_due_periodic(jobs_db) == []  # ran less than an hour ago
    with unit_of_work(jobs_db) as session:
        session.execute(update(Job).values(created_at=utcnow() - dt.timedelta(hours=2)))
    assert service.enqueue_due_periodic(jobs_db) == ["testing.count_up"]
    with unit_of_work(jobs_db, readonly=True) as session:
        assert [j.actor_label for j in session.scalars(select(Job).where(Job.status == "queued"))] == ["scheduler"]
