"""Network audit checklist tables: reusable checklists, scheduled audits of a scope, and per-item results."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base, IdMixin, OrgScopedMixin, TimestampMixin
from tandem.platform.db.types import PortableJSON, UTCDateTime, utcnow

AUDIT_STATUSES = ("planned", "in_progress", "completed", "cancelled")
RESULTS = ("pass", "fail", "n/a")


class AuditChecklist(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A reusable checklist; items are [{key, text, guidance}] with keys stable across edits."""

    __tablename__ = "monitoring_checklists"

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    items: Mapped[list[Any]] = mapped_column(PortableJSON, default=list)

    __table_args__ = (UniqueConstraint("org_unit_id", "name", name="uq_monitoring_checklists_unit_name"),)


class NetworkAudit(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A scheduled run of a checklist over a scope: the org unit, optionally narrowed to some assets."""

    __tablename__ = "monitoring_audits"

    checklist_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("monitoring_checklists.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    asset_ids: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"), nullable=True)
    due_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)


class AuditItemResult(IdMixin, OrgScopedMixin, Base):
    """One checklist item's result in one audit, with its note and evidence (a stored file or a link)."""

    __tablename__ = "monitoring_audit_results"

    audit_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("monitoring_audits.id", ondelete="CASCADE"), index=True
    )
    item_key: Mapped[str] = mapped_column(String(100))
    result: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    evidence_link: Mapped[str] = mapped_column(String(1000), default="")
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("audit_id", "item_key", name="uq_monitoring_audit_results_audit_item"),)
