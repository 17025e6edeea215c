"""Who an SSO sign-in is: the Tandem user linked to (issuer, subject), created on first sign-in if allowed,
with roles set from the provider's groups every time."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.platform.audit.writer import record_event
from tandem.platform.auth.models import ExternalIdentity, RoleGrant, User
from tandem.platform.auth.oidc import SsoFailed, parse_group_roles, unit_at
from tandem.platform.config import get_settings
from tandem.platform.db.types import utcnow


def _username(session: Session, claims: dict[str, Any], issuer: str, subject: str) -> str:
    """Pick a free user name; a clash with an existing account never links to it (no takeover by name)."""
    wanted = str(claims.get("preferred_username") or "").strip()
    base = "-".join(wanted.split())[:100] or "sso"
    digest = hashlib.sha256(f"{issuer}|{subject}".encode()).hexdigest()[:8]
    for candidate in (base, f"{base}-{digest}"):
        clash = select(User.id).where(func.lower(User.username) == candidate.lower())
        if session.scalar(clash) is None:
            return candidate
    raise SsoFailed("cannot choose a user name for this identity; ask an administrator")


def _signup(session: Session, claims: dict[str, Any], issuer: str, subject: str) -> ExternalIdentity:
    user = User(
        username=_username(session, claims, issuer, subject), email=str(claims.get("email") or "")[:320],
        full_name=str(claims.get("name") or "")[:200], password_hash=None, must_change_password=False,
    )  # fmt: skip
    session.add(user)
    session.flush()
    identity = ExternalIdentity(user_id=user.id, issuer=issuer, subject=subject)
    session.add(identity)
    record_event(session, "auth.sso_signup", "users", str(user.id), {"username": user.username, "issuer": issuer})
    session.flush()
    return identity


def sync_roles(session: Session, user: User, groups: list[str]) -> None:
    """Make the user's grants exactly those the group map gives their groups (audited)."""
    rules = parse_group_roles(get_settings().oidc_group_roles)
    if not rules:
        return  # no map configured: administrators manage SSO users' roles in Tandem
    wanted = {(r.role, unit_at(session, r.path).id) for r in rules if r.group in groups}
    held = {(g.role, g.org_unit_id): g for g in user.grants}
    removed = [key for key in held if key not in wanted]
    added = [key for key in wanted if key not in held]
    for key in removed:
        user.grants.remove(held[key])
    for role, unit_id in added:
        user.grants.append(RoleGrant(user_id=user.id, role=role, org_unit_id=unit_id))
    if added or removed:
        record_event(session, "auth.sso_roles_synced", "users", str(user.id), {
            "added": sorted(f"{r}@{u}" for r, u in added), "removed": sorted(f"{r}@{u}" for r, u in removed),
            "groups": sorted(groups)[:50],
        })  # fmt: skip
    session.flush()


def user_for(session: Session, claims: dict[str, Any]) -> User:
    """Return the active Tandem user for checked ID token claims, keyed on (iss, sub) only."""
    settings = get_settings()
    issuer, subject = settings.oidc_issuer, str(claims["sub"])
    identity = session.scalars(
        select(ExternalIdentity).where(ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject)
    ).first()
    if identity is None:
        if not settings.oidc_allow_signup:
            raise SsoFailed("no Tandem account is linked to this SSO identity; ask an administrator")
        identity = _signup(session, claims, issuer, subject)
    user = session.get(User, identity.user_id)
    if user is None or not user.is_active:
        raise SsoFailed("this Tandem account is disabled")
    raw_groups = claims.get(settings.oidc_groups_claim) or []
    groups = [g for g in raw_groups if isinstance(g, str)] if isinstance(raw_groups, list) else []
    sync_roles(session, user, groups)
    identity.last_login_at = utcnow()
    return user
