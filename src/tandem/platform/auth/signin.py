"""The end of every sign-in path (password, password + second factor, SSO): a new session and its cookie."""

from __future__ import annotations

from typing import Literal

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tandem.platform.api.deps import SESSION_COOKIES, client_ip
from tandem.platform.auth import sessions as web_sessions
from tandem.platform.auth.models import User

LOGIN_CSRF_COOKIE = "tandem_csrf"
MFA_COOKIE = "tandem_mfa"
SSO_COOKIE = "tandem_sso"


def secure(request: Request) -> bool:
    """Return whether cookies must be Secure (HTTPS, or forced by the setting)."""
    return request.url.scheme == "https" or bool(request.app.state.settings.secure_cookies)


HOST_PREFIX = "__Host-"


def set_step_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    """Set a short-lived cookie that carries a sign-in step (never readable by scripts).

    Over HTTPS its name takes the __Host- prefix, as the session cookie's does: the browser then refuses it
    unless it is Secure, has Path=/ and no Domain, so a sibling subdomain cannot plant or overwrite it.
    """
    # Lax, not Strict, for the SSO cookie: the provider's redirect back is a top-level cross-site GET.
    samesite: Literal["lax", "strict"] = "lax" if name == SSO_COOKIE else "strict"
    is_secure = secure(request)
    response.set_cookie(
        HOST_PREFIX + name if is_secure else name, value, httponly=True, samesite=samesite, secure=is_secure,
        path="/", max_age=max_age,
    )  # fmt: skip


def read_step_cookie(request: Request, name: str) -> str:
    """Return a sign-in step cookie's value under either of its names ('' when absent)."""
    return request.cookies.get(HOST_PREFIX + name) or request.cookies.get(name, "")


def clear_step_cookie(response: Response, name: str) -> None:
    """Delete a sign-in step cookie under both of its names."""
    response.delete_cookie(name, path="/")
    response.delete_cookie(HOST_PREFIX + name, path="/", secure=True, httponly=True)


def signed_in(request: Request, session: Session, user: User, target: str) -> Response:
    """Start a fresh session for a fully authenticated user and send them on."""
    new = web_sessions.start_session(session, user, client_ip(request), request.headers.get("user-agent", ""))
    response = RedirectResponse(target, status_code=303)
    is_secure = secure(request)
    name = SESSION_COOKIES[0] if is_secure else SESSION_COOKIES[1]
    max_age = request.app.state.settings.session_absolute_hours * 3600
    response.set_cookie(
        name, new.cookie_value, httponly=True, samesite="lax", secure=is_secure, path="/", max_age=max_age
    )
    for step_cookie in (LOGIN_CSRF_COOKIE, MFA_COOKIE, SSO_COOKIE):
        clear_step_cookie(response, step_cookie)
    return response
