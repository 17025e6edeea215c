"""unit_of_work(): the one place a transaction is opened and committed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from tandem.platform.config import Settings, get_settings
from tandem.platform.db import auth_generation  # noqa: F401  # its session hooks must be on for every writer
from tandem.platform.db.engine import make_engine


@dataclass(frozen=True)
class Actor:
    """Who a change is attributed to in the audit log."""

    kind: str  # user | token | job | cli | system
    id: str | None = None
    label: str = ""


SYSTEM = Actor("system", None, "system")


@dataclass
class Database:
    """An engine and its session factory."""

    engine: Engine
    sessions: sessionmaker[Session] = field(init=False)
    identity: str = field(init=False)  # names the database in process-wide caches (never holds a password)

    def __post_init__(self) -> None:
        self.sessions = sessionmaker(bind=self.engine, expire_on_commit=False, autoflush=True)
        self.identity = self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        """Return whether the backend is SQLite."""
        return self.engine.dialect.name == "sqlite"


_default: Database | None = None


def get_database(settings: Settings | None = None) -> Database:
    """Return the process-wide database for the configured URL."""
    global _default
    if _default is None:
        _default = Database(make_engine((settings or get_settings()).resolved_database_url))
    return _default


def set_database(db: Database | None) -> None:
    """Replace the process-wide database (tests, CLI --database)."""
    global _default
    _default = db


@contextmanager
def unit_of_work(
    db: Database | None = None,
    *,
    actor: Actor = SYSTEM,
    request_id: str | None = None,
    readonly: bool = False,
    lock_timeout: float = 30.0,
) -> Iterator[Session]:
    """Open a connection, a transaction and a session on it; commit on success, roll back on any error.

    A read transaction begins at once. A write transaction begins at its first statement, in the thread that
    runs it: on SQLite that BEGIN IMMEDIATE takes the writer lock, which is so held only while work is done, not
    while a request passes between the server's threads (nothing is read before it, so no snapshot goes stale).
    Code that must act only once the data is durable (exporting audit checkpoints) appends a callable to
    session.info["after_commit"].
    """
    database = db or get_database()
    conn = database.engine.connect().execution_options(tandem_write=not readonly, tandem_lock_timeout=lock_timeout)
    if readonly and not database.is_sqlite:
        conn = conn.execution_options(postgresql_readonly=True)  # BEGIN READ ONLY: no round trip of its own
    session = Session(bind=conn, join_transaction_mode="rollback_only", expire_on_commit=False, autoflush=True)
    session.info.update(actor=actor, request_id=request_id or uuid.uuid4().hex, readonly=readonly)
    session.info[_OPEN] = conn
    try:
        if readonly:
            conn.begin()
        yield session
        if session.info.get(_OPEN) is not None:
            _commit(session)
    except BaseException:
        if not readonly:
            session.rollback()
        if conn.in_transaction():
            conn.rollback()
        raise
    finally:
        session.close()
        conn.close()


_OPEN = "tandem_uow_connection"  # in session.info until the unit of work has committed


def _commit(session: Session) -> None:
    conn: Connection = session.info.pop(_OPEN)  # once: a later statement starts a transaction the exit rolls back
    session.flush()
    callbacks = session.info.pop("after_commit", [])
    if session.info["readonly"]:
        conn.commit()
    else:
        session.commit()  # auth_generation's before_commit hook runs here
    for callback in callbacks:
        callback()


def commit_now(session: Session) -> None:
    """Commit a unit_of_work() session before its block ends, in the calling thread (no-op for other sessions).

    The server calls it as a write route returns, in the route's worker thread: the transaction (and with it
    SQLite's writer lock and PostgreSQL's lock on the audit-chain head) then ends at once, instead of after the
    request has passed back through the event loop and out to another worker thread to commit. Whatever the
    session does afterwards runs in a new transaction, which the end of the block rolls back.
    """
    if session.info.get(_OPEN) is not None:
        _commit(session)
