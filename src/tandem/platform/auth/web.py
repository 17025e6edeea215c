"""Pages to sign in and out, change one's password and manage one's API tokens."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tandem.platform.api.deps import SESSION_COOKIES, DbSession, PublicDbSession, client_ip, requires, session_cookie
from tandem.platform.auth import challenges, mfa, mfa_web, oidc, oidc_web, service, sessions_web, tokens
from tandem.platform.auth import sessions as web_sessions
from tandem.platform.auth.models import User
from tandem.platform.auth.principal import Principal
from tandem.platform.auth.signin import (
    LOGIN_CSRF_COOKIE,
    MFA_COOKIE,
    clear_step_cookie,
    read_step_cookie,
    set_step_cookie,
    signed_in,
)
from tandem.platform.auth.tokens import TOKEN_LIST
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import InvalidInput
from tandem.platform.web.forms import WebForm, discard, form_errors, text, texts
from tandem.platform.web.render import redirect, render, safe_next

router = APIRouter(include_in_schema=False)


@router.get("/login", dependencies=[requires("public")])
def login_page(request: Request, next: str = "/home") -> HTMLResponse:
    """Show the sign-in form with a fresh login CSRF token."""
    token = secrets.token_urlsafe(24)
    response = render(request, "platform/login.html", errors={}, username="", next=safe_next(next), login_csrf=token,
                      sso=oidc.enabled())  # fmt: skip
    set_step_cookie(request, response, LOGIN_CSRF_COOKIE, token)
    return response


@router.post("/login", dependencies=[requires("public")])
def login(request: Request, form: WebForm, session: PublicDbSession) -> Response:
    """Check the credentials, then start a new session (a new id every time)."""
    username, target = text(form, "username", 150), safe_next(text(form, "next", 2000))
    expected = read_step_cookie(request, LOGIN_CSRF_COOKIE)
    context = {"username": username, "next": target, "login_csrf": expected, "sso": oidc.enabled()}
    if not expected or not secrets.compare_digest(text(form, "csrf_token", 100), expected):
        errors = {"_form": "Your sign-in form expired; please try again."}
        return render(request, "platform/login.html", 403, errors=errors, **context)
    ip = client_ip(request)
    result = web_sessions.authenticate(session, username, text(form, "password", 1024), ip)
    if result.user is None:
        status = 429 if result.error is not None and result.error.title == "Too many requests" else 401
        message = result.error.message if result.error else "refused"
        return render(request, "platform/login.html", status, errors={"_form": message}, **context)
    if mfa.is_enabled(session, result.user.id):
        cookie, _ = challenges.start(session, result.user, target)
        response = RedirectResponse("/login/mfa", status_code=303)
        set_step_cookie(request, response, MFA_COOKIE, cookie, int(challenges.lifetime().total_seconds()))
        clear_step_cookie(response, LOGIN_CSRF_COOKIE)
        return response
    return signed_in(request, session, result.user, target)


@router.post("/logout")
def logout(
    request: Request, session: DbSession, principal: Principal = requires("account.edit", during_password_change=True)
) -> Response:
    """End the session on the server and clear the cookie."""
    cookie = session_cookie(request)
    if cookie:
        web_sessions.end_session(session, cookie)
    response = redirect("/login", "You are signed out.")
    for name in SESSION_COOKIES:
        response.delete_cookie(name, path="/")
    return response


@router.get("/account/password")
def password_page(
    request: Request, session: DbSession, principal: Principal = requires("account.edit", during_password_change=True)
) -> Response:
    """Show the change-password form (or send someone who owes MFA enrolment, not a password, to enrol)."""
    user = session.get(User, principal.user_id)
    assert user is not None
    if principal.must_change_password and not user.must_change_password:
        return RedirectResponse("/account/mfa", status_code=303)
    return render(request, "platform/password.html", errors={})


@router.post("/account/password")
def password_change(
    request: Request,
    form: WebForm,
    session: DbSession,
    principal: Principal = requires("account.edit", during_password_change=True),
) -> Response:
    """Change the password; a one-time password must be changed before anything else."""
    user = session.get(User, principal.user_id)
    assert user is not None
    try:
        service.change_password(
            session,
            user,
            text(form, "current_password", 1024),
            text(form, "new_password", 1024),
            keep_session=session_cookie(request),
        )
    except InvalidInput as exc:
        discard(session)
        return render(request, "platform/password.html", 422, errors=form_errors(exc))
    return redirect("/home", "Your password was changed.")


def _token_page(
    request: Request, session: Session, principal: Principal, status: int = 200, **extra: object
) -> HTMLResponse:
    assert principal.user_id is not None
    page = tokens.list_for_user(session, principal.user_id, PageRequest(limit=200, spec=TOKEN_LIST))
    context = {"tokens": page.items, "errors": {}, "created": None, "scopes": sorted(tokens.valid_scopes()), **extra}
    return render(request, "platform/tokens.html", status, **context)


@router.get("/account/tokens")
def tokens_page(request: Request, session: DbSession, principal: Principal = requires("account.edit")) -> HTMLResponse:
    """List the user's API tokens and offer to create one."""
    return _token_page(request, session, principal)


def _expiry(days: str) -> dt.datetime | None:
    if not days.strip():
        return None
    if not days.strip().isdigit() or not 1 <= int(days) <= 3650:
        raise InvalidInput.one("expires_days", "must be a whole number of days from 1 to 3650")
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=int(days))


@router.post("/account/tokens")
def token_create(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires("account.edit")
) -> HTMLResponse:
    """Create a token and show its secret once."""
    user = session.get(User, principal.user_id)
    assert user is not None
    try:
        expires = _expiry(text(form, "expires_days", 10))
        token, secret = tokens.new_token(session, user, text(form, "name", 100), texts(form, "scopes"), expires)
    except InvalidInput as exc:
        discard(session)
        return _token_page(request, session, principal, 422, errors=form_errors(exc))
    return _token_page(request, session, principal, 201, created={"token": token, "secret": secret})


@router.post("/account/tokens/{token_id}/revoke")
def token_revoke(
    token_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires("account.edit")
) -> Response:
    """Revoke one of the user's tokens."""
    assert principal.user_id is not None
    tokens.revoke(session, principal.user_id, token_id)
    return redirect("/account/tokens", "Token revoked.")


# The second sign-in step and SSO share the sign-in pages' router (and so the platform manifest).
router.include_router(mfa_web.router)
router.include_router(oidc_web.router)
router.include_router(sessions_web.router)
