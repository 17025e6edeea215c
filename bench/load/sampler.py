"""A CPU-time sampling profiler for the server under load (no py-spy needed, and far lighter than cProfile).

Every `interval` seconds a thread reads each other thread's CPU clock (Linux) and charges the CPU
it used since the last sample to the stack it is in now. Waiting threads (selector, lock, queue) use no CPU and
so cost nothing; cProfile instead adds a hook to every call, which triples the time of call-heavy code such as
SQLAlchemy's statement building and skews the picture toward it.
"""

from __future__ import annotations

import contextvars
import re
import sys
import threading
import time
from collections import Counter
from types import FrameType
from typing import Any

from sqlalchemy import Engine, event
from starlette.types import ASGIApp, Receive, Scope, Send

_UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}")


def _cpu_clock(native_id: int) -> int:
    """Return the clock id of a thread's CPU time by its kernel id (Linux: MAKE_THREAD_CPUCLOCK(tid, SCHED)).

    pthread_getcpuclockid() would take the pthread handle, which is undefined once the thread has ended (anyio
    retires idle worker threads); a kernel thread id that is gone just makes clock_gettime() fail.
    """
    return (~native_id << 3) | 6


def _where(frame: FrameType) -> str:
    code = frame.f_code
    name = code.co_filename
    for marker in ("site-packages/", "/src/", "/lib/python3"):
        if marker in name:
            name = name.split(marker, 1)[1]
            break
    return f"{name}:{code.co_name}"


class Sampler:
    """Collect CPU seconds by function: own (innermost frame) and inclusive (anywhere on the stack)."""

    def __init__(self, interval: float = 0.001) -> None:
        self.interval = interval
        self.own: Counter[str] = Counter()  # CPU seconds (floats) by function
        self.inclusive: Counter[str] = Counter()
        self.total = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="cpu-sampler", daemon=True)

    def start(self) -> None:
        """Begin sampling."""
        # The sampler runs only once it holds the GIL, which a busy thread gives up every switch interval (5 ms by
        # default) or when it blocks: samples would pile up at blocking calls. A short interval spreads them out.
        sys.setswitchinterval(self.interval / 5)
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling and wait for the thread."""
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        last: dict[int, float] = {}  # by kernel thread id
        me = threading.get_ident()
        while not self._stop.wait(self.interval):
            native = {t.ident: t.native_id for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                tid = native.get(ident)
                if ident == me or tid is None:
                    continue
                try:
                    now = time.clock_gettime(_cpu_clock(tid))
                except OSError:  # the thread has ended
                    continue
                used, last[tid] = now - last.get(tid, now), now
                if used <= 0:
                    continue
                self.total += used
                seen = set()
                self.own[_where(frame)] += used  # type: ignore[assignment]
                node: FrameType | None = frame
                while node is not None:
                    where = _where(node)
                    if where not in seen:
                        seen.add(where)
                        self.inclusive[where] += used  # type: ignore[assignment]
                    node = node.f_back

    def report(self, top: int = 150) -> str:
        """Return the hottest functions by inclusive and by own CPU, in ms and % of the sampled CPU."""
        total = self.total or 1.0
        lines = [f"sampled CPU {self.total:.2f} s (interval {self.interval * 1000:.1f} ms)", "", "inclusive:"]
        lines += [f"  {100 * s / total:5.1f} %  {s:8.3f} s  {w}" for w, s in self.inclusive.most_common(top)]
        lines += ["", "own:"]
        lines += [f"  {100 * s / total:5.1f} %  {s:8.3f} s  {w}" for w, s in self.own.most_common(top)]
        return "\n".join(lines)


class StatementCounts:
    """SQL statements sent per HTTP request, by method and path pattern (ids replaced by {id})."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.statements: Counter[str] = Counter()
        self._current: contextvars.ContextVar[str | None] = contextvars.ContextVar("bench_route", default=None)
        event.listen(Engine, "before_cursor_execute", self._count)

    def _count(self, *_args: Any) -> None:
        self.statements[self._current.get() or "(outside requests)"] += 1

    def wrap(self, app: ASGIApp) -> ASGIApp:
        """Return app with each HTTP request counted and its statements charged to it (context variables follow
        the request into anyio's worker threads)."""

        async def counted(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            route = f"{scope['method']} {_UUID.sub('{id}', scope['path'])}"
            self.requests[route] += 1
            token = self._current.set(route)
            try:
                await app(scope, receive, send)
            finally:
                self._current.reset(token)

        return counted

    def report(self) -> str:
        """Return statements per request by route."""
        lines = ["SQL statements per request:"]
        for route, n in self.requests.most_common():
            lines.append(f"  {self.statements[route] / n:6.1f}  ({n:>6} requests)  {route}")
        if outside := self.statements.get("(outside requests)"):
            lines.append(f"  {outside} statements outside requests (job worker, start-up)")
        return "\n".join(lines)


class LockTimes:
    """How long SQLite writers waited for the writer lock and held it (bench only: wraps WriteLock's methods)."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.holds: list[float] = []
        self._taken: float | None = None  # one holder per process; it may release from another thread

    def install(self) -> None:
        """Wrap WriteLock.acquire and release of this process."""
        from tandem.platform.db.sqlite_lock import WriteLock

        acquire, release = WriteLock.acquire, WriteLock.release

        def timed_acquire(lock: WriteLock, timeout: float) -> None:
            started = time.perf_counter()
            acquire(lock, timeout)
            now = time.perf_counter()
            self.waits.append(now - started)
            self._taken = now

        def timed_release(lock: WriteLock) -> None:
            if self._taken is not None:
                self.holds.append(time.perf_counter() - self._taken)
                self._taken = None
            release(lock)

        WriteLock.acquire = timed_acquire  # type: ignore[method-assign, assignment]
        WriteLock.release = timed_release  # type: ignore[method-assign, assignment]

    def report(self) -> str:
        """Return wait and hold times in ms (p50, p95, p99, max)."""
        lines = ["SQLite writer lock (ms):"]
        for name, values in (("wait", self.waits), ("hold", self.holds)):
            if not values:
                continue
            ordered = sorted(values)

            def at(q: float, ordered: list[float] = ordered) -> float:
                return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

            lines.append(
                f"  {name}: n={len(ordered)} p50 {at(0.5):.1f} p95 {at(0.95):.1f} p99 {at(0.99):.1f} "
                f"max {1000 * ordered[-1]:.1f}"
            )
        return "\n".join(lines)
