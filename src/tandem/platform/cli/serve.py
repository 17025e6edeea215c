"""Run the web server with a job worker, and workers on their own."""

from __future__ import annotations

import gc
import logging
import os
import signal
import threading
import time
from typing import Any

import uvicorn
from uvicorn.importer import import_from_string

from tandem.platform.api import accesslog
from tandem.platform.api.ratelimit import PROCESSES_ENV
from tandem.platform.audit.service import sign_checkpoint
from tandem.platform.cli.context import cli_actor
from tandem.platform.cli.supervisor import SocketPerProcess, bind_group
from tandem.platform.config import Settings
from tandem.platform.db.uow import Database, unit_of_work
from tandem.platform.errors import Conflict, InvalidInput
from tandem.platform.jobs.worker import Worker

log = logging.getLogger("tandem.serve")
CHECKPOINT_EVERY_S = 300
MAX_PROCESSES = 64
HEALTHCHECK_TIMEOUT_S = 60
# How a server process spawned by the supervisor finds the application factory.
_FACTORY_ENV = "TANDEM_SERVE_FACTORY"


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


def process_app() -> Any:
    """Build the application inside a server process spawned by `serve --workers N` (uvicorn calls this)."""
    app = import_from_string(os.environ[_FACTORY_ENV])()
    freeze_startup_heap()
    return app


def serve(
    app: Any, db: Database, settings: Settings, host: str, port: int, with_worker: bool = True, workers: int = 1
) -> None:
    """Serve app on host:port with `workers` processes; the one job worker runs in this (the supervising) process.

    With workers > 1, app is the import string of the application factory ("package.module:function"): each
    server process builds its own application from the environment, as uvicorn's multi-process mode requires.
    """
    if not 1 <= workers <= MAX_PROCESSES:
        raise InvalidInput.one("workers", f"must be from 1 to {MAX_PROCESSES}")
    if workers > 1 and not isinstance(app, str):
        raise InvalidInput.one("workers", "several server processes need the application factory's import string")
    worker = Worker(db, settings.worker_poll_seconds, tick=checkpoint_tick(db)) if with_worker else None
    thread = worker.start_thread() if worker else None
    try:
        if workers == 1:
            _serve_one(app if not isinstance(app, str) else import_from_string(app)(), settings, host, port)
        else:
            _serve_many(app, settings, host, port, workers)
    finally:
        if worker is not None and thread is not None:
            worker.stop()
            thread.join(timeout=30)


def _config(app: Any, settings: Settings, host: str, port: int, **extra: Any) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, log_level=settings.log_level.lower(), proxy_headers=False,
                          log_config=accesslog.uvicorn_log_config(settings), **extra)  # fmt: skip


def _serve_one(app: Any, settings: Settings, host: str, port: int) -> None:
    server = uvicorn.Server(_config(app, settings, host, port))
    freeze_startup_heap()
    server.run()


def _serve_many(factory: str, settings: Settings, host: str, port: int, workers: int) -> None:
    """Bind once, then let uvicorn's supervisor keep `workers` server processes alive on the shared socket."""
    os.environ[_FACTORY_ENV], os.environ[PROCESSES_ENV] = factory, str(workers)
    # A process that does not answer the supervisor's ping in time is killed and replaced; building the app takes
    # seconds, and longer on a busy machine, so allow far more than uvicorn's 5 s before calling it hung.
    config = _config(f"{__name__}:process_app", settings, host, port, factory=True, workers=workers,
                     timeout_worker_healthcheck=HEALTHCHECK_TIMEOUT_S)  # fmt: skip
    sockets = bind_group(host, port, workers, config.backlog)
    try:
        SocketPerProcess(config, sockets).run()
    finally:
        for sock in sockets:
            sock.close()


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
