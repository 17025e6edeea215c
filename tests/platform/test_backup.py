"""Online backups: consistent snapshots under concurrent writers, verification, refusal of damage, restore."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tandem.platform.audit.models import AuditEntry
from tandem.platform.audit.verify import verify_chain
from tandem.platform.auth.models import Meta
from tandem.platform.config import get_settings
from tandem.platform.db import auth_generation
from tandem.platform.db.backup import BackupInfo, backup, restore, verify_backup
from tandem.platform.db.engine import make_engine
from tandem.platform.db.sqlite_lock import WriteLock, WriteLockTimeout
from tandem.platform.db.uow import Actor, Database, unit_of_work
from tandem.platform.errors import InvalidInput
from tests.support import audit_chain as ac
from tests.support.databases import PG_ENV, drop_database, new_database

WRITERS = 4


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """Sign a checkpoint every 25 entries and export them into tmp_path; return the audit key."""
    monkeypatch.setattr(get_settings(), "audit_checkpoint_every", 25)
    monkeypatch.setattr(get_settings(), "audit_checkpoint_dir", tmp_path)
    return get_settings().key("audit")


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    database, handle = new_database("sqlite", tmp_path)
    yield database
    drop_database(database, handle)


def write(database: Database, prefix: str, count: int) -> None:
    for i in range(count):
        with unit_of_work(database, actor=Actor("user", "u-1", "writer")) as session:
            session.add(Meta(key=f"{prefix}-{i}", value="x" * 100))


def snapshot(database: Database) -> tuple[int, int, tuple[int, str] | None]:
    """Return (Meta rows, their create entries, audit head) as one read."""
    with unit_of_work(database, readonly=True) as session:
        # The auth generation is a cache-coherence stamp the product rewrites on commit, not a row anyone wrote.
        rows = session.scalar(select(func.count()).select_from(Meta).where(Meta.key != auth_generation.KEY)) or 0
        entries = session.scalar(
            select(func.count()).where(AuditEntry.entity_type == "platform_meta", AuditEntry.action == "create")
        )
        return int(rows), int(entries or 0), ac.head(session)


def open_file(path: Path) -> Database:
    return Database(make_engine(f"sqlite:///{path}"))


class Writers:
    """Threads that commit Meta rows as fast as they can until stopped."""

    def __init__(self, database: Database) -> None:
        self.database, self.stop = database, threading.Event()
        self.errors: list[BaseException] = []
        self.threads = [threading.Thread(target=self._run, args=(w,), daemon=True) for w in range(WRITERS)]

    def _run(self, worker: int) -> None:
        i = 0
        try:
            while not self.stop.is_set():
                with unit_of_work(self.database, actor=Actor("user", str(worker), f"writer {worker}")) as session:
                    session.add(Meta(key=f"w{worker}-{i}", value="x" * 200))
                    session.add(Meta(key=f"w{worker}-{i}-b", value="y"))
                i += 1
        except BaseException as exc:  # reported by the test
            self.errors.append(exc)

    def __enter__(self) -> Writers:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(60)


def backup_counts(path: Path) -> tuple[int, int, tuple[int, str] | None]:
    copy = path.with_name(f"read-{uuid.uuid4().hex[:6]}.db")
    shutil.copyfile(path, copy)  # read a copy: opening the backup itself must not be what we check
    database = open_file(copy)
    try:
        return snapshot(database)
    finally:
        database.engine.dispose()


def test_backups_under_four_writers_are_consistent(sqlite_db: Database, settings: bytes, tmp_path: Path) -> None:
    write(sqlite_db, "seed", 30)
    infos: list[BackupInfo] = []
    with Writers(sqlite_db) as writers:
        for n in range(10):
            infos.append(backup(sqlite_db, tmp_path / "backups" / f"b{n}.db", settings))
    assert writers.errors == []
    previous = 0
    for info in infos:
        checked = verify_backup(info.path, settings)
        assert (checked.sha256, checked.audit_entries) == (info.sha256, info.audit_entries)
        rows, creates, head = backup_counts(info.path)
        assert rows == creates and rows % 2 == 0, "a backup holds half a transaction or rows without entries"
        assert head is not None and head[0] == info.audit_entries >= previous
        previous = info.audit_entries
    assert infos[-1].audit_entries > infos[0].audit_entries, "the writers made no progress during the backups"


class LockSpy:
    """Counts a thread asking for a writer lock it already holds (it would wait out the whole timeout)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.owner: dict[int, int] = {}
        self.waits_for_itself = 0
        acquire, try_acquire, release = WriteLock.acquire, WriteLock.try_acquire, WriteLock.release

        def spy_acquire(lock: WriteLock, timeout: float) -> None:
            if self.owner.get(id(lock)) == threading.get_ident():
                self.waits_for_itself += 1
                raise WriteLockTimeout("waited for its own lock")  # what the real one does, 30 s later
            acquire(lock, timeout)
            self.owner[id(lock)] = threading.get_ident()

        def spy_try(lock: WriteLock) -> bool:
            if got := try_acquire(lock):
                self.owner[id(lock)] = threading.get_ident()
            return got

        def spy_release(lock: WriteLock) -> None:
            self.owner.pop(id(lock), None)
            release(lock)

        monkeypatch.setattr(WriteLock, "acquire", spy_acquire)
        monkeypatch.setattr(WriteLock, "try_acquire", spy_try)
        monkeypatch.setattr(WriteLock, "release", spy_release)


