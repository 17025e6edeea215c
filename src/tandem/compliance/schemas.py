"""Input and output shapes of the compliance domain; inputs forbid unknown fields."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
ControlStatus = Literal["planned", "in-progress", "implemented", "not-applicable", "retired"]
Frequency = Literal["continuous", "daily", "weekly", "monthly", "quarterly", "annually", "ad-hoc"]
ResultValue = Literal["not-assessed", "satisfied", "partially", "not-satisfied", "not-applicable"]
Relationship = Literal["equivalent-to", "equal-to", "subset-of", "superset-of", "intersects-with"]
PoamStatus = Literal["open", "in-progress", "closed", "risk-accepted"]
EvidenceKind = Literal["link", "note"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class FrameworkRead(_Out):
    id: uuid.UUID
    key: str
    name: str
    version: str
    kind: str
    description: str
    source: str
    base_id: uuid.UUID | None
    requirement_count: int
    created_at: dt.datetime


class RequirementRead(_Out):
    id: uuid.UUID
    framework_id: uuid.UUID
    ref: str
    label: str
    title: str
    text: str
    guidance: str
    kind: str
    assessable: bool
    withdrawn: bool
    withdrawn_note: str
    parent_id: uuid.UUID | None
    base_requirement_id: uuid.UUID | None


class MappingCreate(_In):
    source_id: uuid.UUID
    target_id: uuid.UUID
    relationship: Relationship
    strength: int | None = Field(None, ge=0, le=10)
    rationale: Text = ""


class MappingUpdate(_In):
    relationship: Relationship | None = None
    strength: int | None = Field(None, ge=0, le=10)
    rationale: Text | None = None


class MappingRead(_Out):
    id: uuid.UUID
    source_id: uuid.UUID
    target_id: uuid.UUID
    relationship: str
    strength: int | None
    rationale: str
    provenance: str


class ScopeRef(_In):
    kind: str = Field(min_length=1, max_length=40)
    id: uuid.UUID


class ControlCreate(_In):
    title: Title
    description: Text = ""
    owner_id: uuid.UUID | None = None
    status: ControlStatus = "planned"
    frequency: Frequency = "continuous"
    org_unit_id: uuid.UUID
    requirement_ids: list[uuid.UUID] = Field(default_factory=list, max_length=2000)
    scope: list[ScopeRef] = Field(default_factory=list, max_length=500)


class ControlUpdate(_In):
    title: Title | None = None
    description: Text | None = None
    owner_id: uuid.UUID | None = None
    status: ControlStatus | None = None
    frequency: Frequency | None = None
    requirement_ids: list[uuid.UUID] | None = Field(None, max_length=2000)
    scope: list[ScopeRef] | None = Field(None, max_length=500)


class ControlRead(_Out):
    id: uuid.UUID
    title: str
    description: str
    owner_id: uuid.UUID | None
    status: str
    frequency: str
    org_unit_id: uuid.UUID
    source: str
    requirement_ids: list[uuid.UUID] = Field(default_factory=list)
    scope: list[dict[str, str]] = Field(default_factory=list)
    created_at: dt.datetime


class AssessmentCreate(_In):
    title: Title
    framework_id: uuid.UUID
    org_unit_id: uuid.UUID
    scope: Text = ""
    prefill_from_id: uuid.UUID | None = None


class AssessmentUpdate(_In):
    title: Title | None = None
    scope: Text | None = None
    status: Literal["in-progress", "complete"] | None = None


class AssessmentRead(_Out):
    id: uuid.UUID
    title: str
    framework_id: uuid.UUID
    org_unit_id: uuid.UUID
    scope: str
    status: str
    prefilled_from_id: uuid.UUID | None
    completed_at: dt.datetime | None
    created_at: dt.datetime


class ResultUpdate(_In):
    result: ResultValue | None = None
    rationale: Text | None = None
    maturity: int | None = Field(None, ge=0, le=5)


class ResultRead(_Out):
    id: uuid.UUID
    requirement_id: uuid.UUID
    ref: str = ""
    label: str = ""
    title: str = ""
    result: str
    effective: str = ""
    rationale: str
    maturity: int | None
    assessor: str
    assessed_at: dt.datetime | None
    prefilled_from: str | None


class EvidenceCreate(_In):
    kind: EvidenceKind
    title: Title
    url: str = Field("", max_length=2000)
    note: Text = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    control_id: uuid.UUID | None = None
    result_id: uuid.UUID | None = None
    org_unit_id: uuid.UUID

    @field_validator("url")
    @classmethod
    def _http_only(cls, value: str) -> str:
        if value and not value.lower().startswith(("http://", "https://")):
            raise ValueError("links must start with http:// or https://")
        return value


class EvidenceUpdate(_In):
    title: Title | None = None
    note: Text | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


class EvidenceRead(_Out):
    id: uuid.UUID
    kind: str
    title: str
    url: str
    note: str
    sha256: str
    file_name: str
    media_type: str
    size: int
    valid_from: dt.date | None
    valid_until: dt.date | None
    control_id: uuid.UUID | None
    result_id: uuid.UUID | None
    org_unit_id: uuid.UUID
    created_at: dt.datetime


class PoamCreate(_In):
    weakness: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    milestone: Text = ""
    due_date: dt.date | None = None
    owner_id: uuid.UUID | None = None
    status: PoamStatus = "open"
    assessment_id: uuid.UUID | None = None
    requirement_id: uuid.UUID | None = None
    org_unit_id: uuid.UUID


class PoamUpdate(_In):
    weakness: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)] | None = None
    milestone: Text | None = None
    due_date: dt.date | None = None
    owner_id: uuid.UUID | None = None
    status: PoamStatus | None = None


class PoamRead(_Out):
    id: uuid.UUID
    weakness: str
    milestone: str
    due_date: dt.date | None
    owner_id: uuid.UUID | None
    status: str
    assessment_id: uuid.UUID | None
    requirement_id: uuid.UUID | None
    org_unit_id: uuid.UUID
    created_at: dt.datetime
