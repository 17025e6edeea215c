"""Where the NVD API sync stands: the window and page it resumes from, and what the last completed sync covered."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base
from tandem.platform.db.types import UTCDateTime, utcnow


class NvdSyncState(Base):
    """One row per API source. `span_end` set = a sync is under way or was interrupted; the next run resumes at
    (window_start, window_end, next_index). Otherwise the next run starts at `synced_to`."""

    __tablename__ = "vulnerabilities_nvd_sync"
    # Rewritten after every stored page; each sync run is one audit event instead.
    __audit__ = False

    source: Mapped[str] = mapped_column(String(10), primary_key=True)
    mode: Mapped[str] = mapped_column(String(20), default="")  # incremental | full
    span_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    span_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    window_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    window_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    next_index: Mapped[int] = mapped_column(Integer, default=0)
    total_results: Mapped[int | None] = mapped_column(Integer, nullable=True)
    run_started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    run_pages: Mapped[int] = mapped_column(Integer, default=0)
    run_records: Mapped[int] = mapped_column(Integer, default=0)
    run_changed: Mapped[int] = mapped_column(Integer, default=0)
    last_span_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    synced_to: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_records: Mapped[int] = mapped_column(Integer, default=0)
    last_changed: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_error_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
