"""REST routes for live web sessions: one's own (list, end one, end all others) and, for administrators, anyone's."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from tandem.platform.api.deps import DbSession, requires, session_cookie
from tandem.platform.auth import active_sessions
from tandem.platform.auth.principal import Principal
from tandem.platform.auth.schemas import SessionRead, SessionsEnded


def my_sessions(
    request: Request, session: DbSession, principal: Principal = requires("account.view")
) -> list[SessionRead]:
    """List the caller's live web sessions (created, last seen, address and browser as recorded at sign-in)."""
    found = active_sessions.list_sessions(session, principal, current_cookie=session_cookie(request))
    return [SessionRead.model_validate(s) for s in found]


def end_my_session(handle: str, session: DbSession, principal: Principal = requires("account.edit")) -> Response:
    """End one of the caller's sessions."""
    active_sessions.end_session(session, principal, handle)
    return Response(status_code=204)


def end_my_other_sessions(
    request: Request, session: DbSession, principal: Principal = requires("account.edit")
) -> SessionsEnded:
    """End every session of the caller except the one making the request (with a token: every session)."""
    return SessionsEnded(ended=active_sessions.end_other_sessions(session, principal, session_cookie(request)))


def user_sessions(
    user_id: uuid.UUID, session: DbSession, principal: Principal = requires("users.view")
) -> list[SessionRead]:
    """List a user's live web sessions (administrators and auditors)."""
    return [SessionRead.model_validate(s) for s in active_sessions.list_sessions(session, principal, user_id)]


def end_user_session(
    user_id: uuid.UUID, handle: str, session: DbSession, principal: Principal = requires("users.edit")
) -> Response:
    """End one session of a user (administrators)."""
    active_sessions.end_session(session, principal, handle, user_id)
    return Response(status_code=204)


def end_user_sessions(
    user_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires("users.edit")
) -> SessionsEnded:
    """End every session of a user (administrators; their own current session stays)."""
    ended = active_sessions.end_other_sessions(session, principal, session_cookie(request), user_id)
    return SessionsEnded(ended=ended)


def install(router: APIRouter) -> None:
    """Add the routes to the /api/v1/auth router (added there, not nested, so each keeps its full path)."""
    router.add_api_route("/me/sessions", my_sessions, methods=["GET"], response_model=list[SessionRead])
    router.add_api_route("/me/sessions/{handle}", end_my_session, methods=["DELETE"], status_code=204)
    router.add_api_route(
        "/me/sessions/end-others", end_my_other_sessions, methods=["POST"], response_model=SessionsEnded
    )
    router.add_api_route("/users/{user_id}/sessions", user_sessions, methods=["GET"], response_model=list[SessionRead])
    router.add_api_route("/users/{user_id}/sessions/{handle}", end_user_session, methods=["DELETE"], status_code=204)
    router.add_api_route(
        "/users/{user_id}/sessions", end_user_sessions, methods=["DELETE"], response_model=SessionsEnded
    )
