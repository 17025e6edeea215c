"""Declarative base and the mixins every Tandem model shares."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, MetaData, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tandem.platform.db.types import UTCDateTime, utcnow

# Stable constraint names make migrations portable and diffable.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Root of every model; audited unless a model sets __audit__ = False."""

    metadata = MetaData(naming_convention=NAMING)
    __audit__: bool = True
    # Fields whose changes alone are not worth an audit entry (progress ticks, last-seen stamps).
    __audit_ignore__: frozenset[str] = frozenset()
    # Fields whose values never reach the audit log.
    __audit_secret__: frozenset[str] = frozenset()
    # Large fields the audit log records as their SHA-256 (text as UTF-8, other values as canonical JSON).
    __audit_digest__: frozenset[str] = frozenset()


class IdMixin:
    """A client-generated UUID primary key, known before flush so audit entries can name it."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)


class TimestampMixin:
    """Creation and update times."""

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class OrgScopedMixin:
    """Belongs to an org unit; visibility and permissions follow the unit tree."""

    org_unit_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("org_units.id"), index=True)


class ProvenanceMixin:
    """Where a record came from and when someone last confirmed it."""

    source: Mapped[str] = mapped_column(String(200), default="entered")
    last_verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
