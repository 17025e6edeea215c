"""Consistent online backups (SQLite backup API, pg_dump), verification and restore."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from tandem.platform.audit.verify import verify_chain
from tandem.platform.db.engine import make_engine
from tandem.platform.db.sqlite_lock import lock_for
from tandem.platform.db.uow import Database, unit_of_work
from tandem.platform.errors import Conflict, InvalidInput


@dataclass
class BackupInfo:
    """What a backup holds: file, checksum, engine and audit chain state."""

    path: Path
    sha256: str
    engine: str
    audit_entries: int

    def manifest_path(self) -> Path:
        """Return the manifest written beside the backup."""
        return self.path.with_name(self.path.name + ".manifest.json")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup(db: Database, target: Path, audit_key: bytes) -> BackupInfo:
    """Write a consistent backup of the live database to target, verify it, and write its manifest."""
    target = target.resolve()
    if target.exists():
        raise Conflict(f"{target} already exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    if db.is_sqlite:
        src_path = db.engine.url.database or ""
        # One backup step copies every page under a read transaction: a consistent snapshot while writers run.
        src = sqlite3.connect(src_path)
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        engine_name = "sqlite"
    else:
        _pg_dump(db, target)
        engine_name = "postgresql"
    entries = _verify_file(target, engine_name, audit_key)
    info = BackupInfo(target, _sha256(target), engine_name, entries)
    info.manifest_path().write_text(json.dumps({
        "file": target.name, "sha256": info.sha256, "engine": engine_name, "audit_entries": entries,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
    }, indent=2))  # fmt: skip
    return info


def _pg_dump(db: Database, target: Path) -> None:
    exe = shutil.which("pg_dump")
    if exe is None:
        raise Conflict("pg_dump is not installed; install the PostgreSQL client tools to back up PostgreSQL")
    url = make_url(str(db.engine.url.render_as_string(hide_password=False))).set(drivername="postgresql")
    result = subprocess.run(  # noqa: S603 - fixed executable, argument list
        [exe, "-Fc", "-f", str(target), "--dbname", url.render_as_string(hide_password=False)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise Conflict(
            f"pg_dump failed: {result.stderr.strip().splitlines()[-1] if result.stderr else result.returncode}"
        )


def _verify_file(path: Path, engine_name: str, audit_key: bytes) -> int:
    """Check a SQLite backup's integrity and audit chain; check a PostgreSQL dump's table of contents."""
    if engine_name == "sqlite":
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            conn.close()
        if result != "ok":
            raise InvalidInput.one(str(path), f"integrity check failed: {result}")
        check_db = Database(make_engine(f"sqlite:///{path}"))
        try:
            with unit_of_work(check_db, readonly=True) as session:
                report = verify_chain(session, audit_key, None)
        finally:
            check_db.engine.dispose()
        if not report.ok:
            raise InvalidInput.one(str(path), report.summary())
        return report.entries
    exe = shutil.which("pg_restore")
    if exe is None:
        return -1
    listing = subprocess.run([exe, "--list", str(path)], capture_output=True, text=True, check=False)  # noqa: S603
    if listing.returncode != 0:
        raise InvalidInput.one(str(path), "pg_restore cannot read this dump")
    return -1


def verify_backup(path: Path, audit_key: bytes) -> BackupInfo:
    """Check a backup against its manifest, then its integrity and audit chain."""
    path = path.resolve()
    manifest_file = path.with_name(path.name + ".manifest.json")
    if not path.exists():
        raise InvalidInput.one(str(path), "no such backup file")
    if not manifest_file.exists():
        raise InvalidInput.one(str(manifest_file), "the backup's manifest is missing")
    manifest = json.loads(manifest_file.read_text())
    actual = _sha256(path)
    if actual != manifest.get("sha256"):
        raise InvalidInput.one(str(path), "checksum does not match the manifest (file changed or damaged)")
    entries = _verify_file(path, manifest["engine"], audit_key)
    return BackupInfo(path, actual, manifest["engine"], entries)


def restore(db: Database, source: Path, audit_key: bytes) -> BackupInfo:
    """Verify a backup, then replace the configured database with it."""
    info = verify_backup(source, audit_key)
    if info.engine != ("sqlite" if db.is_sqlite else "postgresql"):
        raise Conflict(f"this is a {info.engine} backup; the configured database is not")
    if db.is_sqlite:
        dest = db.engine.url.database or ""
        # Closing pooled connections takes the writer lock (the last close checkpoints): do it before holding it.
        db.engine.dispose()
        lock = lock_for(dest)
        if not lock.try_acquire():
            raise Conflict("Tandem is writing to this database; stop the server and workers before restoring")
        try:
            src, dst = sqlite3.connect(str(info.path)), sqlite3.connect(dest)
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
        finally:
            lock.release()
    else:
        exe = shutil.which("pg_restore")
        if exe is None:
            raise Conflict("pg_restore is not installed")
        url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        db.engine.dispose()
        result = subprocess.run(  # noqa: S603 - fixed executable, argument list
            [exe, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", url, str(info.path)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise Conflict(f"pg_restore failed: {result.stderr.strip()[-300:]}")
    return info
