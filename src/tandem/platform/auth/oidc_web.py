"""Single sign-on pages: start the OpenID Connect code flow and take the provider's answer."""

from __future__ import annotations

import logging
import secrets

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from tandem.platform.api.deps import client_ip, get_db, requires
from tandem.platform.audit.writer import record_event
from tandem.platform.auth import oidc, oidc_users
from tandem.platform.auth.signin import (
    LOGIN_CSRF_COOKIE,
    SSO_COOKIE,
    clear_step_cookie,
    read_step_cookie,
    set_step_cookie,
    signed_in,
)
from tandem.platform.config import get_settings
from tandem.platform.db.uow import Actor, unit_of_work
from tandem.platform.errors import TandemError
from tandem.platform.safety.errors import UnsafeInput
from tandem.platform.web.forms import WebForm, text
from tandem.platform.web.render import render, safe_next

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)


def _redirect_uri(request: Request) -> str:
    configured = get_settings().oidc_redirect_url
    return configured or f"{str(request.base_url).rstrip('/')}/login/sso/callback"


def _actor(request: Request) -> Actor:
    return Actor("anonymous", None, f"anonymous {client_ip(request)}")


def _refused(request: Request, status: int, message: str) -> Response:
    """Show the sign-in page again with the reason (never a code or a token)."""
    token = secrets.token_urlsafe(24)
    errors = {"_form": f"Single sign-on failed: {message}"}
    response = render(request, "platform/login.html", status, errors=errors, username="", next="/home",
                      login_csrf=token, sso=oidc.enabled())  # fmt: skip
    set_step_cookie(request, response, LOGIN_CSRF_COOKIE, token)
    clear_step_cookie(response, SSO_COOKIE)
    return response


@router.post("/login/sso", dependencies=[requires("public")])
def sso_start(request: Request, form: WebForm) -> Response:
    """Send the browser to the identity provider with a fresh state, nonce and PKCE challenge."""
    if not oidc.enabled():
        return _refused(request, 404, "single sign-on is not configured")
    expected = read_step_cookie(request, LOGIN_CSRF_COOKIE)
    if not expected or not secrets.compare_digest(text(form, "csrf_token", 100), expected):
        return _refused(request, 403, "your sign-in form expired; please try again")
    try:
        oidc.discovery()  # network first, outside the write transaction
        with unit_of_work(get_db(request), actor=_actor(request), request_id=request.state.request_id) as session:
            url, cookie = oidc.begin(session, _redirect_uri(request), safe_next(text(form, "next", 2000)))
    except (TandemError, UnsafeInput, httpx.HTTPError, OSError, ValueError) as exc:
        log.warning("single sign-on could not start: %s", type(exc).__name__)
        return _refused(request, 502, "the identity provider cannot be reached")
    response = RedirectResponse(url, status_code=303)
    set_step_cookie(request, response, SSO_COOKIE, cookie, int(oidc.request_lifetime().total_seconds()))
    return response


@router.get("/login/sso/callback", dependencies=[requires("public")])
def sso_callback(request: Request, state: str = "", code: str = "", iss: str | None = None,
                 error: str = "") -> Response:  # fmt: skip
    """Check the provider's answer (state bound to this browser, code, ID token), then start a session."""
    if not oidc.enabled():
        return _refused(request, 404, "single sign-on is not configured")
    db = get_db(request)
    try:
        # Consume the request first, in its own transaction: a state is good for one answer only.
        with unit_of_work(db, actor=_actor(request), request_id=request.state.request_id) as session:
            pending = oidc.take_request(session, state, read_step_cookie(request, SSO_COOKIE))
            session.expunge(pending)
        if error or not code:
            raise oidc.SsoFailed(f"the identity provider answered {error[:60] or 'without a code'}")
        claims = oidc.finish(pending, code[:2000], _redirect_uri(request), iss)
        with unit_of_work(db, actor=_actor(request), request_id=request.state.request_id) as session:
            user = oidc_users.user_for(session, claims)
            record_event(session, "auth.sso_login", "users", str(user.id),
                         {**oidc.assurance(claims), "ip": client_ip(request)})  # fmt: skip
            return signed_in(request, session, user, pending.next_path)
    except (TandemError, UnsafeInput, httpx.HTTPError, OSError, ValueError) as exc:
        reason = exc.message if isinstance(exc, TandemError) else "the identity provider cannot be reached"
        with unit_of_work(db, actor=_actor(request), request_id=request.state.request_id) as session:
            record_event(session, "auth.sso_failed", "users", None, {"reason": reason[:200], "ip": client_ip(request)})
        return _refused(request, 401, reason)
