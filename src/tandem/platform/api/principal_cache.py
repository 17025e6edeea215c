"""Who a session cookie or API token belongs to, remembered per server process between requests.

Building a Principal costs 3–5 queries (credential, user, grants with their units, MFA policy). A remembered one is
used only while all of these hold, so nothing the database says about the caller is ever overridden:
- the auth generation (platform/db/auth_generation.py) read in this request equals the one it was built under:
  any change to users, grants, units, MFA, sessions or tokens, in any process, replaces that value on commit;
- the credential is still inside its lifetime as last read (token expiry, session absolute and idle limits;
  past them the database is asked again, as another process may have seen the session since);
- it is younger than MAX_AGE_S, a bound for changes made outside the ORM (a restored backup, hand-run SQL).
Entries are keyed by a SHA-256 of the presented secret, never the secret itself; failures are never remembered.

The org-unit tree, which every scoped query reads once per transaction, is remembered the same way (UnitTree).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
import uuid
from dataclasses import dataclass, replace

from tandem.platform.auth.principal import Principal

MAX_AGE_S = 15.0
MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class Resolved:
    """A credential's Principal and what bounds its use."""

    principal: Principal
    csrf: str | None
    method: str  # "token" | "session"
    generation: str | None
    valid_until: dt.datetime | None  # expiry, or the idle limit, as last read from the database
    last_activity: dt.datetime | None  # last_used_at / last_seen_at as last read or written
    stored_at: float = 0.0

    def usable(self, generation: str | None, now: dt.datetime) -> bool:
        """Return whether this entry may stand in for a database lookup right now."""
        return (
            generation == self.generation
            and (self.valid_until is None or now < self.valid_until)
            and time.monotonic() - self.stored_at < MAX_AGE_S
        )

    def fresh_principal(self) -> Principal:
        """Return the Principal for one request (its scratch dict is never shared between requests)."""
        return replace(self.principal, extra={})


class PrincipalCache:
    """A bounded map from credential digest to Resolved; safe to share between a process's threads."""

    def __init__(self) -> None:
        self._entries: dict[str, Resolved] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(database: str, method: str, secret: str) -> str:
        """Return the map key of a credential presented to a database (a process may serve several in tests)."""
        return hashlib.sha256(f"{database}\n{method}\n{secret}".encode()).hexdigest()

    def get(self, key: str, generation: str | None, now: dt.datetime) -> Resolved | None:
        """Return the entry for key if it may be used now; drop it otherwise."""
        found = self._entries.get(key)
        if found is None:
            return None
        if found.usable(generation, now):
            return found
        with self._lock:
            if self._entries.get(key) is found:
                del self._entries[key]
        return None

    def put(self, key: str, entry: Resolved) -> None:
        """Remember an entry (stamped now)."""
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = replace(entry, stored_at=time.monotonic())

    def touched(self, key: str, moment: dt.datetime) -> None:
        """Record that the credential's activity time was written as moment."""
        with self._lock:
            if (found := self._entries.get(key)) is not None:
                self._entries[key] = replace(found, last_activity=moment)

    def clear(self) -> None:
        """Forget everything (tests, and after a restore)."""
        with self._lock:
            self._entries.clear()


PRINCIPALS = PrincipalCache()


class UnitTree:
    """Per database, the org-unit paths by id as last read, with the generation they were read under."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[str | None, dict[uuid.UUID, str], float]] = {}

    def get(self, database: str, generation: str | None) -> dict[uuid.UUID, str] | None:
        """Return a copy of the database's tree if it was read under this generation, recently enough."""
        kept = self._kept.get(database)
        if kept is None or kept[0] != generation or time.monotonic() - kept[2] >= MAX_AGE_S:
            return None
        return dict(kept[1])

    def put(self, database: str, generation: str | None, paths: dict[uuid.UUID, str]) -> None:
        """Remember the tree read under generation."""
        if len(self._kept) >= 64:  # one database in production; tests make many
            self._kept.clear()
        self._kept[database] = (generation, dict(paths), time.monotonic())

    def clear(self) -> None:
        """Forget every tree (tests)."""
        self._kept.clear()


UNIT_TREE = UnitTree()
