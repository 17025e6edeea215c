"""Vulnerability tables: advisories (NVD/OSV), KEV and EPSS snapshots, feed imports, match runs, and matches stored
per software version (software versions, the items linked to them, version matches, triage decisions).

Asset-level findings are not stored: `findings_view.Finding` expands version matches to software items lazily."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base, IdMixin, OrgScopedMixin, TimestampMixin
from tandem.platform.db.types import PortableJSON, UTCDateTime, utcnow

STATUSES = ("open", "accepted", "fixed", "false_positive")
# 64-bit surrogate keys (plain INTEGER on SQLite so it is the rowid): a finding's id packs two of them.
SurrogateKey = BigInteger().with_variant(Integer(), "sqlite")


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
    # The score of the CVE's last history point: the next snapshot adds one only when it moved far enough from it.
    history_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class FeedHistory(Base):
    """What a feed said about a CVE over time: EPSS points (when the score moved or the model changed) and KEV
    additions and changes (due date, ransomware use)."""

    __tablename__ = "vulnerabilities_feed_history"
    # Written in bulk by feed imports, which are audited as one event each.
    __audit__ = False

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))  # epss | kev
    cve_id: Mapped[str] = mapped_column(String(40))
    observed_on: Mapped[str] = mapped_column(String(10))  # the EPSS score date, or the day the KEV change was seen
    data: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_vulnerabilities_feed_history_cve", "cve_id", "kind", "observed_on"),)


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


class SoftwareVersion(Base):
    """A distinct normalised software identity (CPE target and/or purl) that matching runs against once."""

    __tablename__ = "vulnerabilities_versions"
    # Machine bookkeeping written by the match job; the match run is the audit event.
    __audit__ = False

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True, autoincrement=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    identity: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SoftwareLink(Base):
    """Which software version an inventory software item is (one row per item; version None once it has none)."""

    __tablename__ = "vulnerabilities_software_links"
    __audit__ = False

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True, autoincrement=True)
    software_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("inventory_software.id", ondelete="CASCADE"), unique=True
    )
    version_id: Mapped[int | None] = mapped_column(
        SurrogateKey, ForeignKey("vulnerabilities_versions.id"), nullable=True, index=True
    )
    linked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class VersionMatch(Base):
    """A software version matched to an advisory: why, how sure, how urgent; inactive once it stops matching."""

    __tablename__ = "vulnerabilities_version_matches"
    __audit__ = False

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(SurrogateKey, ForeignKey("vulnerabilities_versions.id"))
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
    # AND configurations / platforms hold on some assets only: then only the items in ScopedHit carry it.
    scoped: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        UniqueConstraint("version_id", "advisory_id", name="uq_vulnerabilities_version_matches_version_advisory"),
        Index("ix_vulnerabilities_version_matches_rank", "priority_rank", "id"),
    )


class ScopedHit(Base):
    """A software item that carries a scoped version match (its asset has the platform the configuration needs)."""

    __tablename__ = "vulnerabilities_scoped_hits"
    __audit__ = False

    match_id: Mapped[int] = mapped_column(
        SurrogateKey, ForeignKey("vulnerabilities_version_matches.id", ondelete="CASCADE"), primary_key=True
    )
    software_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("inventory_software.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Triage(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A per-(software item, advisory) overlay: a person's decision, the matcher closing a finding whose item left
    the version, or where the finding was first seen before its item moved to another still-affected version."""

    __tablename__ = "vulnerabilities_triage"
    __audit_ignore__ = frozenset({"updated_at", "version_id", "first_seen_at", "last_seen_at"})

    software_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("inventory_software.id", ondelete="CASCADE"))
    advisory_id: Mapped[str] = mapped_column(String(100), index=True)
    # The version the item had when last matched: explains a finding after its item moved on.
    version_id: Mapped[int | None] = mapped_column(
        SurrogateKey, ForeignKey("vulnerabilities_versions.id"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(20), default="open")
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_by: Mapped[str] = mapped_column(String(200), default="")
    status_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    first_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        UniqueConstraint("software_id", "advisory_id", name="uq_vulnerabilities_triage_software_advisory"),
    )


def __getattr__(name: str) -> Any:
    """Return `Finding` (the lazy asset-level view) for code that imports it from here; loaded on first use
    because the view is built from the tables above."""
    if name == "Finding":
        from tandem.vulnerabilities.findings_view import Finding

        return Finding
    raise AttributeError(name)
