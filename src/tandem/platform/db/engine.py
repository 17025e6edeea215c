"""Engines for SQLite (WAL, FULL sync, foreign keys, serialised writers) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from tandem.platform.db.sqlite_lock import LockingConnection, lock_for

# Connections kept open per process. A request holds one for its whole transaction, and a server process runs
# up to ~16 requests at once: with SQLAlchemy's default of 5 the rest were opened and closed per request (a
# PostgreSQL connection costs a backend start; a closing SQLite connection waits for the writer lock).
SQLITE_POOL = {"pool_size": 16, "max_overflow": 16}
POSTGRES_POOL = {"pool_size": 10, "max_overflow": 15}


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine for url with Tandem's connection settings."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database or "", **kwargs)
    if parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, **_pooled(POSTGRES_POOL, kwargs))


def _pooled(sizes: dict[str, int], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Add the pool sizes unless the caller chose its own pool class (which may not take them)."""
    return kwargs if "poolclass" in kwargs else {**sizes, **kwargs}


def _connect_sqlite(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, factory=LockingConnection, isolation_level=None, check_same_thread=False, timeout=30)
    assert isinstance(conn, LockingConnection)
    conn.write_lock = lock_for(path)
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def _sqlite_engine(url: str, path: str, **kwargs: Any) -> Engine:
    if not path or path == ":memory:":
        raise ValueError("Tandem needs a file-backed SQLite database (WAL and the writer lock need a file)")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    first = _connect_sqlite(path)
    # journal_mode is persistent in the file; set it once outside any transaction.
    first.execute("PRAGMA journal_mode=WAL")
    first.close()
    engine = create_engine(url, creator=partial(_connect_sqlite, path), **_pooled(SQLITE_POOL, kwargs))

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # unit_of_work() sets these per connection: may it write, and how long may it wait for the lock.
        options = conn.get_execution_options()
        dbapi = conn.connection.dbapi_connection
        dbapi.begin(options.get("tandem_write", True), options.get("tandem_lock_timeout", 30.0))

    return engine


def sqlite_path(engine: Engine) -> str | None:
    """Return the file of a SQLite engine, or None for other backends."""
    if engine.dialect.name != "sqlite":
        return None
    return engine.url.database
