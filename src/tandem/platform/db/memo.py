"""Answers memoised for the life of a session: a page that shows one costly answer in several panels computes it
once. Any flush or rollback in the session forgets everything, and pending changes bypass the memo, so a memoised
answer never hides a change the session itself made."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Principal

R = TypeVar("R")
_MEMO = "tandem.memo"


def who(principal: Principal | None) -> Hashable:
    """Return what makes two principals see the same answers."""
    if principal is None:
        return None
    return (principal.user_id, principal.token_id, principal.grants, principal.scopes)


def session_memo(session: Session, key: Hashable, compute: Callable[[], R]) -> R:
    """Return compute()'s answer for key, computed at most once until the session next writes."""
    if session.new or session.dirty or session.deleted:
        return compute()  # a pending change: the answer must see it (the query's autoflush writes it first)
    cache: dict[Hashable, Any] = session.info.setdefault(_MEMO, {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


@event.listens_for(Session, "after_flush")
def _forget_after_flush(session: Session, _context: Any) -> None:
    session.info.pop(_MEMO, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(_MEMO, None)
