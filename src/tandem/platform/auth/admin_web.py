"""Administration pages: users, role grants and org units."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth import mfa, service
from tandem.platform.auth.principal import Principal
from tandem.platform.auth.roles import ROLES
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import InvalidInput, TandemError
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)


def _units(session: Session, principal: Principal) -> list[tuple[str, str]]:
    page = service.list_units(session, principal, PageRequest(limit=500, sort="path", spec=service.UNIT_LIST))
    names = {u.id: u.name for u in page.items}

    def label(unit: object) -> str:
        ids = [uuid.UUID(p) for p in unit.path.strip("/").split("/")]  # type: ignore[attr-defined]
        return " › ".join(names.get(i, "…") for i in ids)

    return sorted(((str(u.id), label(u)) for u in page.items), key=lambda x: x[1])


@router.get("/admin/users")
def users_page(request: Request, session: DbSession, principal: Principal = requires("users.view")) -> HTMLResponse:
    """List users with search and paging."""
    req = PageRequest.parse(service.USER_LIST, dict(request.query_params))
    page = service.list_users(session, principal, req)
    return render(request, "platform/users.html", page=page, params=dict(request.query_params), errors={}, created=None)


@router.post("/admin/users")
def user_create(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires("users.edit")
) -> Response:
    """Create a user and show the one-time password once."""
    try:
        user, one_time = service.create_user(
            session,
            principal,
            text(form, "username", 150),
            email=text(form, "email", 320),
            full_name=text(form, "full_name", 200),
        )
    except TandemError as exc:
        discard(session)
        page = service.list_users(session, principal, PageRequest(spec=service.USER_LIST, sort="username"))
        return render(request, "platform/users.html", 422, page=page, params={}, errors=form_errors(exc), created=None)
    page = service.list_users(session, principal, PageRequest(spec=service.USER_LIST, sort="username"))
    return render(request, "platform/users.html", 201, page=page, params={}, errors={},
                  created={"user": user, "password": one_time})  # fmt: skip


@router.get("/admin/users/{user_id}")
def user_page(
    user_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires("users.view")
) -> HTMLResponse:
    """Show a user with their grants."""
    user = service.get_user(session, principal, user_id)
    return render(request, "platform/user.html", user=user, units=_units(session, principal), roles=ROLES, errors={},
                  unit_names=dict(_units(session, principal)), reset=None,
                  mfa_on=mfa.is_enabled(session, user.id))  # fmt: skip


@router.post("/admin/users/{user_id}/grants")
def user_grant(
    user_id: uuid.UUID,
    request: Request,
    form: WebForm,
    session: DbSession,
    principal: Principal = requires("users.edit"),
) -> Response:
    """Grant a role on a unit."""
    try:
        unit_raw = text(form, "org_unit_id", 64)
        try:
            unit_id = uuid.UUID(unit_raw)
        except ValueError:
            raise InvalidInput.one("org_unit_id", "choose an org unit") from None
        service.grant_role(session, principal, user_id, text(form, "role", 40), unit_id)
    except TandemError as exc:
        discard(session)
        user = service.get_user(session, principal, user_id)
        return render(request, "platform/user.html", 422, user=user, units=_units(session, principal), roles=ROLES,
                      errors=form_errors(exc), unit_names=dict(_units(session, principal)), reset=None,
                      mfa_on=mfa.is_enabled(session, user.id))  # fmt: skip
    return redirect(f"/admin/users/{user_id}", "Role granted.")


@router.post("/admin/users/{user_id}/grants/{grant_id}/revoke")
def user_revoke(
    user_id: uuid.UUID, grant_id: uuid.UUID, session: DbSession, principal: Principal = requires("users.edit")
) -> Response:
    """Revoke a grant."""
    service.revoke_role(session, principal, user_id, grant_id)
    return redirect(f"/admin/users/{user_id}", "Role revoked.")


@router.post("/admin/users/{user_id}/active")
def user_active(
    user_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires("users.edit")
) -> Response:
    """Enable or disable a user."""
    active = text(form, "is_active", 5) == "true"
    service.set_active(session, principal, user_id, active)
    return redirect(f"/admin/users/{user_id}", "User enabled." if active else "User disabled; their sessions ended.")


@router.post("/admin/users/{user_id}/reset-password")
def user_reset(
    user_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires("users.edit")
) -> HTMLResponse:
    """Issue a new one-time password and show it once."""
    one_time = service.reset_password(session, principal, user_id)
    user = service.get_user(session, principal, user_id)
    return render(request, "platform/user.html", user=user, units=_units(session, principal), roles=ROLES, errors={},
                  unit_names=dict(_units(session, principal)), reset=one_time,
                  mfa_on=mfa.is_enabled(session, user.id))  # fmt: skip


@router.post("/admin/users/{user_id}/reset-mfa")
def user_reset_mfa(user_id: uuid.UUID, session: DbSession, principal: Principal = requires("users.edit")) -> Response:
    """Remove a user's authenticator and recovery codes (lost device); audited, sessions ended."""
    mfa.admin_reset(session, principal, user_id)
    return redirect(f"/admin/users/{user_id}", "MFA reset: the user sets up a new authenticator at next sign-in.")


@router.get("/admin/org-units")
def units_page(request: Request, session: DbSession, principal: Principal = requires("org.view")) -> HTMLResponse:
    """Show the organisation tree."""
    return render(request, "platform/org_units.html", units=_units(session, principal), errors={})


@router.post("/admin/org-units")
def unit_create(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires("org.edit")
) -> Response:
    """Create an org unit under a parent."""
    try:
        try:
            parent = uuid.UUID(text(form, "parent_id", 64))
        except ValueError:
            raise InvalidInput.one("parent_id", "choose the parent unit") from None
        service.create_unit(session, principal, text(form, "name", 200), parent)
    except TandemError as exc:
        discard(session)
        return render(
            request, "platform/org_units.html", 422, units=_units(session, principal), errors=form_errors(exc)
        )
    return redirect("/admin/org-units", "Org unit created.")
