"""Input and output shapes of the training domain; inputs forbid unknown fields."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000, pattern=r"^(https?://\S+)?$")]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Format = Literal["link", "document", "quiz"]
RuleKind = Literal["all", "department", "role", "new_joiners", "repeat_clickers", "phi_access"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class QuestionIn(_In):
    prompt: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    choices: list[Annotated[str, StringConstraints(min_length=1, max_length=500)]] = Field(min_length=2, max_length=8)
    correct: list[Annotated[int, Field(ge=0, le=7)]] = Field(min_length=1, max_length=8)


class CourseCreate(_In):
    title: Title
    description: Text = ""
    format: Format = "link"
    url: Url = ""
    external_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    version: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] = "1"
    duration_minutes: int = Field(30, ge=1, le=10_000)
    validity_days: int | None = Field(None, ge=1, le=3650)
    pass_mark: int = Field(80, ge=0, le=100)
    requirement_refs: list[Annotated[str, StringConstraints(min_length=3, max_length=200)]] = Field(
        default_factory=list, max_length=50
    )
    questions: list[QuestionIn] = Field(default_factory=list, max_length=100)
    org_unit_id: uuid.UUID
    source: Short = "entered"


class CourseUpdate(_In):
    title: Title | None = None
    description: Text | None = None
    format: Format | None = None
    url: Url | None = None
    external_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None
    version: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] | None = None
    duration_minutes: int | None = Field(None, ge=1, le=10_000)
    validity_days: int | None = Field(None, ge=1, le=3650)
    pass_mark: int | None = Field(None, ge=0, le=100)
    requirement_refs: list[Annotated[str, StringConstraints(min_length=3, max_length=200)]] | None = Field(
        None, max_length=50
    )
    questions: list[QuestionIn] | None = Field(None, max_length=100)


class CourseRead(_Out):
    id: uuid.UUID
    title: str
    description: str
    format: str
    url: str
    external_id: str
    version: str
    duration_minutes: int
    validity_days: int | None
    pass_mark: int
    requirement_refs: list[str]
    question_count: int = 0
    document_name: str = ""
    document_media_type: str = ""
    document_size: int | None = None
    document_sha256: str = ""
    org_unit_id: uuid.UUID
    source: str
    created_at: dt.datetime
    updated_at: dt.datetime


class Rule(_In):
    kind: RuleKind
    values: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=100
    )
    days: int = Field(30, ge=1, le=365)


class ProgramCreate(_In):
    title: Title
    description: Text = ""
    course_ids: list[uuid.UUID] = Field(min_length=1, max_length=50)
    audience: list[Rule] = Field(min_length=1, max_length=20)
    due_days: int = Field(30, ge=1, le=365)
    due_date: dt.date | None = None
    active: bool = True
    org_unit_id: uuid.UUID


class ProgramUpdate(_In):
    title: Title | None = None
    description: Text | None = None
    course_ids: list[uuid.UUID] | None = Field(None, min_length=1, max_length=50)
    audience: list[Rule] | None = Field(None, min_length=1, max_length=20)
    due_days: int | None = Field(None, ge=1, le=365)
    due_date: dt.date | None = None
    active: bool | None = None


class ProgramRead(_Out):
    id: uuid.UUID
    title: str
    description: str
    course_ids: list[str]
    audience: list[dict[str, Any]]
    due_days: int
    due_date: dt.date | None
    active: bool
    org_unit_id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime


class AssignmentRead(_Out):
    id: uuid.UUID
    program_id: uuid.UUID
    course_id: uuid.UUID
    person_id: uuid.UUID
    assigned_at: dt.datetime
    due_date: dt.date
    state: str
    status: str = ""
    closed_reason: str
    reason: str
    org_unit_id: uuid.UUID


class CompletionCreate(_In):
    person_id: uuid.UUID
    course_id: uuid.UUID
    completed_at: dt.datetime
    score: float | None = Field(None, ge=0, le=100)
    passed: bool = True


class CompletionRead(_Out):
    id: uuid.UUID
    person_id: uuid.UUID
    course_id: uuid.UUID
    course_version: str
    completed_at: dt.datetime
    score: float | None
    passed: bool
    source: str
    org_unit_id: uuid.UUID


class PolicyCreate(_In):
    title: Title
    description: Text = ""
    owner_id: uuid.UUID | None = None
    review_date: dt.date | None = None
    org_unit_id: uuid.UUID


class PolicyUpdate(_In):
    title: Title | None = None
    description: Text | None = None
    owner_id: uuid.UUID | None = None
    review_date: dt.date | None = None


class PolicyRead(_Out):
    id: uuid.UUID
    title: str
    description: str
    owner_id: uuid.UUID | None
    review_date: dt.date | None
    current_version: int
    past_review: bool = False
    org_unit_id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime


class VersionCreate(_In):
    summary: Text = ""
    url: Url = ""


class CampaignCreate(_In):
    audience: list[Rule] = Field(default_factory=lambda: [Rule(kind="all")], min_length=1, max_length=20)
    due_date: dt.date
    version: int | None = Field(None, ge=1)


class AckCreate(_In):
    person_id: uuid.UUID
    acknowledged_at: dt.datetime | None = None
