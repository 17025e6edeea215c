"""Org units, users and role grants: the rules, over plain SQLAlchemy queries."""

from __future__ import annotations

import unicodedata
import uuid
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tandem.platform.audit.writer import record_event
from tandem.platform.auth import actions, mfa
from tandem.platform.auth.models import OrgUnit, RoleGrant, User
from tandem.platform.auth.passwords import check_policy, generate_password, hash_password, verify_password
from tandem.platform.auth.permissions import require, visible_to, visible_unit_ids
from tandem.platform.auth.principal import Grant, Principal
from tandem.platform.auth.roles import ROLES
from tandem.platform.auth.sessions import end_all_sessions
from tandem.platform.db.paging import ListSpec, Page, PageRequest, apply_page
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, InvalidInput, NotFound, PermissionDenied

USER_LIST = ListSpec(("username", "created_at"), "username", ("is_active",), ("username", "full_name", "email"))
UNIT_LIST = ListSpec(("name", "path", "created_at"), "path", ("parent_id",), ("name",))


def principal_for(user: User, scopes: frozenset[str] | None = None, token_id: uuid.UUID | None = None) -> Principal:
    """Build the Principal of an active user from their grants."""
    grants = tuple(Grant(g.role, g.org_unit_id, g.org_unit.path) for g in user.grants) if user.is_active else ()
    # A browser session that owes MFA enrolment is held to the account-setup pages, like one that owes a
    # new password; API tokens are machine credentials and are not affected.
    restricted = user.must_change_password or (scopes is None and token_id is None and mfa.must_enrol(user))
    return Principal(user.id, user.username, grants, scopes, token_id, restricted)


# --- org units -------------------------------------------------------------------------------


def root_unit(session: Session) -> OrgUnit | None:
    """Return the top of the organisation tree, if there is one."""
    return session.scalars(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.created_at)).first()


def create_unit(session: Session, principal: Principal | None, name: str, parent_id: uuid.UUID | None) -> OrgUnit:
    """Create an org unit under parent (None only for the first, root unit)."""
    name = name.strip()
    if not name:
        raise InvalidInput.one("name", "must not be empty")
    parent = None
    if parent_id is not None:
        parent = get_unit(session, principal, parent_id)
    elif root_unit(session) is not None:
        raise InvalidInput.one("parent_id", "is required: the organisation already has a root unit")
    if principal is not None:
        require(session, principal, "org.edit", parent)
    clash = select(OrgUnit.id).where(OrgUnit.parent_id == parent_id, func.lower(OrgUnit.name) == name.lower())
    if session.scalar(clash) is not None:
        raise Conflict(f"an org unit named {name!r} already exists there")
    unit = OrgUnit(id=uuid.uuid4(), name=name, parent_id=parent_id)
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    session.add(unit)
    session.flush()
    return unit


def get_unit(session: Session, principal: Principal | None, unit_id: uuid.UUID) -> OrgUnit:
    """Return a unit principal may see (404 otherwise)."""
    stmt = select(OrgUnit).where(OrgUnit.id == unit_id)
    if principal is not None:
        stmt = _scope_units(stmt, session, principal, "org.view")
    unit = session.scalars(stmt).first()
    if unit is None:
        raise NotFound("org unit not found")
    return unit


def _scope_units(stmt: Select[Any], session: Session, principal: Principal, action: str) -> Select[Any]:
    return stmt.where(OrgUnit.id.in_(visible_unit_ids(session, principal, action)))


def list_units(session: Session, principal: Principal, req: PageRequest) -> Page[OrgUnit]:
    """List the units principal may see."""
    return apply_page(session, _scope_units(select(OrgUnit), session, principal, "org.view"), OrgUnit, req)


def rename_unit(session: Session, principal: Principal, unit_id: uuid.UUID, name: str) -> OrgUnit:
    """Rename a unit."""
    unit = get_unit(session, principal, unit_id)
    _require_unit(session, principal, unit)
    if not name.strip():
        raise InvalidInput.one("name", "must not be empty")
    unit.name = name.strip()
    session.flush()
    return unit


def delete_unit(session: Session, principal: Principal, unit_id: uuid.UUID) -> None:
    """Delete an empty leaf unit."""
    unit = get_unit(session, principal, unit_id)
    _require_unit(session, principal, unit)
    if session.scalar(select(func.count()).where(OrgUnit.parent_id == unit.id)):
        raise Conflict("the unit has child units; move or delete them first")
    if session.scalar(select(func.count()).where(RoleGrant.org_unit_id == unit.id)):
        raise Conflict("roles are granted on this unit; revoke them first")
    session.delete(unit)
    session.flush()


def _require_unit(session: Session, principal: Principal, unit: OrgUnit) -> None:
    if not principal.can("org.edit", unit.path):
        raise PermissionDenied("you are not allowed to edit this org unit")


# --- users and grants ------------------------------------------------------------------------


