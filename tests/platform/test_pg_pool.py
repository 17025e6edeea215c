"""PostgreSQL connections from the pool: a read transaction is READ ONLY from its BEGIN, and a connection that
sat idle is checked before use, so one the server dropped meanwhile is replaced instead of failing a request."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tandem.platform.db import engine as engine_module
from tandem.platform.db.uow import Database, unit_of_work
from tests.support.databases import PG_ENV, _admin_url, drop_database, new_database

pytestmark = pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"PostgreSQL tests need {PG_ENV}")


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[Database]:
    db, handle = new_database("postgres", tmp_path, migrated=False)
    try:
        yield db
    finally:
        drop_database(db, handle)


def _backend_pid(db: Database) -> int:
    with unit_of_work(db, readonly=True) as session:
        return int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(pid: int) -> None:
    admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    admin.dispose()


def _pings(monkeypatch: pytest.MonkeyPatch, db: Database) -> list[int]:
    """Count the dialect's pings (the real ones still run)."""
    calls: list[int] = []
    real = db.engine.dialect.do_ping

    def counted(dbapi: object) -> bool:
        calls.append(1)
        return bool(real(dbapi))

    monkeypatch.setattr(db.engine.dialect, "do_ping", counted)
    return calls


def test_a_read_transaction_is_read_only_and_the_connection_goes_back_writable(pg: Database) -> None:
    with unit_of_work(pg, readonly=True) as session:
        assert session.execute(text("SHOW transaction_read_only")).scalar_one() == "on"
    with unit_of_work(pg) as session:  # the same pooled connection, no longer read-only
        assert session.execute(text("SHOW transaction_read_only")).scalar_one() == "off"
        session.execute(text("CREATE TABLE pool_probe (n int)"))


def test_a_connection_in_use_is_not_pinged_again(pg: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    pings = _pings(monkeypatch, pg)
    for _ in range(20):
        _backend_pid(pg)
    assert pings == []


def test_a_connection_dropped_while_idle_is_replaced(pg: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    pings = _pings(monkeypatch, pg)
    first = _backend_pid(pg)
    _terminate(first)
    time.sleep(engine_module.IDLE_PING_S + 0.2)
    second = _backend_pid(pg)  # would raise "terminating connection" without the check
    assert second != first and len(pings) == 1
