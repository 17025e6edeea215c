"""Watch schemas: an item as read, a triage decision, an import's outcome, and the counts behind the filters."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["new", "relevant", "not_relevant"]


class WatchItemRead(BaseModel):
    """A watch item with its matches and triage."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    source: str
    external_id: str
    title: str
    url: str
    summary: str
    published: str
    cves: list[str]
    products: list[dict[str, Any]]
    cvss: float | None
    severity: str
    details: dict[str, Any]
    matched: bool
    matches: list[dict[str, Any]]
    status: str
    owner_id: uuid.UUID | None
    task: str
    task_due: dt.date | None
    task_done: bool
    risk_scenario_id: uuid.UUID | None
    framework_id: uuid.UUID | None
    notes: str
    triaged_by: str
    triaged_at: dt.datetime | None
    created_at: dt.datetime


class TriageIn(BaseModel):
    """A triage change; fields left out keep their value (send null to clear a link or the due date)."""

    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    owner_id: uuid.UUID | None = None
    task: str | None = Field(default=None, max_length=4000)
    task_due: dt.date | None = None
    task_done: bool | None = None
    risk_scenario_id: uuid.UUID | None = None
    framework_id: uuid.UUID | None = None
    notes: str | None = Field(default=None, max_length=20_000)


class ImportResult(BaseModel):
    """What an import or fetch stored: new items, how many matched, and what was skipped as already seen."""

    source: str
    origin: str
    version: str
    items: int
    new: int
    matched: int
    already_seen: int
    note: str = ""


class WatchCounts(BaseModel):
    """Counts for the list's filters: by status, by source, matched."""

    total: int
    matched: int
    by_status: dict[str, int]
    by_source: dict[str, int]
