"""What a running job sees: progress, log lines and cancellation."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tandem.platform.db.types import utcnow
from tandem.platform.db.uow import Actor, Database, unit_of_work
from tandem.platform.jobs.models import Job


class JobCancelled(Exception):
    """Raised inside a handler when someone cancelled its job."""


@dataclass
class LiveState:
    """Progress of a running job as this process knows it."""

    progress: float = 0.0
    total: float | None = None
    message: str = ""
    log: list[str] = field(default_factory=list)
    cancel: bool = False


# Jobs running in this process. On SQLite the job's own transaction holds the writer lock, so its
# progress cannot be written to the database until it ends; the web server (same process) reads it here.
LIVE: dict[uuid.UUID, LiveState] = {}
_live_guard = threading.Lock()


def live_state(job_id: uuid.UUID) -> LiveState | None:
    """Return the in-process progress of a running job, if it runs here."""
    with _live_guard:
        return LIVE.get(job_id)


def request_cancel_live(job_id: uuid.UUID) -> None:
    """Flag a job running in this process as cancelled."""
    with _live_guard:
        if job_id in LIVE:
            LIVE[job_id].cancel = True


class JobContext:
    """Handed to every handler; all methods are cheap enough to call in a loop."""

    def __init__(
        self,
        db: Database,
        job_id: uuid.UUID,
        on_progress: Callable[[LiveState], None] | None = None,
        actor: Actor | None = None,
    ) -> None:
        self.db, self.job_id, self.on_progress = db, job_id, on_progress
        self.actor = actor or Actor("job", str(job_id), "job")
        self.state = LiveState()
        self._last_write = 0.0
        self._last_cancel_check = 0.0
        with _live_guard:
            LIVE[job_id] = self.state

    def progress(self, done: float, total: float | None = None, message: str = "") -> None:
        """Report done out of total (total None = unknown) and what is happening."""
        self.state.progress, self.state.message = done, message[:500] or self.state.message
        if total is not None:
            self.state.total = total
        self._publish()

    def transaction(self, readonly: bool = False) -> AbstractContextManager[Session]:
        """Open a unit of work attributed to this job (for handlers registered with own_transactions)."""
        return unit_of_work(self.db, actor=self.actor, readonly=readonly)

    def log(self, line: str) -> None:
        """Add a line to the job's log."""
        self.state.log.append(f"{utcnow():%H:%M:%S} {line}"[:1000])
        self._publish(force=True)

    def check_cancelled(self) -> None:
        """Raise JobCancelled if someone asked to cancel this job."""
        now = time.monotonic()
        if not self.state.cancel and now - self._last_cancel_check > 0.5:
            self._last_cancel_check = now
            # A read on its own connection: allowed beside the job's open write transaction.
            with self.db.engine.connect().execution_options(tandem_write=False) as conn:
                flag = conn.scalar(select(Job.cancel_requested).where(Job.id == self.job_id))
            # Only ever raise the flag: request_cancel_live() may have set it while this read ran.
            if flag:
                self.state.cancel = True
        if self.state.cancel:
            raise JobCancelled("cancelled on request")

    def _publish(self, force: bool = False) -> None:
        if self.on_progress is not None:
            self.on_progress(self.state)
        now = time.monotonic()
        if self.db.is_sqlite or (not force and now - self._last_write < 0.5):
            return
        self._last_write = now
        values: dict[str, Any] = {
            "progress": self.state.progress, "total": self.state.total, "message": self.state.message,
            "log": self.state.log[-200:], "heartbeat_at": utcnow(),
        }  # fmt: skip
        with self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(update(Job).where(Job.id == self.job_id).values(**values))

    def close(self) -> None:
        """Forget the in-process state once the job has ended."""
        with _live_guard:
            LIVE.pop(self.job_id, None)
