"""Pages listing live web sessions, where one ends any of them (one's own under /account, anyone's under /admin)."""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tandem.platform.api.deps import DbSession, requires, session_cookie
from tandem.platform.auth import active_sessions, service
from tandem.platform.auth.principal import Principal
from tandem.platform.web.render import redirect, register_templates, render

router = APIRouter(include_in_schema=False)
register_templates(Path(__file__).with_name("templates"))


@router.get("/account/sessions")
def my_sessions_page(
    request: Request, session: DbSession, principal: Principal = requires("account.view")
) -> HTMLResponse:
    """List where the user is signed in, with a button to end each session or all the others."""
    found = active_sessions.list_sessions(session, principal, current_cookie=session_cookie(request))
    return render(request, "auth/sessions.html", sessions=found, owner=None, base="/account/sessions")


@router.post("/account/sessions/end-others")
def end_my_other_sessions(
    request: Request, session: DbSession, principal: Principal = requires("account.edit")
) -> Response:
    """End every session of the user but this one."""
    ended = active_sessions.end_other_sessions(session, principal, session_cookie(request))
    return redirect("/account/sessions", f"Signed out of {ended} other session(s).")


@router.post("/account/sessions/{handle}/end")
def end_my_session(
    handle: str, request: Request, session: DbSession, principal: Principal = requires("account.edit")
) -> Response:
    """End one of the user's sessions (ending the current one signs out)."""
    active_sessions.end_session(session, principal, handle)
    if handle == active_sessions.handle_of(session_cookie(request)):
        return redirect("/login", "You were signed out.")
    return redirect("/account/sessions", "Session ended.")


@router.get("/admin/users/{user_id}/sessions")
def user_sessions_page(
    user_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires("users.view")
) -> HTMLResponse:
    """List a user's live sessions (administrators may end them)."""
    user = service.get_user(session, principal, user_id)
    found = active_sessions.list_sessions(session, principal, user_id, session_cookie(request))
    return render(request, "auth/sessions.html", sessions=found, owner=user, base=f"/admin/users/{user_id}/sessions")


@router.post("/admin/users/{user_id}/sessions/end-all")
def end_user_sessions(
    user_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires("users.edit")
) -> Response:
    """End every session of a user."""
    ended = active_sessions.end_other_sessions(session, principal, session_cookie(request), user_id)
    return redirect(f"/admin/users/{user_id}/sessions", f"Ended {ended} session(s).")


@router.post("/admin/users/{user_id}/sessions/{handle}/end")
def end_user_session(
    user_id: uuid.UUID, handle: str, session: DbSession, principal: Principal = requires("users.edit")
) -> Response:
    """End one session of a user."""
    active_sessions.end_session(session, principal, handle, user_id)
    return redirect(f"/admin/users/{user_id}/sessions", "Session ended.")
