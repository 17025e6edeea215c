"""Monitoring tables: imported scans, their audit findings and port diffs, and discovered (unconfirmed) hosts."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base, IdMixin, OrgScopedMixin, TimestampMixin
from tandem.platform.db.types import PortableJSON, UTCDateTime, utcnow

SEVERITIES = ("critical", "high", "medium", "low", "info")
HOST_STATUSES = ("unconfirmed", "adopted", "dismissed")
ISSUE_STATUSES = ("open", "accepted", "false_positive", "fixed")


class Scan(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """One imported nmap or Greenbone file; `target` groups consecutive scans of the same network for diffs."""

    __tablename__ = "monitoring_scans"

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # nmap | greenbone
    target: Mapped[str] = mapped_column(String(300), index=True)
    file_name: Mapped[str] = mapped_column(String(200), default="")
    scanner_version: Mapped[str] = mapped_column(String(100), default="")
    scanned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    hosts_up: Mapped[int] = mapped_column(Integer, default=0)
    known_hosts: Mapped[int] = mapped_column(Integer, default=0)
    unknown_hosts: Mapped[int] = mapped_column(Integer, default=0)
    finding_count: Mapped[int] = mapped_column(Integer, default=0)
    # [host, protocol, port, service] of every open port: the next scan of the target diffs against these.
    open_ports: Mapped[list[Any]] = mapped_column(PortableJSON, default=list)
    imported_by: Mapped[str] = mapped_column(String(200), default="")


class ScanFinding(IdMixin, OrgScopedMixin, Base):
    """An audit-rule result, port change or Greenbone result of one scan."""

    __tablename__ = "monitoring_findings"
    __audit__ = False  # written with their scan, whose creation is audited

    scan_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("monitoring_scans.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(20), index=True)
    host: Mapped[str] = mapped_column(String(255))
    protocol: Mapped[str | None] = mapped_column(String(10), nullable=True)
    port: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    asset_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    cves: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    qod: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The lasting issue this sighting belongs to (None for port-closed notes, which are no issue).
    issue_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("monitoring_issues.id", ondelete="SET NULL"), nullable=True, index=True
    )

    __table_args__ = (Index("ix_monitoring_findings_unit_created_at_id", "org_unit_id", "created_at", "id"),)


class DiscoveredHost(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A host a scan saw that the inventory does not know: shadow IT until someone adopts or dismisses it."""

    __tablename__ = "monitoring_discovered_hosts"
    __audit_ignore__ = frozenset({"last_seen_at", "last_scan_id", "open_ports", "updated_at"})

    address: Mapped[str] = mapped_column(String(100))
    hostnames: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    macs: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    open_ports: Mapped[list[Any]] = mapped_column(PortableJSON, default=list)
    first_scan_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("monitoring_scans.id", ondelete="SET NULL"), nullable=True
    )
    last_scan_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="unconfirmed", index=True)
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    asset_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)

    __table_args__ = (UniqueConstraint("org_unit_id", "address", name="uq_monitoring_discovered_hosts_unit_address"),)


class NetworkIssue(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A lasting network finding with a lifecycle, deduplicated across scans by its stable key
    (asset or host, rule or CVE, protocol/port or component): never by hashing free text."""

    __tablename__ = "monitoring_issues"
    # Sightings refresh these on every scan; the scan's own creation is the audited event.
    __audit_ignore__ = frozenset(
        {"last_seen_at", "last_scan_id", "occurrences", "detail", "severity", "cves", "priority", "updated_at"}
    )

    key: Mapped[str] = mapped_column(String(600))
    source: Mapped[str] = mapped_column(String(20), index=True)  # scan kind (nmap, greenbone, tandem-check) | audit
    asset_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    host: Mapped[str] = mapped_column(String(255), index=True)
    rule: Mapped[str] = mapped_column(String(100), index=True)
    protocol: Mapped[str | None] = mapped_column(String(10), nullable=True)
    port: Mapped[int | None] = mapped_column(Integer, nullable=True)
    component: Mapped[str] = mapped_column(String(200), default="")
    severity: Mapped[str] = mapped_column(String(20), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    cves: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_scan_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("monitoring_scans.id", ondelete="SET NULL"), nullable=True
    )
    occurrences: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_by: Mapped[str] = mapped_column(String(200), default="")
    status_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    accepted_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    fixed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    regressed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Status rank * 10 + severity rank: one sortable column puts open issues first, most severe first.
    priority: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("org_unit_id", "key", name="uq_monitoring_issues_unit_key"),
        Index("ix_monitoring_issues_unit_priority_id", "org_unit_id", "priority", "id"),
    )


# The checklist tables live in their own module; importing them here registers them with every models import.
from tandem.monitoring.audit_models import AuditChecklist, AuditItemResult, NetworkAudit  # noqa: E402

__all__ = ["AuditChecklist", "AuditItemResult", "DiscoveredHost", "NetworkAudit", "NetworkIssue", "Scan",
           "ScanFinding"]  # fmt: skip
