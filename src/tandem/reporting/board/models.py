"""Board pack tables: one row per version of a quarter's pack, with its sections and the data snapshot."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base, IdMixin, OrgScopedMixin, TimestampMixin
from tandem.platform.db.types import PortableJSON, UTCDateTime, utcnow


class BoardPack(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A version of a quarter's board pack: draft (editable) or published (immutable)."""

    __tablename__ = "reporting_board_packs"
    # The snapshot is large: the audit entry records the SHA-256 of its canonical JSON instead of a copy.
    __audit_digest__ = frozenset({"snapshot"})

    quarter: Mapped[str] = mapped_column(String(8), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | published
    sections: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)
    snapshot: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    snapshot_sha256: Mapped[str] = mapped_column(String(64), default="")
    generated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    generated_by: Mapped[str] = mapped_column(String(200), default="")
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_by: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (
        UniqueConstraint("org_unit_id", "quarter", "version", name="uq_reporting_board_packs_quarter_version"),
    )
