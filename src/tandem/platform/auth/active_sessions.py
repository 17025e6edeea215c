"""A user's live web sessions: list them and end any of them (ASVS V7.5.2), for oneself or, as an administrator,
for anyone.

A session is named by a handle, the first 16 hex digits of the digest of its cookie: enough to pick one of a user's
few sessions, useless for signing in (the cookie itself is never stored), and only ever looked up among that
user's own sessions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tandem.platform.audit.writer import record_event
from tandem.platform.auth.models import User, WebSession
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput, NotAuthenticated, NotFound

HANDLE_LENGTH = 16
_HANDLE = re.compile(r"^[0-9a-f]{16}$")


@dataclass(frozen=True)
class ActiveSession:
    """One live session as its owner sees it."""

    handle: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    ip: str
    user_agent: str
    current: bool


def handle_of(cookie_value: str | None) -> str | None:
    """Return the handle of the session a cookie names (None without a cookie)."""
    if not cookie_value:
        return None
    return hashlib.sha256(cookie_value.encode()).hexdigest()[:HANDLE_LENGTH]


def _target(session: Session, principal: Principal, user_id: uuid.UUID | None, action: str) -> uuid.UUID:
    """Return whose sessions are meant: the caller's own, or (administrators) another user's."""
    if principal.user_id is None:
        raise NotAuthenticated("sign in first")
    if user_id is None or user_id == principal.user_id:
        require(session, principal, f"account.{action}")
        return principal.user_id
    require(session, principal, f"users.{action}")
    if session.get(User, user_id) is None:
        raise NotFound("user not found")
    return user_id


def _live(session: Session, user_id: uuid.UUID) -> list[WebSession]:
    now = utcnow()
    idle = dt.timedelta(minutes=get_settings().session_idle_minutes)
    rows = session.scalars(
        select(WebSession).where(WebSession.user_id == user_id, WebSession.expires_at > now)
        .order_by(WebSession.last_seen_at.desc())
    )  # fmt: skip
    return [row for row in rows if row.last_seen_at + idle > now]


def list_sessions(
    session: Session, principal: Principal, user_id: uuid.UUID | None = None, current_cookie: str | None = None
) -> list[ActiveSession]:
    """List the live sessions of the caller (or of user_id, for administrators), most recently active first."""
    owner = _target(session, principal, user_id, "view")
    current = handle_of(current_cookie)
    return [
        ActiveSession(row.id_hash[:HANDLE_LENGTH], row.created_at, row.last_seen_at, row.expires_at, row.ip,
                      row.user_agent, row.id_hash[:HANDLE_LENGTH] == current)
        for row in _live(session, owner)
    ]  # fmt: skip


def end_session(session: Session, principal: Principal, handle: str, user_id: uuid.UUID | None = None) -> None:
    """End one session of the caller (or of user_id, for administrators) by its handle."""
    owner = _target(session, principal, user_id, "edit")
    if not _HANDLE.match(handle or ""):
        raise InvalidInput.one("handle", f"must be the {HANDLE_LENGTH} hex digits shown in the session list")
    row = session.scalars(
        select(WebSession).where(WebSession.user_id == owner, WebSession.id_hash.startswith(handle))
    ).first()
    if row is None:
        raise NotFound("session not found")
    record_event(session, "auth.session_ended", "users", str(owner), {
        "session": handle, "ip": row.ip, "user_agent": row.user_agent[:120], "by": principal.username,
    })  # fmt: skip
    session.delete(row)
    session.flush()


def end_other_sessions(
    session: Session, principal: Principal, current_cookie: str | None, user_id: uuid.UUID | None = None
) -> int:
    """End every session of the caller except the one making the request (an administrator: every session of
    user_id); return how many ended."""
    owner = _target(session, principal, user_id, "edit")
    keep = (
        hashlib.sha256(current_cookie.encode()).hexdigest() if current_cookie and owner == principal.user_id else None
    )
    stmt = select(WebSession.id_hash).where(WebSession.user_id == owner)
    if keep is not None:
        stmt = stmt.where(WebSession.id_hash != keep)
    ended = [h[:HANDLE_LENGTH] for h in session.scalars(stmt)]
    if ended:
        session.execute(delete(WebSession).where(WebSession.user_id == owner, WebSession.id_hash != (keep or "")))
    record_event(session, "auth.sessions_ended", "users", str(owner), {
        "sessions": ended, "kept_current": keep is not None, "by": principal.username,
    })  # fmt: skip
    session.flush()
    return len(ended)
