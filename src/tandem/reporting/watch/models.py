"""Watch tables: feed items with their matches and triage, and what was last seen of each source.

Feed items are organisation-wide (no org unit): a KEV entry or a rule is the same news for every unit. Owner, risk
scenario and framework are soft links checked through their domains' services when triage sets them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Boolean, Date, Float, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base, IdMixin, TimestampMixin
from tandem.platform.db.types import PortableJSON, UTCDateTime

STATUSES = ("new", "relevant", "not_relevant")


class WatchItem(IdMixin, TimestampMixin, Base):
    """One advisory, KEV entry, publication, rule or amendment, matched and triaged."""

    __tablename__ = "reporting_watch_items"

    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(500))
    url: Mapped[str] = mapped_column(String(1000), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[str] = mapped_column(String(40), default="")
    cves: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    products: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)
    cvss: Mapped[float | None] = mapped_column(Float, nullable=True)
    severity: Mapped[str] = mapped_column(String(16), default="")
    details: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)  # remediations, topics, CFR, extra
    # Matching: the reasons the organisation should care (empty = not matched).
    matched: Mapped[bool] = mapped_column(Boolean, default=False)
    matches: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)
    # Triage
    status: Mapped[str] = mapped_column(String(16), default="new")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)  # inventory person
    task: Mapped[str] = mapped_column(Text, default="")
    task_due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    task_done: Mapped[bool] = mapped_column(Boolean, default=False)
    risk_scenario_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    framework_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    triaged_by: Mapped[str] = mapped_column(String(200), default="")
    triaged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_reporting_watch_items_source_external_id"),
        Index("ix_reporting_watch_items_status_matched", "status", "matched"),
        Index("ix_reporting_watch_items_published", "published"),
    )


class WatchSource(IdMixin, TimestampMixin, Base):
    """What was last imported from a source: its version (the KEV catalogVersion), when, from where, and how."""

    __tablename__ = "reporting_watch_sources"

    source: Mapped[str] = mapped_column(String(32), unique=True)
    last_version: Mapped[str] = mapped_column(String(100), default="")
    last_imported_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_origin: Mapped[str] = mapped_column(String(1000), default="")  # file name or URL
    last_new: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
