"""The job row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base, IdMixin
from tandem.platform.db.types import PortableJSON, UTCDateTime, utcnow

STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")


class Job(IdMixin, Base):
    """A unit of background work with its progress and log."""

    __tablename__ = "jobs"
    # Progress ticks and log lines are not changes anyone needs in the audit log; status changes are.
    # A stop request alone is not audited either: its entry would wait for the audit head, which the running
    # job holds until it ends, so the request could never reach the job (the job's end is audited).
    __audit_ignore__ = frozenset({"progress", "total", "message", "log", "heartbeat_at", "cancel_requested"})

    name: Mapped[str] = mapped_column(String(100), index=True)
    args: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    total: Mapped[float | None] = mapped_column(Float, nullable=True)
    message: Mapped[str] = mapped_column(String(500), default="")
    log: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    result: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    run_after: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    actor_kind: Mapped[str] = mapped_column(String(20), default="system")
    actor_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    actor_label: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (Index("ix_jobs_status_run_after", "status", "run_after"),)
