"""Input and output shapes of the data domain; inputs forbid unknown fields."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Source = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class ScanCreate(BaseModel):
    """Start a scan: a path under the scan roots or a database URL, of an inventory data store (or a new one)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    source: Source
    data_store_id: uuid.UUID | None = None
    store_name: Short = ""  # found by name, or created when no store has it
    org_unit_id: uuid.UUID | None = None  # unit of a created store (default: the root unit)
    name: Short = ""


class ScanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    org_unit_id: uuid.UUID
    name: str
    data_store_id: uuid.UUID
    source_kind: str
    source: str
    status: str
    job_id: uuid.UUID | None
    previous_scan_id: uuid.UUID | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    objects_total: int
    objects_scanned: int
    objects_skipped: int
    finding_count: int
    type_counts: dict[str, Any]
    errors: list[Any]
    requested_by: str
    classification_status: str
    classified_by: str
    created_at: dt.datetime


class ObjectRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    scan_id: uuid.UUID
    data_store_id: uuid.UUID
    kind: str
    path: str
    column: str
    size: int | None
    carried: bool
    finding_count: int
    type_counts: dict[str, Any]
    confidence: dict[str, Any]
    samples: dict[str, Any]
    hints: list[Any]
    cooccurrence: list[Any]
    errors: list[Any]


class ObjectDetail(ObjectRead):
    value_hashes: dict[str, Any]


class ScanDetail(ScanRead):
    diff: dict[str, Any]
    objects: list[ObjectRead]


class ScanQueued(BaseModel):
    scan: ScanRead
    job_id: uuid.UUID | None


class DiffRead(BaseModel):
    scan_id: uuid.UUID
    against_id: uuid.UUID | None
    headline: list[str]
    appeared: list[dict[str, Any]]
    disappeared: list[dict[str, Any]]
    changed: list[dict[str, Any]]
    new_objects: list[str]
    removed_objects: list[str]


class SuggestionRead(BaseModel):
    data_store_id: uuid.UUID
    scan_id: uuid.UUID | None
    current_categories: list[str]
    current_classification: str
    data_categories: list[str]
    classification: str
    reasons: dict[str, list[str]]
    phi: bool
    source: str


class ClassifyIn(BaseModel):
    """Confirm the suggestion (no fields) or correct it (the categories and/or classification to keep)."""

    model_config = ConfigDict(extra="forbid")
    data_categories: list[Annotated[str, StringConstraints(max_length=60)]] | None = Field(default=None, max_length=30)
    classification: Literal["public", "internal", "confidential", "restricted"] | None = None


class CatalogRow(BaseModel):
    data_store_id: uuid.UUID
    name: str
    kind: str
    classification: str
    suggested_classification: str
    scan_id: uuid.UUID | None
    scanned_at: dt.datetime | None
    cells: dict[str, int]  # data category -> findings
    finding_count: int


class CatalogRead(BaseModel):
    categories: list[str]
    rows: list[CatalogRow]
