"""Input and output shapes of the risk domain; inputs forbid unknown fields."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
Term = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
LossType = Literal[
    "productivity", "response", "replacement", "fines_and_judgements", "competitive_advantage", "reputation"
]
Status = Literal["identified", "assessed", "treated", "accepted", "closed"]
TreatmentKind = Literal["mitigate", "transfer", "avoid", "accept"]
TreatmentStatus = Literal["proposed", "planned", "in-progress", "implemented", "rejected"]
Rating = Annotated[int, Field(ge=1, le=10)]
Money = Annotated[float, Field(ge=0, le=1e15)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class TargetRef(_In):
    kind: Literal["asset", "application", "data_store", "vendor"]
    id: uuid.UUID


class ScenarioCreate(_In):
    title: Title
    description: Text = ""
    threat_community: Term = ""
    threat_event: Term = ""
    loss_types: list[LossType] = Field(default_factory=list, max_length=6)
    owner_id: uuid.UUID | None = None
    status: Status = "identified"
    review_date: dt.date | None = None
    likelihood: Rating | None = None
    impact: Rating | None = None
    fair: dict[str, Any] | None = None
    targets: list[TargetRef] = Field(default_factory=list, max_length=200)
    org_unit_id: uuid.UUID
    source: Annotated[str, StringConstraints(max_length=200)] = "entered"


class ScenarioUpdate(_In):
    title: Title | None = None
    description: Text | None = None
    threat_community: Term | None = None
    threat_event: Term | None = None
    loss_types: list[LossType] | None = Field(None, max_length=6)
    owner_id: uuid.UUID | None = None
    status: Status | None = None
    review_date: dt.date | None = None
    likelihood: Rating | None = None
    impact: Rating | None = None
    fair: dict[str, Any] | None = None
    targets: list[TargetRef] | None = Field(None, max_length=200)


class ScenarioRead(_Out):
    id: uuid.UUID
    title: str
    description: str
    threat_community: str
    threat_event: str
    loss_types: list[str]
    owner_id: uuid.UUID | None
    status: str
    review_date: dt.date | None
    likelihood: int | None
    impact: int | None
    level: str | None = None
    fair: dict[str, Any] | None
    targets: list[dict[str, str]] = Field(default_factory=list)
    org_unit_id: uuid.UUID
    source: str
    created_at: dt.datetime
    updated_at: dt.datetime


class Effect(_In):
    tef_factor: float | None = Field(None, ge=0)
    vulnerability_factor: float | None = Field(None, ge=0)
    rs_shift: float | None = None
    primary_loss_factor: float | None = Field(None, ge=0)
    secondary_probability_factor: float | None = Field(None, ge=0)
    secondary_loss_factor: float | None = Field(None, ge=0)
    loss_cap: float | None = Field(None, gt=0)


class TreatmentCreate(_In):
    scenario_id: uuid.UUID
    kind: TreatmentKind
    title: Title
    description: Text = ""
    status: TreatmentStatus = "proposed"
    effect: Effect = Field(default_factory=Effect)
    annual_cost: Money = 0.0
    control_ids: list[uuid.UUID] = Field(default_factory=list, max_length=200)
    initiatives: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=50
    )


class TreatmentUpdate(_In):
    title: Title | None = None
    description: Text | None = None
    status: TreatmentStatus | None = None
    effect: Effect | None = None
    annual_cost: Money | None = None
    control_ids: list[uuid.UUID] | None = Field(None, max_length=200)
    initiatives: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] | None = Field(
        None, max_length=50
    )


class TreatmentRead(_Out):
    id: uuid.UUID
    scenario_id: uuid.UUID
    kind: str
    title: str
    description: str
    status: str
    effect: dict[str, Any]
    annual_cost: float
    control_ids: list[str]
    initiatives: list[str]
    accepted_by: str
    accepted_at: dt.datetime | None
    acceptance_reason: str
    accepted_until: dt.date | None
    org_unit_id: uuid.UUID
    created_at: dt.datetime


class Acceptance(_In):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    until: dt.date


class Level(_In):
    key: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]
    label: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    colour: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]


class MatrixUpdate(_In):
    likelihood_labels: list[Annotated[str, StringConstraints(min_length=1, max_length=60)]] | None = Field(
        None, min_length=2, max_length=10
    )
    impact_labels: list[Annotated[str, StringConstraints(min_length=1, max_length=60)]] | None = Field(
        None, min_length=2, max_length=10
    )
    levels: list[Level] | None = Field(None, min_length=1, max_length=10)
    cells: list[list[str]] | None = None
    appetite_level: str | None = None
    tolerance: list[tuple[Money, Annotated[float, Field(gt=0, le=1)]]] | None = Field(None, max_length=20)


class MatrixRead(BaseModel):
    org_unit_id: uuid.UUID
    inherited_from: uuid.UUID | None
    likelihood_labels: list[str]
    impact_labels: list[str]
    levels: list[dict[str, str]]
    cells: list[list[str]]
    appetite_level: str
    tolerance: list[list[float]]


class TermCreate(_In):
    kind: Literal["threat_community", "threat_event"]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    description: Text = ""
    org_unit_id: uuid.UUID


class SimulateRequest(_In):
    scenario_ids: list[uuid.UUID] | None = Field(None, max_length=5000)
    org_unit_id: uuid.UUID | None = None
    years: int = Field(100_000, ge=1_000, le=2_000_000)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    semantics: Literal["events", "product"] = "events"


class RunRead(_Out):
    id: uuid.UUID
    scope: str
    scenario_ids: list[str]
    seed: int
    years: int
    semantics: str
    engine_version: str
    status: str
    job_id: uuid.UUID | None
    total: dict[str, Any] | None
    contributors: list[dict[str, Any]]
    error: str
    org_unit_id: uuid.UUID
    created_at: dt.datetime
    finished_at: dt.datetime | None


class DescribeRequest(_In):
    estimate: dict[str, Any]
