"""The database layer: schema only from migrations, SQLite settings, serialised writers, read-only units."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from tandem.platform.auth.models import Meta
from tandem.platform.db import migrate
from tandem.platform.db.base import Base
from tandem.platform.db.engine import make_engine
from tandem.platform.db.uow import Database, unit_of_work
from tests.support.databases import drop_database, new_database


def test_models_and_migrations_agree(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == [], f"models and migrations disagree; write a migration: {diff}"


def test_every_head_is_applied(db: Database) -> None:
    assert migrate.pending_heads(db.engine) == []
    assert migrate.current(db.engine) == migrate.heads(db.engine)


def test_downgrade_to_base_and_back(backend: str, tmp_path: Path) -> None:
    database, handle = new_database(backend, tmp_path)
    try:
        with unit_of_work(database) as session:
            session.add(Meta(key="kept", value="before downgrade"))
        migrate.downgrade(database.engine, "base")
        assert migrate.current(database.engine) == set()
        migrate.upgrade(database.engine)
        assert migrate.pending_heads(database.engine) == []
    finally:
        drop_database(database, handle)


def test_sqlite_runs_wal_full_sync_and_foreign_keys(tmp_path: Path) -> None:
    database = Database(make_engine(f"sqlite:///{tmp_path / 'x.db'}"))
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def test_migrations_leave_sqlite_foreign_keys_on(tmp_path: Path) -> None:
    """Migrations switch SQLite's foreign keys off while batch mode rebuilds tables; they must come back on."""
    database = Database(make_engine(f"sqlite:///{tmp_path / 'fk.db'}"))
    migrate.upgrade(database.engine)
    migrate.downgrade(database.engine, "strategy@-1")
    migrate.upgrade(database.engine)
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert migrate.pending_heads(database.engine) == []


def test_readonly_unit_of_work_cannot_write(db: Database) -> None:
    refused = pytest.raises(Exception, match=r"(?i)read.only|readonly|attempt to write")
    with refused, unit_of_work(db, readonly=True) as s:
        s.add(Meta(key="ro-write", value="x"))
        s.flush()
    with unit_of_work(db, readonly=True) as session:
        assert session.get(Meta, "ro-write") is None


def test_failed_unit_of_work_writes_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError), unit_of_work(db) as session:
        session.add(Meta(key="rolled-back", value="x"))
        session.flush()
        raise RuntimeError("boom")
    with unit_of_work(db, readonly=True) as session:
        assert session.get(Meta, "rolled-back") is None


def _writer(path: str, worker: int, count: int) -> None:
    database = Database(make_engine(f"sqlite:///{path}"))
    for i in range(count):
        with unit_of_work(database) as session:
            session.add(Meta(key=f"w{worker}-{i}", value="x" * 200))
    database.engine.dispose()


def test_sqlite_writers_in_several_processes_lose_nothing(tmp_path: Path) -> None:
    """The writer lock serialises writes and checkpoints across processes (the WAL-reset bug needs them concurrent)."""
    database, handle = new_database("sqlite", tmp_path)
    path = str(Path(handle))
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, w, 150)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with unit_of_work(database, readonly=True) as session:
        keys = set(session.scalars(select(Meta.key).where(Meta.key.like("w%"))))
    assert len(keys) == 4 * 150
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    drop_database(database, handle)
