"""REST routes for the signed-in user, users and grants, API tokens and org units."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response

from tandem.platform.api.deps import DbSession, requires, session_cookie
from tandem.platform.api.paging import PageOut, page_out, page_request
from tandem.platform.auth import service, sessions_api, tokens
from tandem.platform.auth.models import User
from tandem.platform.auth.principal import Principal
from tandem.platform.auth.schemas import (
    GrantCreate,
    GrantRead,
    Me,
    OrgUnitCreate,
    OrgUnitRead,
    OrgUnitUpdate,
    PasswordChange,
    TokenCreate,
    TokenCreated,
    TokenRead,
    UserActive,
    UserCreate,
    UserCreated,
    UserRead,
)  # fmt: skip
from tandem.platform.errors import NotFound

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.get("/me", response_model=Me)
def me(session: DbSession, principal: Principal = requires("account.view")) -> Me:
    """Return who is calling and with which roles and scopes."""
    return Me(
        id=principal.user_id, username=principal.username,
        roles=[GrantRead(id=uuid.uuid5(uuid.NAMESPACE_OID, f"{g.role}{g.org_unit_id}"), role=g.role,
                         org_unit_id=g.org_unit_id) for g in principal.grants],
        scopes=sorted(principal.scopes) if principal.scopes is not None else None,
    )  # fmt: skip


@router.post("/me/password", status_code=204)
def change_password(
    request: Request, body: PasswordChange, session: DbSession, principal: Principal = requires("account.edit")
) -> Response:
    """Change the caller's password; the caller's other web sessions end (the calling one, if any, stays)."""
    user = session.get(User, principal.user_id)
    assert user is not None
    service.change_password(
        session, user, body.current_password, body.new_password, keep_session=session_cookie(request)
    )
    return Response(status_code=204)


@router.get("/users", response_model=PageOut[UserRead])
def list_users(request: Request, session: DbSession, principal: Principal = requires("users.view")) -> Any:
    """List users."""
    page = service.list_users(session, principal, page_request(request, service.USER_LIST))
    return page_out(page, UserRead.model_validate)


@router.post("/users", response_model=UserCreated, status_code=201)
def create_user(body: UserCreate, session: DbSession, principal: Principal = requires("users.edit")) -> Any:
    """Create a user with a one-time password."""
    user, one_time = service.create_user(
        session, principal, body.username, email=str(body.email or ""), full_name=body.full_name
    )
    return UserCreated.model_validate({**UserRead.model_validate(user).model_dump(), "one_time_password": one_time})


@router.get("/users/{user_id}", response_model=UserRead)
def get_user(user_id: uuid.UUID, session: DbSession, principal: Principal = requires("users.view")) -> Any:
    """Return one user."""
    return service.get_user(session, principal, user_id)


@router.patch("/users/{user_id}", response_model=UserRead)
def set_active(
    user_id: uuid.UUID, body: UserActive, session: DbSession, principal: Principal = requires("users.edit")
) -> Any:
    """Enable or disable a user."""
    return service.set_active(session, principal, user_id, body.is_active)


@router.post("/users/{user_id}/grants", response_model=GrantRead, status_code=201)
def grant(
    user_id: uuid.UUID, body: GrantCreate, session: DbSession, principal: Principal = requires("users.edit")
) -> Any:
    """Grant a role on an org unit."""
    return service.grant_role(session, principal, user_id, body.role, body.org_unit_id)


@router.delete("/users/{user_id}/grants/{grant_id}", status_code=204)
def revoke_grant(
    user_id: uuid.UUID, grant_id: uuid.UUID, session: DbSession, principal: Principal = requires("users.edit")
) -> Response:
    """Revoke a role grant."""
    service.revoke_role(session, principal, user_id, grant_id)
    return Response(status_code=204)


@router.get("/tokens", response_model=PageOut[TokenRead])
def list_tokens(request: Request, session: DbSession, principal: Principal = requires("account.view")) -> Any:
    """List the caller's API tokens."""
    assert principal.user_id is not None
    page = tokens.list_for_user(session, principal.user_id, page_request(request, tokens.TOKEN_LIST))
    return page_out(page, TokenRead.model_validate)


@router.post("/tokens", response_model=TokenCreated, status_code=201)
def create_token(body: TokenCreate, session: DbSession, principal: Principal = requires("account.edit")) -> Any:
    """Create an API token for the caller; the secret is in this response only."""
    user = session.get(User, principal.user_id)
    if user is None:
        raise NotFound("user not found")
    token, secret = tokens.new_token(session, user, body.name, body.scopes, body.expires_at)
    return TokenCreated.model_validate({**TokenRead.model_validate(token).model_dump(), "token": secret})


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: uuid.UUID, session: DbSession, principal: Principal = requires("account.edit")) -> Response:
    """Revoke one of the caller's tokens."""
    assert principal.user_id is not None
    tokens.revoke(session, principal.user_id, token_id)
    return Response(status_code=204)


@router.get("/org-units", response_model=PageOut[OrgUnitRead])
def list_units(request: Request, session: DbSession, principal: Principal = requires("org.view")) -> Any:
    """List the org units the caller may see."""
    return page_out(
        service.list_units(session, principal, page_request(request, service.UNIT_LIST)), OrgUnitRead.model_validate
    )


@router.post("/org-units", response_model=OrgUnitRead, status_code=201)
def create_unit(body: OrgUnitCreate, session: DbSession, principal: Principal = requires("org.edit")) -> Any:
    """Create an org unit."""
    return service.create_unit(session, principal, body.name, body.parent_id)


@router.get("/org-units/{unit_id}", response_model=OrgUnitRead)
def get_unit(unit_id: uuid.UUID, session: DbSession, principal: Principal = requires("org.view")) -> Any:
    """Return one org unit."""
    return service.get_unit(session, principal, unit_id)


@router.patch("/org-units/{unit_id}", response_model=OrgUnitRead)
def rename_unit(
    unit_id: uuid.UUID, body: OrgUnitUpdate, session: DbSession, principal: Principal = requires("org.edit")
) -> Any:
    """Rename an org unit."""
    return service.rename_unit(session, principal, unit_id, body.name)


@router.delete("/org-units/{unit_id}", status_code=204)
def delete_unit(unit_id: uuid.UUID, session: DbSession, principal: Principal = requires("org.edit")) -> Response:
    """Delete an empty org unit."""
    service.delete_unit(session, principal, unit_id)
    return Response(status_code=204)


# Live web sessions share the /api/v1/auth prefix (and so the platform manifest).
sessions_api.install(router)
