"""Per-request SQL profile for the inventory benchmark: the slowest statements of one request and their plans.

Enabled by BENCH_PROFILE=1; prints each statement's time and EXPLAIN (QUERY PLAN) of the slowest ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


def profile_request(engine: Engine, call: Callable[[], Any], top: int = 2) -> None:
    """Run call once, recording every statement it executes; print totals, the slowest and their plans."""
    seen: list[tuple[float, str, Any]] = []
    starts: dict[int, float] = {}

    def before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        starts[id(cursor)] = time.perf_counter()

    def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        seen.append(((time.perf_counter() - starts.pop(id(cursor), time.perf_counter())) * 1000, statement, params))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    start = time.perf_counter()
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    total = (time.perf_counter() - start) * 1000
    sql = sum(s[0] for s in seen)
    print(f"    request {total:.1f} ms, {len(seen)} statements, {sql:.1f} ms in SQL", flush=True)
    for ms, statement, params in sorted(seen, key=lambda s: -s[0])[:top]:
        print(f"    {ms:7.1f} ms  {' '.join(statement.split())[:300]}", flush=True)
        for line in explain(engine, statement, params):
            print(f"        | {line}", flush=True)


def explain(engine: Engine, statement: str, params: Any) -> list[str]:
    """Return the plan of one recorded statement."""
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS OFF) "
    if not statement.lstrip().upper().startswith("SELECT"):
        return []
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cur = raw.cursor()
        cur.execute(prefix + statement, params)
        rows = cur.fetchall()
        cur.close()
        conn.rollback()
    if engine.dialect.name == "sqlite":
        return [str(r[-1]) for r in rows]
    return [str(r[0]) for r in rows]
