"""Engines for SQLite (WAL, FULL sync, foreign keys, serialised writers) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import sqlite3
import time
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

from tandem.platform.db.sqlite_lock import LockingConnection, lock_for

# Connections kept open per process. A request holds one for its whole transaction, and a server process runs
# up to ~16 requests at once: with SQLAlchemy's default of 5 the rest were opened and closed per request (a
# PostgreSQL connection costs a backend start; a closing SQLite connection waits for the writer lock).
SQLITE_POOL = {"pool_size": 16, "max_overflow": 16}
POSTGRES_POOL = {"pool_size": 10, "max_overflow": 15}
IDLE_PING_S = 1.0
_IDLE_SINCE = "tandem_idle_since"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine for url with Tandem's connection settings."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database or "", **kwargs)
    if parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    engine = create_engine(url, **_pooled(POSTGRES_POOL, kwargs))
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection with a round trip before use, but only one that sat idle for IDLE_PING_S.

    What the check guards against (a server restart, an idle-connection timeout, a firewall dropping the link)
    happens to connections that wait in the pool. SQLAlchemy's pool_pre_ping pings on every checkout: one more
    round trip for each transaction, while under load a connection goes back out within milliseconds. A dead
    connection is replaced and the checkout tried again; one that breaks while in use fails its request as it
    would with pre_ping.
    """

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None or time.monotonic() - since < IDLE_PING_S:
            return
        try:
            engine.dialect.do_ping(dbapi)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"a pooled connection no longer answers: {exc}") from exc


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
