"""Serialise every SQLite write and checkpoint across threads and processes.

Python's bundled SQLite (3.40) has the WAL-reset corruption bug fixed only in 3.51.3: it needs two
connections writing or checkpointing at the same moment. Tandem therefore holds one lock, a thread
lock plus an flock on `<db>.writelock`, from BEGIN IMMEDIATE through COMMIT (which runs the automatic
checkpoint) and while a connection closes (the last close checkpoints too). Readers take no lock and
run with query_only, so they can never write or checkpoint outside it.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from contextlib import suppress

_locks: dict[str, WriteLock] = {}
_locks_guard = threading.Lock()


class WriteLockTimeout(RuntimeError):
    """Another writer held the database for longer than the busy timeout."""


class WriteLock:
    """A process-wide writer lock on one SQLite file, shared by all its connections."""

    def __init__(self, db_path: str) -> None:
        self._thread_lock = threading.Lock()
        self._path = db_path + ".writelock"
        self._fd: int | None = None

    def acquire(self, timeout: float) -> None:
        """Block until this thread is the only writer on the file, or raise after timeout."""
        if not self._thread_lock.acquire(timeout=timeout):
            raise WriteLockTimeout("the database is busy with another write; try again")
        try:
            self._flock(timeout)
        except BaseException:
            self._thread_lock.release()
            raise

    def try_acquire(self) -> bool:
        """Take the lock only if it is free right now."""
        if not self._thread_lock.acquire(blocking=False):
            return False
        try:
            self._flock(0)
        except WriteLockTimeout:
            self._thread_lock.release()
            return False
        return True

    def _flock(self, timeout: float) -> None:
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + timeout
        tries = 0
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WriteLockTimeout("the database is busy with another process; try again") from None
                # Only one thread per process polls (the others wait on the thread lock). Writes from several server
                # processes hand the lock on every few ms: poll finely at first so it does not sit idle between them.
                tries += 1
                time.sleep(0.001 if tries < 500 else 0.005)

    def release(self) -> None:
        """Give the lock back."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread_lock.release()


def lock_for(db_path: str) -> WriteLock:
    """Return the single WriteLock of a database file in this process."""
    key = os.path.realpath(db_path)
    with _locks_guard:
        if key not in _locks:
            _locks[key] = WriteLock(key)
        return _locks[key]


class LockingConnection(sqlite3.Connection):
    """A sqlite3 connection that releases the writer lock once its transaction ends."""

    write_lock: WriteLock | None = None
    holds_lock: bool = False

    def begin(self, write: bool, timeout: float) -> None:
        """Open a transaction: IMMEDIATE under the writer lock, or a query-only read."""
        if write:
            assert self.write_lock is not None
            self.write_lock.acquire(timeout)
            self.holds_lock = True
            try:
                self.execute("PRAGMA query_only=OFF")
                self.execute("BEGIN IMMEDIATE")
            except BaseException:
                self._release()
                raise
        else:
            self.execute("PRAGMA query_only=ON")
            self.execute("BEGIN")

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()

    def close(self) -> None:
        # The last connection to close checkpoints the WAL: do it under the lock.
        if self.write_lock is not None and not self.holds_lock:
            with suppress(WriteLockTimeout):
                self.write_lock.acquire(30.0)
                try:
                    super().close()
                finally:
                    self.write_lock.release()
                return
        super().close()

    def _release(self) -> None:
        if self.holds_lock and self.write_lock is not None:
            self.holds_lock = False
            self.write_lock.release()
