"""What every reporting query shares: principal scoping, graceful degradation, money and link helpers."""

from __future__ import annotations

import functools
import logging
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from tandem.platform.auth.permissions import visible_to, visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.db.memo import session_memo, who
from tandem.platform.errors import TandemError

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger("tandem.reporting")


def graceful(default: Callable[[], Any]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Return default() instead of raising when a domain refuses the principal or holds nothing usable.

    A home panel or a metric must never fail because one domain is empty or out of the reader's reach; real
    programming errors still surface (only the product's own errors and missing records are absorbed).
    """

    def wrap(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return func(*args, **kwargs)
            except TandemError as exc:
                log.debug("reporting query %s degraded: %s", func.__name__, exc)
                result: R = default()
                return result

        return run

    return wrap


def may(principal: Principal, action: str) -> bool:
    """Return whether principal holds action anywhere (queries of a domain it cannot read return nothing)."""
    return principal.user_id is not None and principal.can_anywhere(action)


def scoped(stmt: Any, session: Session, principal: Principal, model: Any, action: str) -> Any:
    """Restrict stmt to the rows of model that principal may see under action."""
    return visible_to(stmt, session, principal, model, action)


def units(session: Session, principal: Principal, action: str) -> list[uuid.UUID]:
    """Return the ids of the units where principal may perform action."""
    return visible_unit_ids(session, principal, action)


def memo(session: Session, principal: Principal, key: str, compute: Callable[[], R]) -> R:
    """Compute a value once per session and principal: several panels of one page share a domain's answer."""
    return session_memo(session, (key, who(principal)), compute)


_shared: dict[tuple[Any, ...], tuple[float, Any]] = {}
_shared_lock = threading.Lock()
SHARED_MAX = 256


def shared(session: Session, principal: Principal, key: str, seconds: float, compute: Callable[[], R]) -> R:
    """Compute a value at most once every `seconds` per database and principal, across requests.

    For the few domain answers that cost hundreds of milliseconds (a vendor's reach is a graph walk), a home
    page shows a value up to `seconds` old rather than recomputing it for every visitor; 0 disables the cache.
    """
    who = (principal.user_id, principal.token_id, principal.grants, principal.scopes)
    slot = (key, str(session.get_bind().engine.url), who)
    now = time.monotonic()
    with _shared_lock:
        found = _shared.get(slot)
    if seconds > 0 and found is not None and now - found[0] < seconds:
        result: R = found[1]
        return result
    value = compute()
    with _shared_lock:
        if len(_shared) >= SHARED_MAX:
            _shared.clear()
        _shared[slot] = (now, value)
    return value


def forget_shared() -> None:
    """Drop every cached cross-request value (tests, and after bulk changes)."""
    with _shared_lock:
        _shared.clear()


def link(path: str, **params: Any) -> str:
    """Return a site path with its filter parameters (empty values left out)."""
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{path}?{query}" if query else path


def ratio(part: float, whole: float) -> float | None:
    """Return part / whole, or None when whole is zero (a share of nothing is not 0 %)."""
    return part / whole if whole else None
