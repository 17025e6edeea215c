"""Refused authorisation as `authz.denied` audit entries (ASVS V16.3.2): every 403, and every 404 that policy
produced (the object exists but the caller may not see it), says who was refused, on which route and object, and why.

The refusal is written after the request's own transaction has rolled back, in a short transaction of its own.
Flooding is bounded twice, per process: one entry per (caller, method, route) and minute, the refusals in between
being counted into the next entry of that key (`coalesced`), and at most `denials_per_minute` entries a minute per
caller (a user or token; anonymous callers by address), the surplus counted into that caller's next entry
(`unrecorded_over_cap`). With N server processes the bounds are N times these; counts live in memory only.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from tandem.platform.api.accesslog import redact_target
from tandem.platform.audit.writer import record_event
from tandem.platform.config import get_settings
from tandem.platform.db.uow import Actor, Database, unit_of_work
from tandem.platform.errors import NotFound, PermissionDenied, TandemError

if TYPE_CHECKING:  # the command line loads this module too, and must not pay for the web framework
    from starlette.requests import Request

ACTION = "authz.denied"
log = logging.getLogger("tandem.audit")
_NOTES_KEPT = 4096


@dataclass
class _Notes:
    """Why a request was refused, noted where policy decided it and read back by the error handler."""

    by_request: OrderedDict[str, dict[str, Any]] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def put(self, request_id: str, detail: dict[str, Any]) -> None:
        with self.lock:
            self.by_request[request_id] = detail
            while len(self.by_request) > _NOTES_KEPT:  # noted but never raised (a caller caught the NotFound)
                self.by_request.popitem(last=False)

    def pop(self, request_id: str | None) -> dict[str, Any] | None:
        if request_id is None:
            return None
        with self.lock:
            return self.by_request.pop(request_id, None)


@dataclass
class Throttle:
    """The per-minute coalescing of refusals; decide() says whether to write one now and what it folds in.

    A key is (caller kind, caller, method, route); its first element pair names the caller, whose entries are capped.
    """

    cap: int
    minute: int = -1
    seen: dict[tuple[str, ...], int] = field(default_factory=dict)
    carried: dict[tuple[str, ...], int] = field(default_factory=dict)
    written: dict[tuple[str, ...], int] = field(default_factory=dict)
    over_cap: dict[tuple[str, ...], int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def decide(self, key: tuple[str, ...], now: float | None = None) -> dict[str, int] | None:
        """Return the counts to record with a new entry for key, or None when this refusal is only counted."""
        minute = int((time.time() if now is None else now) // 60)
        caller = key[:2]
        with self.lock:
            if minute != self.minute:
                self._roll(minute)
            if key in self.seen:
                self.seen[key] += 1
                return None
            if self.written.get(caller, 0) >= self.cap:
                self.over_cap[caller] = self.over_cap.get(caller, 0) + 1
                return None
            self.seen[key] = 0
            self.written[caller] = self.written.get(caller, 0) + 1
            return {"coalesced": self.carried.pop(key, 0), "unrecorded_over_cap": self.over_cap.pop(caller, 0)}

    def give_back(self, key: tuple[str, ...], counts: dict[str, int]) -> None:
        """Count a refusal whose entry could not be written (database busy) into the next one."""
        with self.lock:
            self.carried[key] = self.carried.get(key, 0) + 1 + counts.get("coalesced", 0)
            caller = key[:2]
            self.over_cap[caller] = self.over_cap.get(caller, 0) + counts.get("unrecorded_over_cap", 0)

    def _roll(self, minute: int) -> None:
        for key, extra in self.seen.items():
            if extra:
                self.carried[key] = self.carried.get(key, 0) + extra
        for counts in (self.carried, self.over_cap):  # memory stays bounded: the oldest counts are dropped
            for key in list(counts)[: max(0, len(counts) - _NOTES_KEPT)]:
                del counts[key]
        self.minute, self.seen, self.written = minute, {}, {}


_notes = _Notes()
_throttle: Throttle | None = None


def throttle() -> Throttle:
    """Return the process-wide throttle (built on first use from the settings)."""
    global _throttle
    if _throttle is None:
        _throttle = Throttle(cap=get_settings().denials_per_minute)
    return _throttle


def reset() -> None:
    """Forget every count (tests, after a settings change)."""
    global _throttle
    _throttle = None
    with _notes.lock:
        _notes.by_request.clear()


def note(request_id: str | None, detail: dict[str, Any]) -> None:
    """Record why policy refused this request, for the error handler to write once the request is over."""
    if request_id:
        _notes.put(request_id, detail)


def hidden_object(request_id: str | None, table: str, obj_id: uuid.UUID | str, action: str) -> None:
    """Note that a lookup found the object but policy hides it from the caller (its 404 is a refusal)."""
    note(request_id, {"entity_type": table, "entity_id": str(obj_id), "action": action,
                      "reason": "outside the caller's scope (answered as not found)"})  # fmt: skip


def _route(request: Request) -> tuple[str, str | None]:
    """Return the route's path template and its declared permission action."""
    route = request.scope.get("route")
    template = getattr(route, "path", None) or request.url.path
    dependant = getattr(route, "dependant", None)
    for dep in getattr(dependant, "dependencies", ()):
        action = getattr(dep.call, "tandem_action", None)
        if isinstance(action, str):
            return template, action
    return template, None


