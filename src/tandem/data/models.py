"""Data-discovery tables: scans of a data store's source, and what each scanned file or column held."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base, IdMixin, OrgScopedMixin, TimestampMixin
from tandem.platform.db.types import PortableJSON, UTCDateTime, utcnow

SCAN_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")
SOURCE_KINDS = ("files", "sql")


class DataScan(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """One scan of a data store's source (a folder or file on the server, or a SQL database)."""

    __tablename__ = "data_scans"
    # Counters and status move while the scan runs; the creation and the classification decision are audited.
    __audit_ignore__ = frozenset(
        {
            "status",
            "job_id",
            "started_at",
            "finished_at",
            "objects_total",
            "objects_scanned",
            "objects_skipped",
            "finding_count",
            "type_counts",
            "errors",
            "diff",
            "previous_scan_id",
            "updated_at",
        }
    )

    name: Mapped[str] = mapped_column(String(200))
    data_store_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("inventory_data_stores.id", ondelete="CASCADE"), index=True
    )
    source_kind: Mapped[str] = mapped_column(String(10))  # files | sql
    source: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    job_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    previous_scan_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    objects_total: Mapped[int] = mapped_column(Integer, default=0)
    objects_scanned: Mapped[int] = mapped_column(Integer, default=0)
    objects_skipped: Mapped[int] = mapped_column(Integer, default=0)
    finding_count: Mapped[int] = mapped_column(Integer, default=0)
    type_counts: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    errors: Mapped[list[Any]] = mapped_column(PortableJSON, default=list)
    diff: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    requested_by: Mapped[str] = mapped_column(String(200), default="")
    classification_status: Mapped[str] = mapped_column(String(20), default="")  # "" | confirmed | corrected
    classified_by: Mapped[str] = mapped_column(String(200), default="")
    classified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DataScanObject(IdMixin, OrgScopedMixin, Base):
    """A file, table or table column one scan looked at: types found, counts, masked samples, keyed hashes."""

    __tablename__ = "data_scan_objects"
    __audit__ = False  # written with their scan, whose creation is audited

    scan_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("data_scans.id", ondelete="CASCADE"), index=True)
    data_store_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(10))  # file | table | column
    path: Mapped[str] = mapped_column(String(1000))
    column: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    mtime: Mapped[float | None] = mapped_column(Float, nullable=True)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    carried: Mapped[bool] = mapped_column(Boolean, default=False)  # unchanged since the previous scan
    finding_count: Mapped[int] = mapped_column(Integer, default=0)
    type_counts: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    confidence: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    samples: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    value_hashes: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    hints: Mapped[list[Any]] = mapped_column(PortableJSON, default=list)
    cooccurrence: Mapped[list[Any]] = mapped_column(PortableJSON, default=list)
    errors: Mapped[list[Any]] = mapped_column(PortableJSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("scan_id", "path", "column", name="uq_data_scan_objects_scan_path_column"),)