def find_user(session: Session, username: str) -> User | None:
    """Return the user with this name (case-insensitive, Unicode NFC), if any."""
    key = unicodedata.normalize("NFC", username.strip()).lower()
    if key.isascii():
        return session.scalars(select(User).where(func.lower(User.username) == key)).first()
    # SQLite's lower() folds ASCII only: compare non-ASCII names in Python, among names of the same length.
    same_length = select(User).where(func.length(User.username) == len(key))
    return next(
        (u for u in session.scalars(same_length) if unicodedata.normalize("NFC", u.username).lower() == key), None
    )


def all_users(session: Session) -> list[User]:
    """Return every user by name (console use: the operator is trusted)."""
    return list(session.scalars(select(User).order_by(User.username)))


def units_named(session: Session, name: str) -> list[OrgUnit]:
    """Return the units with this exact name."""
    return list(session.scalars(select(OrgUnit).where(OrgUnit.name == name)))


def get_user(session: Session, principal: Principal, user_id: uuid.UUID) -> User:
    """Return a user for someone allowed to see users."""
    require(session, principal, "users.view")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user not found")
    return user


def list_users(session: Session, principal: Principal, req: PageRequest) -> Page[User]:
    """List users (administrators and auditors)."""
    require(session, principal, "users.view")
    return apply_page(session, select(User), User, req)


def create_user(
    session: Session,
    principal: Principal | None,
    username: str,
    *,
    email: str = "",
    full_name: str = "",
    password: str | None = None,
) -> tuple[User, str | None]:
    """Create a user; without a password, return a one-time password they must change at first login."""
    if principal is not None:
        require(session, principal, "users.edit")
    username = unicodedata.normalize("NFC", username.strip())  # one spelling per name: "À" is never "A\u0300"
    if not username or len(username) > 150 or any(c.isspace() for c in username):
        raise InvalidInput.one("username", "must be 1–150 characters without spaces")
    if find_user(session, username) is not None:
        raise Conflict(f"user {username!r} already exists")
    one_time = None
    if password is None:
        one_time = password = generate_password()
    else:
        check_policy(password, username)
    user = User(
        username=username, email=email.strip(), full_name=full_name.strip(), password_hash=hash_password(password),
        must_change_password=one_time is not None, password_changed_at=utcnow(),
    )  # fmt: skip
    session.add(user)
    session.flush()
    return user, one_time


def set_active(session: Session, principal: Principal | None, user_id: uuid.UUID, active: bool) -> User:
    """Enable or disable a user; disabling ends their sessions and tokens at once."""
    if principal is not None:
        require(session, principal, "users.edit")
        if principal.user_id == user_id and not active:
            raise Conflict("you cannot disable yourself")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user not found")
    user.is_active = active
    if not active:
        end_all_sessions(session, user.id)
    session.flush()
    return user


def grant_role(
    session: Session, principal: Principal | None, user_id: uuid.UUID, role: str, unit_id: uuid.UUID
) -> RoleGrant:
    """Grant role on a unit (and so on its subtree)."""
    if principal is not None:
        require(session, principal, "users.edit")
    if role not in ROLES:
        raise InvalidInput.one("role", f"unknown role; choose one of {', '.join(ROLES)}")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user not found")
    unit = get_unit(session, None, unit_id)
    if any(g.role == role and g.org_unit_id == unit.id for g in user.grants):
        raise Conflict(f"{user.username} already holds {role} on {unit.name}")
    grant = RoleGrant(user_id=user.id, role=role, org_unit_id=unit.id)
    user.grants.append(grant)
    session.flush()
    return grant


def revoke_role(session: Session, principal: Principal | None, user_id: uuid.UUID, grant_id: uuid.UUID) -> None:
    """Remove a role grant."""
    if principal is not None:
        require(session, principal, "users.edit")
    grant = session.get(RoleGrant, grant_id)
    if grant is None or grant.user_id != user_id:
        raise NotFound("role grant not found")
    session.delete(grant)
    session.flush()


def change_password(session: Session, user: User, current: str, new: str, keep_session: str | None = None) -> None:
    """Change a user's own password after checking the current one; end every other session of the user.

    Someone who changes a password because it leaked expects a thief's sessions to end with it (ASVS V7.4.3);
    the session the change was made from (`keep_session`, its cookie value) stays signed in.
    """
    if not verify_password(user.password_hash, current):
        raise InvalidInput.one("current_password", "is not your current password")
    if current == new:
        raise InvalidInput.one("new_password", "must differ from the current password")
    check_policy(new, user.username, field="new_password")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.password_changed_at = utcnow()
    end_all_sessions(session, user.id, keep=keep_session)
    record_event(session, "auth.password_changed", "users", str(user.id), {"username": user.username})
    session.flush()


def reset_password(session: Session, principal: Principal | None, user_id: uuid.UUID) -> str:
    """Give a user a new one-time password (administrators)."""
    if principal is not None:
        require(session, principal, "users.edit")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user not found")
    one_time = generate_password()
    user.password_hash, user.must_change_password = hash_password(one_time), True
    user.password_changed_at = utcnow()
    end_all_sessions(session, user.id)  # whoever held the old password is signed out everywhere
    record_event(session, "auth.password_reset", "users", str(user.id), {"username": user.username})
    session.flush()
    return one_time


__all__ = ["actions", "visible_to"]  # actions registers the platform permissions on import