def _actor(request: Request) -> Actor:
    principal = getattr(request.state, "principal", None)
    ip = request.client.host if request.client else ""
    if principal is None or principal.user_id is None:
        return Actor("anonymous", None, f"anonymous {ip}")
    if principal.token_id is not None:
        return Actor("token", str(principal.user_id), f"{principal.username} (token {principal.token_id})")
    return Actor("user", str(principal.user_id), principal.username)


def refusal_of(request: Request, exc: TandemError) -> dict[str, Any] | None:
    """Return what to record about an error answered to request, or None when it is not a refusal by policy."""
    noted = _notes.pop(getattr(request.state, "request_id", None))
    if isinstance(exc, PermissionDenied) and getattr(exc, "is_authorisation", True):
        status = 403
    elif isinstance(exc, NotFound) and noted is not None:
        status = 404
    else:
        return None
    template, action = _route(request)
    detail: dict[str, Any] = {
        "status": status, "method": request.method, "route": template, "path": redact_target(request.url.path)[:500],
        "action": action, "reason": exc.message[:300], "ip": request.client.host if request.client else "",
        "entity_type": "route", "entity_id": None,
    }  # fmt: skip
    detail.update(noted or {})
    return detail


def record_refusal(db: Database, actor: Actor, request_id: str | None, detail: dict[str, Any]) -> bool:
    """Write one coalesced `authz.denied` entry; return whether an entry was written (False = only counted)."""
    key = (actor.kind, actor.id or actor.label, detail["method"], detail["route"])
    gate = throttle()
    counts = gate.decide(key)
    if counts is None:
        return False
    details = {k: v for k, v in detail.items() if k not in ("entity_type", "entity_id")} | counts
    try:
        with unit_of_work(db, actor=actor, request_id=request_id, lock_timeout=2.0) as session:
            record_event(session, ACTION, detail["entity_type"], detail["entity_id"], details)
    except Exception:  # a refusal must still be answered; what could not be written is counted into the next
        gate.give_back(key, counts)
        log.warning("could not record a refused request (%s %s); counted into the next entry",
                    detail["method"], detail["route"], exc_info=True)  # fmt: skip
        return False
    return True


async def note_refusal(request: Request, exc: TandemError) -> None:
    """Record a refused request from the API/web error handler (never raises; does nothing for other errors)."""
    try:
        detail = refusal_of(request, exc)
        if detail is None:
            return
        db: Database = request.app.state.db
        from starlette.concurrency import run_in_threadpool

        await run_in_threadpool(record_refusal, db, _actor(request), getattr(request.state, "request_id", None), detail)
    except Exception:
        log.warning("could not record a refused request", exc_info=True)


def record_noted(session: Session) -> bool:
    """Record the refusal policy noted for this session's request, inside its transaction; return whether one was.

    For page forms, which catch the error, throw their changes away and answer the form again (so the error
    handler never sees it): called right after that rollback, the entry commits with the request.
    """
    noted = _notes.pop(session.info.get("request_id"))
    if noted is None:
        return False
    actor = session.info.get("actor") or Actor("system", None, "system")
    key = (actor.kind, actor.id or actor.label, "FORM", str(noted.get("action")))
    counts = throttle().decide(key)
    if counts is None:
        return False
    details = {"status": "form", "action": noted.get("action"), "reason": noted.get("reason"), **counts}
    record_event(session, ACTION, noted.get("entity_type") or "route", noted.get("entity_id"), details)
    return True
