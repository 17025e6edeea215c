"""Dependencies every route uses: who is calling, what they may do, and the request's transaction."""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import inspect
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager, nullcontext
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import contextmanager_in_threadpool
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from tandem.platform.api.principal_cache import PRINCIPALS, UNIT_TREE, Resolved
from tandem.platform.auth import permissions, tokens
from tandem.platform.auth import sessions as web_sessions
from tandem.platform.auth.principal import ANONYMOUS, Principal
from tandem.platform.auth.roles import get_action
from tandem.platform.auth.service import principal_for
from tandem.platform.config import get_settings
from tandem.platform.db import auth_generation
from tandem.platform.db.sqlite_lock import WriteLockTimeout
from tandem.platform.db.types import utcnow
from tandem.platform.db.uow import Actor, Database, commit_now, unit_of_work
from tandem.platform.errors import NotAuthenticated, PermissionDenied

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SESSION_COOKIES = ("__Host-tandem_session", "tandem_session")


def get_db(request: Request) -> Database:
    """Return the application's database."""
    db: Database = request.app.state.db
    return db


def client_ip(request: Request) -> str:
    """Return the peer address, honouring X-Forwarded-For only from configured proxies."""
    peer = request.client.host if request.client else ""
    trusted = request.app.state.trusted_proxies
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded and peer in trusted:
        return forwarded.split(",")[-1].strip()[:64]
    return peer


def session_cookie(request: Request) -> str | None:
    """Return the session id from whichever cookie name is in use."""
    for name in SESSION_COOKIES:
        if value := request.cookies.get(name):
            return value
    return None


def _resolve(
    db: Database, bearer: str | None, cookie: str | None, shared: Session | None = None
) -> tuple[Principal, str | None, str]:
    """Return (principal, csrf token of the session or None, how they authenticated).

    A read request authenticates inside its own read transaction (shared); others in a short one of their own.
    The Principal of a live credential is remembered per process (principal_cache explains when it is used).
    """
    if bearer is None and cookie is None:
        return ANONYMOUS, None, "none"
    method, secret = ("token", bearer) if bearer is not None else ("session", cookie or "")
    key = PRINCIPALS.key(db.identity, method, secret)
    with nullcontext(shared) if shared is not None else unit_of_work(db, readonly=True) as session:
        generation = auth_generation.read(session.connection())
        if shared is not None:
            _share_unit_tree(shared, db.identity, generation)
        entry = PRINCIPALS.get(key, generation, utcnow())
        if entry is None:
            entry = _look_up(session, bearer, cookie, generation)
            if entry is None:
                return ANONYMOUS, None, "none"
            PRINCIPALS.put(key, entry)
    if entry.last_activity is None or _stale(entry.last_activity):
        _touch(db, bearer, cookie, key)
    return entry.fresh_principal(), entry.csrf, entry.method


def _share_unit_tree(session: Session, database: str, generation: str | None) -> None:
    """Give a read transaction the unit tree read under the same generation, or read it and keep it.

    Only the request's own read transaction gets it: the generation was read inside it, so the tree cannot be
    older than what the transaction sees. A write transaction starts later and reads the tree itself.
    """
    paths = UNIT_TREE.get(database, generation)
    if paths is not None:
        session.info[permissions.UNITS_KEY] = paths  # the per-session cache permissions reads first
    else:
        UNIT_TREE.put(database, generation, permissions.unit_paths(session))


def _look_up(session: Session, bearer: str | None, cookie: str | None, generation: str | None) -> Resolved | None:
    """Build the caller's Principal from the database; None for a cookie that names no live session."""
    if bearer is not None:
        token = tokens.resolve(session, bearer)
        user = session.get(tokens.User, token.user_id) if token else None
        if token is None or user is None or not user.is_active:
            raise NotAuthenticated("the API token is invalid, expired or revoked")
        principal = principal_for(user, frozenset(token.scopes), token.id)
        return Resolved(principal, None, "token", generation, token.expires_at, token.last_used_at)
    found = web_sessions.resolve_session(session, cookie or "")
    if found is None:
        return None
    row, user = found
    idle_limit = row.last_seen_at + dt.timedelta(minutes=get_settings().session_idle_minutes)
    valid_until = min(row.expires_at, idle_limit)
    return Resolved(principal_for(user), row.csrf_token, "session", generation, valid_until, row.last_seen_at)


def _stale(moment: Any) -> bool:
    return bool((utcnow() - moment).total_seconds() > 60)


def _touch(db: Database, bearer: str | None, cookie: str | None, key: str) -> None:
    """Record activity if the database is free right now; a busy writer must not delay a read."""
    try:
        with unit_of_work(db, actor=Actor("system", None, "session"), lock_timeout=0.0) as session:
            if bearer is not None:
                token = tokens.resolve(session, bearer)
                if token is not None:
                    token.last_used_at = utcnow()
            elif cookie is not None and (found := web_sessions.resolve_session(session, cookie)):
                web_sessions.touch(session, found[0])
    except WriteLockTimeout:
        return
    PRINCIPALS.touched(key, utcnow())


def read_session(request: Request) -> Iterator[Session | None]:
    """Open the read transaction of a GET/HEAD/OPTIONS request, shared by authentication and the route.

    One transaction instead of two per read, and the caller is authenticated in the same worker-thread hop that
    opens it. Writes get None: they authenticate before taking the writer lock, so a refused caller never holds it.
    """
    if request.method not in SAFE_METHODS:
        yield None
        return
    with unit_of_work(get_db(request), request_id=request.state.request_id, readonly=True) as session:
        if not hasattr(request.state, "principal"):
            _remember(request, *_resolve(get_db(request), _bearer(request), session_cookie(request), session))
        yield session


