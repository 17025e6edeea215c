"""Where file scans fan out: in-process, a local process pool (default) or a Dask cluster (TANDEM_DASK_SCHEDULER)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from tandem.platform.config import get_settings

# Below this many files, starting worker processes costs more than it saves.
MIN_FILES_FOR_POOL = 8


class InlineExecutor(Executor):
    """Runs each task at submit time in this process (tests, tiny scans, workers=1)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # the caller reads it from the future, as with a pool
            future.set_exception(exc)
        return future


def choose(tasks: int, workers: int, scheduler: str) -> str:
    """Return which executor a scan of `tasks` files uses: dask, pool or inline."""
    if scheduler:
        return "dask"
    if workers == 1 or tasks < MIN_FILES_FOR_POOL:
        return "inline"
    return "pool"


@contextmanager
def executor_for(tasks: int, workers: int = 0, kind: str | None = None) -> Iterator[Executor]:
    """Yield the executor for a scan; `kind` forces one (tests compare their results)."""
    scheduler = get_settings().dask_scheduler
    kind = kind or choose(tasks, workers, scheduler)
    if kind == "dask":
        from dask.distributed import Client  # optional: only when a scheduler is configured

        client = Client(scheduler)
        try:
            yield client.get_executor()
        finally:
            client.close()
        return
    if kind == "inline":
        yield InlineExecutor()
        return
    count = max(1, min(workers or os.cpu_count() or 1, tasks))
    # spawn: the scanning process may run threads (web server, job worker); a forked child could inherit held locks.
    pool = ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"))
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
