"""Org units, users, role grants, web sessions, API tokens and login throttling rows."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tandem.platform.db.base import Base, IdMixin, TimestampMixin
from tandem.platform.db.types import PortableJSON, UTCDateTime, utcnow


class OrgUnit(IdMixin, TimestampMixin, Base):
    """A node of the organisation tree; grants on a unit apply to its whole subtree."""

    __tablename__ = "org_units"

    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("org_units.id"), nullable=True)
    # Materialised path of ids ("/<root>/<child>/"): subtree checks become a prefix test.
    path: Mapped[str] = mapped_column(String(2000), index=True)
    description: Mapped[str] = mapped_column(String(2000), default="")

    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_org_units_parent_name"),)


class User(IdMixin, TimestampMixin, Base):
    """Someone who signs in to Tandem."""

    __tablename__ = "users"
    __audit_secret__ = frozenset({"password_hash"})
    __audit_ignore__ = frozenset({"last_login_at", "failed_logins", "updated_at"})

    username: Mapped[str] = mapped_column(String(150), unique=True)
    email: Mapped[str] = mapped_column(String(320), default="")
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(500), nullable=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    grants: Mapped[list[RoleGrant]] = relationship(back_populates="user", cascade="all, delete-orphan", lazy="selectin")


class RoleGrant(IdMixin, Base):
    """A role held on an org unit (and so on all its children)."""

    __tablename__ = "role_grants"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    org_unit_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("org_units.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="grants")
    org_unit: Mapped[OrgUnit] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("user_id", "role", "org_unit_id", name="uq_role_grants_triple"),)


class WebSession(Base):
    """A server-side login session; the cookie carries a random id whose hash is the key."""

    __tablename__ = "web_sessions"
    # Sign-ins and sign-outs are audited as events; the rows themselves churn on every request.
    __audit__ = False

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class ApiToken(IdMixin, Base):
    """A bearer token a user made for themselves; only its keyed digest is stored."""

    __tablename__ = "api_tokens"
    __audit_secret__ = frozenset({"digest"})
    __audit_ignore__ = frozenset({"last_used_at"})

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    digest: Mapped[str] = mapped_column(String(100))  # "<algorithm>:<hex>"; bare hex = legacy HMAC-SHA256
    scopes: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AccessLink(IdMixin, Base):
    """A secret link that opens one object's public page to someone without an account (a vendor, a trainee)."""

    __tablename__ = "access_links"
    __audit_secret__ = frozenset({"digest"})
    __audit_ignore__ = frozenset({"last_used_at", "use_count"})

    purpose: Mapped[str] = mapped_column(String(60))
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    org_unit_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("org_units.id"))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    digest: Mapped[str] = mapped_column(String(100))  # "<algorithm>:<hex>"; bare hex = legacy HMAC-SHA256
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    use_count: Mapped[int] = mapped_column(Integer, default=0)


class LoginThrottle(Base):
    """Failed sign-in counts per client address, so unknown user names are throttled too."""

    __tablename__ = "login_throttle"
    __audit__ = False

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    blocked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Meta(Base):
    """Key/value facts about this installation (e.g. that it holds the demo organisation)."""

    __tablename__ = "platform_meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(2000))


class MfaFactor(IdMixin, TimestampMixin, Base):
    """A user's TOTP authenticator: the seed is stored encrypted and is enabled only once confirmed."""

    __tablename__ = "mfa_factors"
    __audit_secret__ = frozenset({"secret_encrypted"})
    __audit_ignore__ = frozenset({"last_step", "updated_at"})

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    secret_encrypted: Mapped[str] = mapped_column(String(500))
    enabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The newest 30-second step whose code was accepted: an older or equal step is a replay.
    last_step: Mapped[int] = mapped_column(Integer, default=0)


class RecoveryCode(IdMixin, Base):
    """A single-use recovery code; only its argon2 hash is stored."""

    __tablename__ = "mfa_recovery_codes"
    # Generating and using codes are audited as events; the hashes never reach the log.
    __audit__ = False

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LoginChallenge(Base):
    """A sign-in whose password was right but whose second factor is still owed; no session exists yet."""

    __tablename__ = "login_challenges"
    __audit__ = False

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    next_path: Mapped[str] = mapped_column(String(2000), default="/home")
    failures: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ExternalIdentity(IdMixin, Base):
    """The link of a Tandem user to an identity provider's (issuer, subject) pair."""

    __tablename__ = "external_identities"
    __audit_ignore__ = frozenset({"last_login_at"})

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_external_identities_issuer_subject"),)


class OidcRequest(Base):
    """An authorisation request in flight: state, nonce and PKCE verifier, bound to the browser by a cookie."""

    __tablename__ = "oidc_requests"
    __audit__ = False

    state: Mapped[str] = mapped_column(String(100), primary_key=True)
    browser_hash: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(100))
    code_verifier: Mapped[str] = mapped_column(String(200))
    next_path: Mapped[str] = mapped_column(String(2000), default="/home")
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