SharedRead = Annotated[Session | None, Depends(read_session, scope="function")]


def _bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization")
    if auth is None:
        return None
    scheme, _, value = auth.partition(" ")
    if scheme.lower() != "bearer" or not value:
        raise NotAuthenticated("use 'Authorization: Bearer <token>'")
    return value


def _remember(request: Request, principal: Principal, csrf: str | None, method: str) -> None:
    request.state.principal = principal
    request.state.auth_method = method
    request.state.csrf_token = csrf


async def current_principal(request: Request, shared: SharedRead) -> Principal:
    """Authenticate the request once (bearer token or session cookie) and check CSRF for cookie writes."""
    if hasattr(request.state, "principal"):
        principal: Principal = request.state.principal
        return principal
    bearer = _bearer(request)
    principal, csrf, method = await run_in_threadpool(
        _resolve, get_db(request), bearer, session_cookie(request), shared
    )
    if method == "session" and request.method not in SAFE_METHODS:
        await _check_csrf(request, csrf or "")
    _remember(request, principal, csrf, method)
    return principal


async def _check_csrf(request: Request, expected: str) -> None:
    origin = request.headers.get("origin")
    if origin and origin.rstrip("/") != f"{request.url.scheme}://{request.url.netloc}":
        raise PermissionDenied("cross-site request refused (Origin does not match)")
    presented = request.headers.get("x-csrf-token")
    if presented is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        presented = value if isinstance(value, str) else None
    if not presented or not hmac.compare_digest(presented, expected):
        raise PermissionDenied("missing or wrong CSRF token; reload the page and try again")


class Requires:
    """A route's declared permission action; the route-table test looks for it on every route."""

    def __init__(self, action: str, during_password_change: bool = False) -> None:
        if action != "public":
            get_action(action)  # fail at import time on a typo
        self.tandem_action = action
        self.during_password_change = during_password_change

    async def __call__(self, request: Request, shared: SharedRead) -> Principal:
        if self.tandem_action == "public":  # requires() builds _Public for these; kept for direct use
            return ANONYMOUS
        principal = await current_principal(request, shared)
        if principal.user_id is None:
            raise NotAuthenticated("sign in or send an API token")
        if principal.must_change_password and not self.during_password_change:
            raise PermissionDenied("change your one-time password first")
        if not principal.can_anywhere(self.tandem_action):
            raise PermissionDenied(f"you are not allowed to {self.tandem_action}")
        return principal


class _Public(Requires):
    """A public route: no authentication, hence no transaction opened for it."""

    async def __call__(self, request: Request) -> Principal:  # type: ignore[override]
        return ANONYMOUS


def requires(action: str, during_password_change: bool = False) -> Any:
    """Declare the permission action of a route: `principal: Principal = requires("risk.edit")`."""
    if action == "public":
        return Depends(_Public(action))
    return Depends(Requires(action, during_password_change))


def actor_of(principal: Principal, request: Request) -> Actor:
    """Return the audit actor for a request."""
    if principal.token_id is not None:
        return Actor("token", str(principal.user_id), f"{principal.username} (token {principal.token_id})")
    if principal.user_id is not None:
        return Actor("user", str(principal.user_id), principal.username)
    return Actor("anonymous", None, f"anonymous {client_ip(request)}")


def _open(request: Request, principal: Principal) -> Iterator[Session]:
    with unit_of_work(
        get_db(request),
        actor=actor_of(principal, request),
        request_id=request.state.request_id,
        readonly=request.method in SAFE_METHODS,
    ) as session:
        yield session


async def db_session(
    request: Request, shared: SharedRead, principal: Principal = Depends(current_principal)
) -> AsyncIterator[Session]:
    """Open the request's transaction as the caller; committed before the response is sent, rolled back on error.

    Asynchronous so that a read, whose transaction is already open, costs no worker-thread hops here. A write
    opens its own in a worker thread and commits it as the route returns, in the route's thread (see
    _commit_on_return); only if that did not happen does it commit here.
    """
    if shared is not None:
        shared.info["actor"] = actor_of(principal, request)
        yield shared
        return
    _commit_on_return(request)
    async with contextmanager_in_threadpool(contextmanager(_open)(request, principal)) as session:
        yield session


_COMMITS_ON_RETURN = "tandem_commits_on_return"


def _commit_on_return(request: Request) -> None:
    """Make the request's route commit its unit of work as soon as it returns, in the worker thread it ran in.

    A write holds SQLite's writer lock (or PostgreSQL's lock on the audit-chain head) until it commits. Committed
    by this dependency's exit, it would first pass back to the event loop, through FastAPI's response checks
    (another worker thread) and out to a third thread: under load each of those waits its turn for a core while
    every other writer waits for the lock. The route's function is wrapped once, on its first write; a route that
    raises is not committed, and the exit rolls back as before.
    """
    dependant = getattr(request.scope.get("route"), "dependant", None)
    call = getattr(dependant, "call", None)
    if dependant is None or call is None or getattr(call, _COMMITS_ON_RETURN, False):
        return
    if inspect.iscoroutinefunction(call):
        return

    @functools.wraps(call)
    def commit_on_return(**values: Any) -> Any:
        result = call(**values)
        for value in values.values():
            if isinstance(value, Session):
                commit_now(value)
        return result

    setattr(commit_on_return, _COMMITS_ON_RETURN, True)
    dependant.call = commit_on_return


def public_db_session(request: Request) -> Iterator[Session]:
    """The transaction of a public route (sign-in), attributed to the anonymous caller's address."""
    yield from _open(request, ANONYMOUS)


DbSession = Annotated[Session, Depends(db_session, scope="function")]
PublicDbSession = Annotated[Session, Depends(public_db_session, scope="function")]
