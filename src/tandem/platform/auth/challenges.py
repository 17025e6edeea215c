"""The second sign-in step: a pending sign-in that becomes a session only once a TOTP or recovery code is right."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

from tandem.platform.audit.writer import record_event
from tandem.platform.auth import mfa
from tandem.platform.auth.models import LoginChallenge, User
from tandem.platform.auth.sessions import count_failure, refusal
from tandem.platform.config import get_settings
from tandem.platform.db.types import utcnow
from tandem.platform.errors import NotAuthenticated, TooManyRequests

MAX_TRIES = 5
WRONG_CODE = "wrong code"


def lifetime() -> dt.timedelta:
    """Return how long a pending second step stays open (TANDEM_MFA_CHALLENGE_MINUTES)."""
    return dt.timedelta(minutes=get_settings().mfa_challenge_minutes)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def start(session: Session, user: User, next_path: str) -> tuple[str, LoginChallenge]:
    """Record that the password was right; return the cookie value that names this pending sign-in."""
    session.execute(delete(LoginChallenge).where(LoginChallenge.expires_at < utcnow()))
    cookie = secrets.token_urlsafe(32)
    row = LoginChallenge(
        id_hash=_hash(cookie), user_id=user.id, csrf_token=secrets.token_urlsafe(32), next_path=next_path,
        failures=0, expires_at=utcnow() + lifetime(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return cookie, row


def resolve(session: Session, cookie: str) -> tuple[LoginChallenge, User] | None:
    """Return the live pending sign-in and its active user, or None."""
    row = session.get(LoginChallenge, _hash(cookie)) if cookie else None
    if row is None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return row, user


@dataclass
class Answer:
    """The outcome of a code: the user on success, else the error and whether the sign-in must restart."""

    user: User | None
    error: NotAuthenticated | TooManyRequests | None = None
    restart: bool = False


def answer(session: Session, row: LoginChallenge, user: User, code: str, ip: str) -> Answer:
    """Check a code against the user's factor, counting failures like wrong passwords."""
    if (refused := refusal(session, user, ip)) is not None:
        record_event(
            session, "auth.login_refused", "users", str(user.id), {"reason": "locked", "ip": ip, "step": "mfa"}
        )
        session.delete(row)
        return Answer(None, refused, restart=True)
    method = mfa.check_second_factor(session, user, code[:40])
    if method is None:
        count_failure(session, user, ip)
        row.failures += 1
        record_event(session, "auth.mfa_failed", "users", str(user.id), {"ip": ip})
        if row.failures >= MAX_TRIES:
            session.delete(row)
            return Answer(None, NotAuthenticated("too many wrong codes; sign in again"), restart=True)
        return Answer(None, NotAuthenticated(WRONG_CODE))
    record_event(session, "auth.mfa_passed", "users", str(user.id), {"method": method, "ip": ip})
    session.delete(row)
    session.flush()
    return Answer(user)
