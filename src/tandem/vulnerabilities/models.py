"""Vulnerability tables: advisories (NVD/OSV), KEV and EPSS snapshots, feed imports, match runs, findings."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base, IdMixin, OrgScopedMixin, TimestampMixin
from tandem.platform.db.types import PortableJSON, UTCDateTime, utcnow

STATUSES = ("open", "accepted", "fixed", "false_positive")


class Advisory(Base):
    """An NVD CVE or OSV advisory: what display needs, plus the raw criteria the matcher rebuilds from."""

    __tablename__ = "vulnerabilities_advisories"
    # Reference data written in bulk; each feed import is one audit event instead of one entry per row.
    __audit__ = False

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    source: Mapped[str] = mapped_column(String(10))  # nvd | osv
    status: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    cvss: Mapped[float | None] = mapped_column(Float, nullable=True)
    cvss_vector: Mapped[str] = mapped_column(String(200), default="")
    severity: Mapped[str] = mapped_column(String(20), default="")
    cwes: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    aliases: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    published: Mapped[str | None] = mapped_column(String(40), nullable=True)
    modified: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # NVD: the `configurations` list; OSV: the record without its prose. Re-parsed by the pure parsers.
    match_data: Mapped[Any] = mapped_column(PortableJSON, default=list)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class KevEntry(Base):
    """A CISA Known Exploited Vulnerabilities catalogue entry."""

    __tablename__ = "vulnerabilities_kev"
    __audit__ = False

    cve_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), default="")
    vendor_project: Mapped[str] = mapped_column(String(200), default="")
    product: Mapped[str] = mapped_column(String(200), default="")
    date_added: Mapped[str] = mapped_column(String(10), default="")
    due_date: Mapped[str] = mapped_column(String(10), default="")
    ransomware: Mapped[bool] = mapped_column(Boolean, default=False)
    required_action: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class EpssScore(Base):
    """The latest EPSS score of a CVE, with the snapshot it came from (never compare across models)."""

    __tablename__ = "vulnerabilities_epss"
    __audit__ = False

    cve_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    percentile: Mapped[float] = mapped_column(Float)
    score_date: Mapped[str] = mapped_column(String(40), default="")
    model_version: Mapped[str] = mapped_column(String(40), default="")
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class FeedImport(IdMixin, Base):
    """One feed file ingested: what, when, how many records, how many changed."""

    __tablename__ = "vulnerabilities_feed_imports"

    kind: Mapped[str] = mapped_column(String(10))
    file_name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100), default="")
    records: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    imported_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class MatchRun(IdMixin, Base):
    """One matching pass; its start time is the watermark of the next delta pass."""

    __tablename__ = "vulnerabilities_match_runs"

    mode: Mapped[str] = mapped_column(String(10))  # full | delta
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    advisories: Mapped[int] = mapped_column(Integer, default=0)
    items: Mapped[int] = mapped_column(Integer, default=0)
    found: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)


class Finding(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A software component matched to an advisory: why, how sure, how urgent, and its triage status."""

    __tablename__ = "vulnerabilities_findings"
    # Matching refreshes these on every pass; the status change is what the audit log is for.
    __audit_ignore__ = frozenset({"last_seen_at", "updated_at", "epss_percentile", "priority_rank"})

    software_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("inventory_software.id", ondelete="CASCADE"), index=True
    )
    asset_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    application_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    component: Mapped[str] = mapped_column(String(400), default="")
    advisory_id: Mapped[str] = mapped_column(String(100), index=True)
    cve_id: Mapped[str] = mapped_column(String(100), index=True)
    cve_ids: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    path: Mapped[str] = mapped_column(String(10))  # cpe | purl
    criterion: Mapped[str] = mapped_column(String(500), default="")
    range: Mapped[str] = mapped_column(String(300), default="")
    matched_version: Mapped[str] = mapped_column(String(200), default="")
    steps: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    platform: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    cvss: Mapped[float | None] = mapped_column(Float, nullable=True)
    kev: Mapped[bool] = mapped_column(Boolean, default=False)
    kev_due: Mapped[str] = mapped_column(String(10), default="")
    epss_percentile: Mapped[float | None] = mapped_column(Float, nullable=True)
    priority_tier: Mapped[int] = mapped_column(Integer, default=4)
    priority_label: Mapped[str] = mapped_column(String(100), default="")
    priority_rank: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_by: Mapped[str] = mapped_column(String(200), default="")
    status_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("software_id", "advisory_id", name="uq_vulnerabilities_findings_software_advisory"),
        Index("ix_vulnerabilities_findings_unit_rank", "org_unit_id", "status", "priority_rank", "id"),
    )