def test_restore_reproduces_rows_and_audit_head(
    sqlite_db: Database, settings: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = LockSpy(monkeypatch)
    write(sqlite_db, "before", 60)
    info = backup(sqlite_db, tmp_path / "b.db", settings)
    expected = snapshot(sqlite_db)
    target, handle = new_database("sqlite", tmp_path / "target")
    try:
        write(target, "other", 5)  # the restore replaces everything that was there
        restore(target, info.path, settings)
        assert spy.waits_for_itself == 0, "restore closed pooled connections while holding the writer lock"
        assert snapshot(target) == expected
        with unit_of_work(target, readonly=True) as session:
            assert session.get(Meta, "other-0") is None and session.get(Meta, "before-59") is not None
            assert verify_chain(session, settings).ok
        write(target, "after-restore", 3)  # the restored database takes writes and extends the chain
        with unit_of_work(target, readonly=True) as session:
            assert verify_chain(session, settings).ok
    finally:
        drop_database(target, handle)


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_damaged_backup_or_missing_manifest_is_refused(sqlite_db: Database, settings: bytes, tmp_path: Path) -> None:
    write(sqlite_db, "m", 10)
    damaged = backup(sqlite_db, tmp_path / "damaged.db", settings)
    flip_byte(damaged.path, damaged.path.stat().st_size // 2)
    with pytest.raises(InvalidInput) as caught:
        verify_backup(damaged.path, settings)
    assert caught.value.errors[0].location == str(damaged.path)
    assert "checksum" in caught.value.errors[0].reason
    orphan = backup(sqlite_db, tmp_path / "orphan.db", settings)
    orphan.manifest_path().unlink()
    with pytest.raises(InvalidInput) as caught:
        verify_backup(orphan.path, settings)
    assert caught.value.errors[0].location == str(orphan.manifest_path())
    before = snapshot(sqlite_db)
    with pytest.raises(InvalidInput):
        restore(sqlite_db, damaged.path, settings)
    assert snapshot(sqlite_db) == before


def test_backup_with_a_rewritten_audit_entry_is_refused(sqlite_db: Database, settings: bytes, tmp_path: Path) -> None:
    write(sqlite_db, "t", 10)
    info = backup(sqlite_db, tmp_path / "t.db", settings)
    with sqlite3.connect(info.path) as raw:
        raw.execute("UPDATE audit_entries SET actor_label = 'mallory' WHERE seq = 4")
    raw.close()
    manifest = json.loads(info.manifest_path().read_text())
    manifest["sha256"] = hashlib.sha256(info.path.read_bytes()).hexdigest()
    info.manifest_path().write_text(json.dumps(manifest))  # an attacker who also fixes the checksum
    with pytest.raises(InvalidInput, match="entry 4"):
        verify_backup(info.path, settings)


def test_postgres_dump_and_restore_round_trip(settings: bytes, tmp_path: Path) -> None:
    if not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed (PostgreSQL client tools)")
    database, handle = new_database("postgres", tmp_path)
    try:
        write(database, "kept", 40)
        expected = snapshot(database)
        info = backup(database, tmp_path / "pg.dump", settings)
        assert info.engine == "postgresql" and verify_backup(info.path, settings).sha256 == info.sha256
        write(database, "lost", 7)
        restore(database, info.path, settings)
        assert snapshot(database) == expected
        with unit_of_work(database, readonly=True) as session:
            assert session.get(Meta, "lost-0") is None
            assert verify_chain(session, settings).ok
    finally:
        drop_database(database, handle)
