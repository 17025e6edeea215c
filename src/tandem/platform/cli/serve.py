"""Run the web server with a job worker, and workers on their own."""

from __future__ import annotations

import gc
import logging
import signal
import threading
import time
from typing import Any

import uvicorn

from tandem.platform.audit.service import sign_checkpoint
from tandem.platform.cli.context import cli_actor
from tandem.platform.config import Settings
from tandem.platform.db.uow import Database, unit_of_work
from tandem.platform.errors import Conflict
from tandem.platform.jobs.worker import Worker

log = logging.getLogger("tandem.serve")
CHECKPOINT_EVERY_S = 300


def checkpoint_tick(db: Database) -> Any:
    """Return a worker tick that signs an audit checkpoint every few minutes."""
    last = [time.monotonic()]

    def tick() -> None:
        if time.monotonic() - last[0] >= CHECKPOINT_EVERY_S:
            last[0] = time.monotonic()
            with unit_of_work(db, actor=cli_actor()) as session:
                sign_checkpoint(session)

    return tick


def freeze_startup_heap() -> None:
    """Move everything alive after start-up (modules, routes, models) out of the cyclic collector's reach.

    Those objects live as long as the process; without this every full collection re-scans them (~350k objects
    once every domain is loaded), which showed as ~200 ms pauses on every few requests under load.
    """
    gc.collect()
    gc.freeze()


def serve(app: Any, db: Database, settings: Settings, host: str, port: int, with_worker: bool = True) -> None:
    """Serve app on host:port; on SQLite the one job worker runs in this process (single writer process)."""
    worker = Worker(db, settings.worker_poll_seconds, tick=checkpoint_tick(db)) if with_worker else None
    thread = worker.start_thread() if worker else None
    config = uvicorn.Config(app, host=host, port=port, log_level=settings.log_level.lower(), proxy_headers=False)
    server = uvicorn.Server(config)
    freeze_startup_heap()
    try:
        server.run()
    finally:
        if worker is not None and thread is not None:
            worker.stop()
            thread.join(timeout=30)


def run_worker(db: Database, settings: Settings) -> None:
    """Run a worker process until SIGINT/SIGTERM (PostgreSQL only)."""
    if db.is_sqlite:
        raise Conflict(
            "on SQLite the job worker runs inside `tandem serve` (one writer process); "
            "use PostgreSQL to run separate worker processes"
        )
    worker = Worker(db, settings.worker_poll_seconds, tick=checkpoint_tick(db))
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        log.info("signal %s: stopping after the current job", signum)
        worker.stop()
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    freeze_startup_heap()
    worker.run_forever()
