"""Daily metric snapshots: the history behind the home trends (no domain keeps one for these numbers)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Float, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base, IdMixin, OrgScopedMixin, TimestampMixin


class MetricSnapshot(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """One metric's value on one day, computed over a whole org tree (org_unit_id is the tree's root)."""

    __tablename__ = "reporting_metric_snapshots"
    # Written by the daily job only; the values are derived data, so their changes are not worth audit entries.
    __audit__ = False

    day: Mapped[dt.date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(100))
    value: Mapped[float | None] = mapped_column(Float, nullable=True)

    __table_args__ = (
        UniqueConstraint("org_unit_id", "name", "day", name="uq_reporting_metric_snapshots_unit_name_day"),
    )
