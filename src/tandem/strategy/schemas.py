"""Input and output shapes of the strategy domain; inputs forbid unknown fields."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Pool = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
Money = Annotated[float, Field(ge=0, le=1e13)]
Fte = Annotated[float, Field(ge=0, le=10_000)]
Quarter = Annotated[int, Field(ge=1, le=40)]
Sponsor = Literal["cio", "ciso", "joint"]
Status = Literal["candidate", "planned", "in_progress", "done", "cancelled"]
TimeAction = Literal["invest", "tolerate", "migrate", "eliminate"]
DecisionKind = Literal["plan_approval", "risk_acceptance", "exception", "vendor_choice", "other"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ObjectiveCreate(_In):
    title: Title
    description: Text = ""
    owner_id: uuid.UUID | None = None
    horizon: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    weight: float = Field(1.0, ge=0, le=100)
    org_unit_id: uuid.UUID


class ObjectiveUpdate(_In):
    title: Title | None = None
    description: Text | None = None
    owner_id: uuid.UUID | None = None
    horizon: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = None
    weight: float | None = Field(None, ge=0, le=100)


class ObjectiveRead(_Out):
    id: uuid.UUID
    title: str
    description: str
    owner_id: uuid.UUID | None
    horizon: str
    weight: float
    org_unit_id: uuid.UUID
    created_at: dt.datetime


class Effect(_In):
    tef_factor: float | None = Field(None, ge=0)
    vulnerability_factor: float | None = Field(None, ge=0)
    rs_shift: float | None = None
    primary_loss_factor: float | None = Field(None, ge=0)
    secondary_probability_factor: float | None = Field(None, ge=0)
    secondary_loss_factor: float | None = Field(None, ge=0)
    loss_cap: float | None = Field(None, gt=0)


class RiskLink(_In):
    scenario_id: uuid.UUID
    effect: Effect


class ObjectiveLink(_In):
    objective_id: uuid.UUID
    contribution: int = Field(3, ge=0, le=5)


class AppLink(_In):
    application_id: uuid.UUID
    action: TimeAction = "invest"


class _InitiativeFields(_In):
    description: Text | None = None
    sponsor: Sponsor | None = None
    status: Status | None = None
    value_mode: Literal["money", "score"] | None = None
    business_value: Money | None = None
    value_low: Money | None = None
    value_high: Money | None = None
    value_score: float | None = Field(None, ge=0, le=10)
    duration: int | None = Field(None, ge=1, le=40)
    costs: list[Money] | None = Field(None, max_length=40)
    staff: dict[Pool, list[Fte]] | None = Field(None, max_length=20)
    earliest_quarter: Quarter | None = None
    mandatory: bool | None = None
    deadline_quarter: Quarter | None = None
    regulation: Short | None = None
    compliance_ref: Short | None = None
    alt_group: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    time_exception: Text | None = None
    predecessors: list[uuid.UUID] | None = Field(None, max_length=100)
    objectives: list[ObjectiveLink] | None = Field(None, max_length=50)
    risks: list[RiskLink] | None = Field(None, max_length=50)
    applications: list[AppLink] | None = Field(None, max_length=50)


class InitiativeCreate(_InitiativeFields):
    title: Title
    duration: int = Field(1, ge=1, le=40)
    costs: list[Money] = Field(default_factory=list, max_length=40)
    org_unit_id: uuid.UUID
    source: Annotated[str, StringConstraints(max_length=200)] = "entered"

    @model_validator(mode="after")
    def _ranges(self) -> InitiativeCreate:
        if self.value_low is not None and self.value_high is not None and self.value_low > self.value_high:
            raise ValueError("value_low must not exceed value_high")
        return self


class InitiativeUpdate(_InitiativeFields):
    title: Title | None = None


class InitiativeRead(_Out):
    id: uuid.UUID
    title: str
    description: str
    sponsor: str
    status: str
    value_mode: str
    business_value: float
    value_low: float | None
    value_high: float | None
    value_score: float | None
    duration: int
    costs: list[float]
    staff: dict[str, list[float]]
    earliest_quarter: int
    mandatory: bool
    deadline_quarter: int | None
    regulation: str
    compliance_ref: str
    alt_group: str | None
    time_exception: str
    risk_reduction: float
    risk_low: float
    risk_high: float
    predecessors: list[uuid.UUID] = Field(default_factory=list)
    objectives: list[dict[str, Any]] = Field(default_factory=list)
    risks: list[dict[str, Any]] = Field(default_factory=list)
    applications: list[dict[str, Any]] = Field(default_factory=list)
    org_unit_id: uuid.UUID
    source: str
    created_at: dt.datetime


class PolicyUpdate(_In):
    lam: float | None = Field(None, ge=0, le=100)
    benefit_years: float | None = Field(None, gt=0, le=20)
    discount: float | None = Field(None, gt=0, le=1)
    first_quarter: Annotated[str, StringConstraints(pattern=r"^\d{4}-Q[1-4]$")] | None = None
    quarters: int | None = Field(None, ge=1, le=40)
    budget: list[Money] | None = Field(None, max_length=40)
    capacity: dict[Pool, list[Fte]] | None = Field(None, max_length=20)
    value_per_point: Money | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None


class PolicyRead(_Out):
    org_unit_id: uuid.UUID
    lam: float
    benefit_years: float
    discount: float
    first_quarter: str
    quarters: int
    budget: list[float]
    capacity: dict[str, list[float]]
    value_per_point: float
    currency: str


class ScenarioCreate(_In):
    name: Title
    description: Text = ""
    budget_factor: float = Field(1.0, ge=0, le=10)
    capacity_delta: dict[Pool, float] = Field(default_factory=dict, max_length=20)
    deadline_shift: int = Field(0, ge=-8, le=8)
    lam: float | None = Field(None, ge=0, le=100)
    org_unit_id: uuid.UUID


class ScenarioUpdate(_In):
    name: Title | None = None
    description: Text | None = None
    budget_factor: float | None = Field(None, ge=0, le=10)
    capacity_delta: dict[Pool, float] | None = Field(None, max_length=20)
    deadline_shift: int | None = Field(None, ge=-8, le=8)
    lam: float | None = Field(None, ge=0, le=100)


class ScenarioRead(_Out):
    id: uuid.UUID
    name: str
    description: str
    budget_factor: float
    capacity_delta: dict[str, float]
    deadline_shift: int
    lam: float | None
    org_unit_id: uuid.UUID
    created_at: dt.datetime


class OptimizeRequest(_In):
    scenario_id: uuid.UUID | None = None
    name: Short = ""
    time_limit: float = Field(10.0, ge=0.5, le=600)
    gap: float = Field(0.01, ge=0, le=0.5)
    frontier: bool = True
    org_unit_id: uuid.UUID | None = None


class PlanRead(_Out):
    id: uuid.UUID
    name: str
    scenario_id: uuid.UUID | None
    status: str
    job_id: uuid.UUID | None
    settings: dict[str, Any]
    result: dict[str, Any]
    frontier: list[dict[str, Any]]
    approval: str
    error: str
    org_unit_id: uuid.UUID
    created_at: dt.datetime
    finished_at: dt.datetime | None


class DecisionCreate(_In):
    kind: DecisionKind
    question: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    options: list[Annotated[str, StringConstraints(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=20
    )
    decision: Text = ""
    rationale: Text = ""
    touches_security: bool = False
    subject_type: Annotated[str, StringConstraints(max_length=40)] = ""
    subject_id: uuid.UUID | None = None
    decided_on: dt.date | None = None
    org_unit_id: uuid.UUID


class DecisionUpdate(_In):
    question: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)] | None = None
    options: list[Annotated[str, StringConstraints(min_length=1, max_length=500)]] | None = Field(None, max_length=20)
    decision: Text | None = None
    rationale: Text | None = None
    touches_security: bool | None = None
    decided_on: dt.date | None = None


class DecisionRead(_Out):
    id: uuid.UUID
    kind: str
    question: str
    options: list[str]
    decision: str
    rationale: str
    touches_security: bool
    subject_type: str
    subject_id: uuid.UUID | None
    status: str
    decided_by: str
    decided_on: dt.date | None
    approvals: list[dict[str, Any]] = Field(default_factory=list)
    required: list[str] = Field(default_factory=list)
    org_unit_id: uuid.UUID
    created_at: dt.datetime


class ApprovalCreate(_In):
    verdict: Literal["approve", "reject"]
    comment: Text = ""


class AcceptUnfunded(_In):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    until: dt.date
    initiative_ids: list[uuid.UUID] | None = Field(None, max_length=500)


class FitIn(_In):
    business_fit: Annotated[float, Field(ge=1, le=5, multiple_of=0.5)]
    technical_fit: Annotated[float, Field(ge=1, le=5, multiple_of=0.5)]
    rationale: Annotated[str, StringConstraints(max_length=5000)] = ""


class FitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    application_id: uuid.UUID
    business_fit: float
    technical_fit: float
    rationale: str
    assessed_by: str
    assessed_on: dt.date
    suggested_disposition: str = ""
