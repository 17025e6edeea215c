"""The auth generation: a value in the database that changes whenever who-may-do-what may have changed.

Server processes keep the Principal of a session or token in memory (platform/api/principal_cache.py) and check
it against this value on every request: one indexed read instead of the 3–5 queries that rebuild a Principal.
Any transaction that changes a user, role grant, org unit, MFA factor or policy, or ends or changes a session or
token marks its session here; the value is replaced just before that transaction commits, so every process sees
the change with the data itself (a revoked role, an ended session, a changed password take effect at once).

Only the columns that record activity (last seen, last used, sign-in counters) are exempt: they change on nearly
every request and say nothing about what the caller may do. Inserting a session or token is exempt too: nobody
can hold a cached Principal for a credential that did not exist.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, column, event, inspect, table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session

KEY = "auth.generation"
PENDING = "tandem.auth_changed"
_META = table("platform_meta", column("key"), column("value"))

# Tables whose rows make up a Principal (or decide whether a credential is still live).
AUTH_TABLES = frozenset(
    {"users", "role_grants", "org_units", "web_sessions", "api_tokens", "platform_meta", "mfa_factors"}
)
# A new row here cannot be in anyone's cache: sign-ins and new tokens leave cached Principals alone.
INSERT_EXEMPT = frozenset({"web_sessions", "api_tokens"})
# Activity columns: updates touching only these leave what the caller may do unchanged.
ACTIVITY_COLUMNS = {
    "web_sessions": frozenset({"last_seen_at"}),
    "api_tokens": frozenset({"last_used_at"}),
    "users": frozenset({"last_login_at", "failed_logins", "locked_until", "updated_at"}),
    "mfa_factors": frozenset({"last_step", "updated_at"}),
}


# Every authenticated request runs this read. As fixed SQL sent straight to the driver it skips building a
# statement, keying it for the compiled cache and binding a parameter (a quarter of the CPU it took); the row read,
# and so the guarantee that a change is seen at once, is the same. Quoted "key" is valid on SQLite and PostgreSQL.
_READ_SQL = "SELECT value FROM platform_meta WHERE \"key\" = 'auth.generation'"  # KEY, written out (a test checks)


def read(conn: Connection) -> str | None:
    """Return the current generation (None until the first change was recorded)."""
    value = conn.exec_driver_sql(_READ_SQL).scalar()
    return None if value is None else str(value)


def mark(session: Session) -> None:
    """Note that this transaction changes auth data: the generation is replaced when it commits."""
    session.info[PENDING] = True


def bump_if_marked(session: Session, conn: Connection) -> None:
    """Replace the generation inside the committing transaction if it changed auth data.

    Done just before COMMIT, so on PostgreSQL the row lock it takes is the transaction's last: two transactions
    that change auth data cannot wait on each other in a cycle through it.
    """
    if session.info.pop(PENDING, False):
        bump(conn)


def bump(conn: Connection) -> None:
    """Write a fresh generation value."""
    values = {"key": KEY, "value": uuid.uuid4().hex}
    dialect = {"sqlite": sqlite, "postgresql": postgresql}.get(conn.dialect.name)
    if dialect is None:  # pragma: no cover - Tandem runs on SQLite and PostgreSQL only
        raise RuntimeError(f"no upsert for {conn.dialect.name}")
    stmt = dialect.insert(_META).values(values)
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": stmt.excluded.value}))


def _table_of(obj: Any) -> str | None:
    name = getattr(type(obj), "__tablename__", None)
    return name if name in AUTH_TABLES else None


def _changes_rights(obj: Any, table_name: str) -> bool:
    """Return whether a dirty row changed a column other than a forward-moving activity column."""
    exempt = ACTIVITY_COLUMNS.get(table_name, frozenset())
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        if attr.key not in exempt or _moved_back(history.deleted, history.added):
            return True
    return False


def _moved_back(old: Any, new: Any) -> bool:
    """An activity time set into the past (an idle session made to look idle) counts as a change of rights."""
    before, after = (old[0] if old else None), (new[0] if new else None)
    try:
        return before is not None and (after is None or after < before)
    except TypeError:  # counters and mixed types: not a time
        return False


def changes_auth(session: Session) -> bool:
    """Return whether the session's pending (or just flushed) objects change auth data."""
    for obj in session.deleted:
        if _table_of(obj):
            return True
    for obj in session.new:
        if (name := _table_of(obj)) and name not in INSERT_EXEMPT:
            return True
    return any((name := _table_of(obj)) is not None and _changes_rights(obj, name) for obj in session.dirty)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    if not session.info.get(PENDING) and changes_auth(session):
        mark(session)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> None:
    """Bulk UPDATE/DELETE/INSERT statements skip the flush: look at the table they write."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    target = getattr(state.statement, "table", None)
    name = getattr(target, "name", None)
    if name in AUTH_TABLES and not (state.is_insert and name in INSERT_EXEMPT):
        mark(state.session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    """Replace the generation in the committing transaction (unit_of_work commits its write sessions here too)."""
    session.flush()  # the flush that commit() would run next may be the one that changes auth data
    if session.info.get(PENDING):
        bump_if_marked(session, session.connection())


# The mark is deliberately kept across a rolled-back savepoint: an extra bump costs one cache refresh, a missed
# one would leave a revoked grant in force.
