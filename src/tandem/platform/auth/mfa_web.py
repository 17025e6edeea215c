"""Pages for the second sign-in step and for managing one's own authenticator and recovery codes."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tandem.platform.api.deps import DbSession, PublicDbSession, client_ip, requires
from tandem.platform.auth import challenges, mfa
from tandem.platform.auth.models import User
from tandem.platform.auth.principal import Principal
from tandem.platform.auth.signin import MFA_COOKIE, clear_step_cookie, read_step_cookie, signed_in
from tandem.platform.errors import TandemError
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)


def _expired() -> Response:
    response = RedirectResponse("/login", status_code=303)
    clear_step_cookie(response, MFA_COOKIE)
    return response


@router.get("/login/mfa", dependencies=[requires("public")])
def challenge_page(request: Request, session: PublicDbSession) -> Response:
    """Ask for the second factor of a sign-in whose password was right."""
    found = challenges.resolve(session, read_step_cookie(request, MFA_COOKIE))
    if found is None:
        return _expired()
    return render(request, "platform/mfa_challenge.html", errors={}, challenge_csrf=found[0].csrf_token)


@router.post("/login/mfa", dependencies=[requires("public")])
def challenge_answer(request: Request, form: WebForm, session: PublicDbSession) -> Response:
    """Check the TOTP or recovery code; only now does a session start."""
    found = challenges.resolve(session, read_step_cookie(request, MFA_COOKIE))
    if found is None:
        return _expired()
    row, user = found
    if not secrets.compare_digest(text(form, "csrf_token", 100), row.csrf_token):
        errors = {"_form": "Your sign-in form expired; please try again."}
        return render(request, "platform/mfa_challenge.html", 403, errors=errors, challenge_csrf=row.csrf_token)
    target = row.next_path
    result = challenges.answer(session, row, user, text(form, "code", 40), client_ip(request))
    if result.user is not None:
        return signed_in(request, session, result.user, target)
    status = 429 if result.error is not None and result.error.title == "Too many requests" else 401
    errors = {"_form": result.error.message if result.error else "refused"}
    response = render(
        request, "platform/mfa_challenge.html", status, errors=errors, challenge_csrf=row.csrf_token,
        restart=result.restart,
    )  # fmt: skip
    if result.restart:
        clear_step_cookie(response, MFA_COOKIE)
    return response


def _message(exc: TandemError) -> str:
    return "; ".join(f"{k}: {v}" if k != "_form" else v for k, v in form_errors(exc).items())


def _me(session: Session, principal: Principal) -> User:
    user = session.get(User, principal.user_id)
    assert user is not None
    return user


def _account_page(
    request: Request, session: Session, principal: Principal, status: int = 200, **extra: object
) -> Response:
    user = _me(session, principal)
    context = {
        "enabled": mfa.is_enabled(session, user.id), "required": mfa.must_enrol(user),
        "remaining": mfa.remaining_codes(session, user.id), "sso_user": user.password_hash is None,
        "errors": {}, **extra,
    }  # fmt: skip
    return render(request, "platform/mfa.html", status, **context)


@router.get("/account/mfa")
def mfa_page(
    request: Request, session: DbSession, principal: Principal = requires("account.view", during_password_change=True)
) -> Response:
    """Show whether MFA is on, and the ways to enrol, renew recovery codes or turn it off."""
    return _account_page(request, session, principal)


@router.post("/account/mfa/enrol")
def mfa_enrol(
    request: Request, session: DbSession, principal: Principal = requires("account.edit", during_password_change=True)
) -> Response:
    """Create a new seed and show it once, as a QR code and as text."""
    user = _me(session, principal)
    if user.password_hash is None:
        return _account_page(
            request, session, principal, 409, errors={"_form": "SSO accounts use your provider's MFA."}
        )
    try:
        seed, uri, svg = mfa.begin_enrolment(session, user)
    except TandemError as exc:
        discard(session)
        return _account_page(request, session, principal, 409, errors={"_form": _message(exc)})
    return render(request, "platform/mfa_enrol.html", seed=seed, uri=uri, qr_svg=svg, errors={})


@router.post("/account/mfa/confirm")
def mfa_confirm(
    request: Request,
    form: WebForm,
    session: DbSession,
    principal: Principal = requires("account.edit", during_password_change=True),
) -> Response:
    """Turn MFA on once a code from the new authenticator is right; show the recovery codes once."""
    try:
        codes = mfa.confirm_enrolment(session, _me(session, principal), text(form, "code", 20))
    except TandemError as exc:
        discard(session)
        errors = {"_form": "Enrolment failed; start again. " + _message(exc)}
        return _account_page(request, session, principal, 422, errors=errors)
    return render(request, "platform/mfa_codes.html", codes=codes, first=True)


@router.post("/account/mfa/recovery-codes")
def mfa_codes(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires("account.edit")
) -> Response:
    """Replace the recovery codes (after a current TOTP code) and show the new ones once."""
    try:
        codes = mfa.regenerate_codes(session, _me(session, principal), text(form, "code", 20))
    except TandemError as exc:
        discard(session)
        return _account_page(request, session, principal, 422, errors={"_form": _message(exc)})
    return render(request, "platform/mfa_codes.html", codes=codes, first=False)


@router.post("/account/mfa/disable")
def mfa_disable(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires("account.edit")
) -> Response:
    """Turn MFA off after a current code."""
    try:
        mfa.disable(session, _me(session, principal), text(form, "code", 40))
    except TandemError as exc:
        discard(session)
        return _account_page(request, session, principal, 422, errors={"_form": _message(exc)})
    return redirect("/account/mfa", "Two-step sign-in is off.")
