"""The worker loop: claim due jobs and run them until told to stop."""

from __future__ import annotations

import logging
import threading
import time

from tandem.platform.db.uow import Database
from tandem.platform.jobs.service import claim_next, enqueue_due_periodic, requeue_stale, run_job

log = logging.getLogger("tandem.worker")
SCHEDULE_CHECK_SECONDS = 30.0


class Worker:
    """Runs jobs one at a time; stop() ends the loop after the current job."""

    def __init__(self, db: Database, poll_seconds: float = 1.0, tick: object | None = None) -> None:
        self.db, self.poll_seconds = db, poll_seconds
        self._stop = threading.Event()
        self._tick = tick  # called between jobs (e.g. periodic audit checkpoints)

    def stop(self) -> None:
        """Ask the loop to end."""
        self._stop.set()

    def run_once(self) -> bool:
        """Run one due job if there is one; return whether one ran."""
        job_id = claim_next(self.db)
        if job_id is None:
            return False
        run_job(self.db, job_id)
        return True

    def run_forever(self, requeue_all_running: bool = False) -> None:
        """Loop until stop(); at start put back jobs a dead worker left running."""
        requeued = requeue_stale(self.db, everything_running=requeue_all_running)
        if requeued:
            log.info("requeued %d job(s) left running by a stopped worker", requeued)
        last_stale_check = time.monotonic()
        last_schedule_check = 0.0
        while not self._stop.is_set():
            try:
                if time.monotonic() - last_schedule_check > SCHEDULE_CHECK_SECONDS:
                    enqueue_due_periodic(self.db)
                    last_schedule_check = time.monotonic()
                ran = self.run_once()
                if callable(self._tick):
                    self._tick()
                if time.monotonic() - last_stale_check > 60:
                    requeue_stale(self.db)
                    last_stale_check = time.monotonic()
            except Exception:  # keep serving: one broken job or a database blip must not stop the worker
                log.exception("worker loop error")
                ran = False
            if not ran:
                self._stop.wait(self.poll_seconds)

    def start_thread(self) -> threading.Thread:
        """Run the loop in a daemon thread (the SQLite single-process mode)."""
        thread = threading.Thread(target=self.run_forever, kwargs={"requeue_all_running": True}, daemon=True)
        thread.name = "tandem-worker"
        thread.start()
        return thread
