"""Serve Tandem in one process under a profiler, every thread included; print hot spots on exit.

    python -m bench.load.run --profile sample --workers 1 --backend sqlite --seconds 30 [--only "page detail"]

(run.py starts this module instead of `tandem serve`). `sample` (bench/load/sampler.py) charges each thread's CPU
time to the stack it is in, every millisecond: cheap enough that the figures stay close to those of an unprofiled
run. `cprofile` (plain `--profile`) counts every call: exact call counts, but the hook inflates call-heavy code.
Sync routes run in anyio's worker threads, which a plain cProfile run would miss: each new thread starts its own
profiler, and the profiles are merged at exit. BENCH_LOAD_PROFILE_OUT=<file> also keeps the raw cProfile stats.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import threading
import time
from typing import Any

import uvicorn

from bench.load.sampler import LockTimes, Sampler, StatementCounts
from tandem.app import create_app
from tandem.platform.config import get_settings

_profiles: list[cProfile.Profile] = []
_lock = threading.Lock()


def _start_in_thread(*_args: Any) -> None:
    sys.setprofile(None)
    profile = cProfile.Profile(time.thread_time)  # CPU time of this thread: waiting on locks costs nothing
    with _lock:
        _profiles.append(profile)
    profile.enable()


def main() -> None:
    """Serve until SIGINT, then print the top functions by cumulative and by own time to stdout."""
    settings = get_settings()
    app = create_app(settings)
    if os.environ.get("BENCH_LOAD_PROFILE_MODE") == "sample":
        sampler, counts, locks = Sampler(), StatementCounts(), LockTimes()
        locks.install()
        sampler.start()
        try:
            uvicorn.run(counts.wrap(app), host=settings.host, port=settings.port, log_level="warning", access_log=False)
        finally:
            sampler.stop()
            print(counts.report(), locks.report(), sampler.report(), sep="\n\n", flush=True)
        return
    threading.setprofile(_start_in_thread)
    main_profile = cProfile.Profile(time.thread_time)
    _profiles.append(main_profile)
    main_profile.enable()
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", access_log=False)
    finally:
        main_profile.disable()
        out = io.StringIO()
        stats = pstats.Stats(_profiles[0], stream=out)
        for profile in _profiles[1:]:
            profile.create_stats()
            stats.add(profile)
        if out_file := os.environ.get("BENCH_LOAD_PROFILE_OUT"):
            stats.dump_stats(out_file)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(40)
        print(out.getvalue(), flush=True)


if __name__ == "__main__":
    main()
