"""Sign-in with throttling and lockout, and server-side web sessions."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tandem.platform.audit.writer import record_event
from tandem.platform.auth.models import LoginThrottle, User, WebSession
from tandem.platform.auth.passwords import hash_password, needs_rehash, verify_password
from tandem.platform.config import get_settings
from tandem.platform.db.types import utcnow
from tandem.platform.errors import NotAuthenticated, TooManyRequests

GENERIC_FAILURE = "wrong user name or password"
IP_FAILURES_PER_WINDOW = 50
ONE_TIME_EXPIRED = "your one-time password has expired; ask an administrator for a new one"


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass
class NewSession:
    """A freshly created session: the cookie value is only ever in memory."""

    cookie_value: str
    row: WebSession


def _throttle(session: Session, key: str) -> LoginThrottle:
    row = session.get(LoginThrottle, key)
    if row is None:
        row = LoginThrottle(key=key, failures=0, window_start=utcnow())
        session.add(row)
    elif row.window_start < utcnow() - dt.timedelta(minutes=get_settings().login_lockout_minutes):
        row.failures, row.window_start = 0, utcnow()
    return row


@dataclass
class LoginResult:
    """The user on success, or the error to show; failures are returned, not raised, so the caller
    commits the failure counters and the audit entry before refusing."""

    user: User | None
    error: NotAuthenticated | TooManyRequests | None = None


def authenticate(session: Session, username: str, password: str, ip: str) -> LoginResult:
    """Check credentials, counting failures and locking out; never say which part was wrong."""
    now = utcnow()
    ip_row = _throttle(session, f"ip:{ip}")
    if ip_row.blocked_until is not None and ip_row.blocked_until > now:
        return LoginResult(None, TooManyRequests("too many failed sign-ins from this address; try again later"))
    user = session.scalars(select(User).where(func.lower(User.username) == username.strip().lower())).first()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        verify_password(None, password)  # same cost as a real check
        record_event(session, "auth.login_refused", "users", str(user.id), {"reason": "locked", "ip": ip})
        return LoginResult(None, TooManyRequests("this account is temporarily locked; try again later"))
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        count_failure(session, user, ip)
        record_event(
            session, "auth.login_failed", "users", str(user.id) if user else None,
            {"username": username[:150], "ip": ip},
        )  # fmt: skip
        return LoginResult(None, NotAuthenticated(GENERIC_FAILURE))
    if one_time_password_expired(user, now):
        record_event(session, "auth.login_refused", "users", str(user.id), {"reason": "one-time password expired",
                                                                            "ip": ip})  # fmt: skip
        return LoginResult(None, NotAuthenticated(ONE_TIME_EXPIRED))
    # The failure counters are reset by start_session: a right password alone must not wipe the
    # count of wrong second-factor codes.
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginResult(user)


def one_time_password_expired(user: User, now: dt.datetime | None = None) -> bool:
    """Return whether the user's password is a one-time password older than its lifetime (ASVS V6.4.1)."""
    if not user.must_change_password or user.password_changed_at is None:
        return False
    lifetime = dt.timedelta(hours=get_settings().one_time_password_hours)
    return user.password_changed_at + lifetime <= (now or utcnow())


def count_failure(session: Session, user: User | None, ip: str) -> None:
    """Count a wrong password or second-factor code against the address and the account, locking out at the limit."""
    settings = get_settings()
    now = utcnow()
    ip_row = _throttle(session, f"ip:{ip}")
    ip_row.failures += 1
    if ip_row.failures >= IP_FAILURES_PER_WINDOW:
        ip_row.blocked_until = now + dt.timedelta(minutes=settings.login_lockout_minutes)
    if user is not None:
        user.failed_logins += 1
        if user.failed_logins >= settings.login_max_failures:
            user.locked_until = now + dt.timedelta(minutes=settings.login_lockout_minutes)
            user.failed_logins = 0


def refusal(session: Session, user: User, ip: str) -> TooManyRequests | None:
    """Return why a sign-in step must be refused before checking anything (address blocked, account locked)."""
    now = utcnow()
    ip_row = _throttle(session, f"ip:{ip}")
    if ip_row.blocked_until is not None and ip_row.blocked_until > now:
        return TooManyRequests("too many failed sign-ins from this address; try again later")
    if user.locked_until is not None and user.locked_until > now:
        return TooManyRequests("this account is temporarily locked; try again later")
    return None


def start_session(session: Session, user: User, ip: str, user_agent: str) -> NewSession:
    """Create a new session with a fresh random id (so an old id can never be fixated)."""
    settings = get_settings()
    cookie_value = secrets.token_urlsafe(32)
    row = WebSession(
        id_hash=_hash(cookie_value), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
        expires_at=utcnow() + dt.timedelta(hours=settings.session_absolute_hours),
        ip=ip[:64], user_agent=user_agent[:300],
    )  # fmt: skip
    session.add(row)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, utcnow()
    record_event(session, "auth.login", "users", str(user.id), {"username": user.username, "ip": ip})
    session.flush()
    return NewSession(cookie_value, row)


def resolve_session(session: Session, cookie_value: str) -> tuple[WebSession, User] | None:
    """Return the live session and its active user for a cookie value, or None."""
    row = session.get(WebSession, _hash(cookie_value))
    if row is None:
        return None
    now = utcnow()
    idle = dt.timedelta(minutes=get_settings().session_idle_minutes)
    user = session.get(User, row.user_id)
    if row.expires_at <= now or row.last_seen_at + idle <= now or user is None or not user.is_active:
        return None
    return row, user


def touch(session: Session, row: WebSession) -> None:
    """Record activity, at most once a minute (it is the only write a page view makes)."""
    if utcnow() - row.last_seen_at > dt.timedelta(minutes=1):
        row.last_seen_at = utcnow()


def end_session(session: Session, cookie_value: str) -> None:
    """Sign out: delete the session row."""
    row = session.get(WebSession, _hash(cookie_value))
    if row is not None:
        record_event(session, "auth.logout", "users", str(row.user_id), {})
        session.delete(row)
        session.flush()


def end_all_sessions(session: Session, user_id: uuid.UUID, keep: str | None = None) -> None:
    """Delete every session of a user (disable, password change or reset), except the one whose cookie is `keep`."""
    stmt = delete(WebSession).where(WebSession.user_id == user_id)
    if keep:
        stmt = stmt.where(WebSession.id_hash != _hash(keep))
    session.execute(stmt)
