"""Input and output shapes of the privacy domain; inputs forbid unknown fields."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
Item = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Role = Literal["controller", "processor", "joint_controller"]
Status = Literal["draft", "in_review", "approved", "deprecated"]
LegalBasis = Literal[
    "", "consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests"
]
SpecialBasis = Literal[
    "", "explicit_consent", "employment", "vital_interests", "health_care", "public_health", "research", "legal_claims"
]
Level = Literal["low", "medium", "high"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Transfer(_In):
    country: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Z]{2}$")]
    recipient: Annotated[str, StringConstraints(max_length=300)] = ""
    mechanism: Literal["adequacy", "scc", "bcr", "derogation_49", "other"]
    safeguards: Annotated[str, StringConstraints(max_length=2000)] = ""


class Screening(_In):
    evaluation: bool | None = None
    automated_decision: bool | None = None
    systematic_monitoring: bool | None = None
    innovative_technology: bool | None = None
    prevents_rights: bool | None = None
    public_area: bool | None = None
    sensitive_data: bool | None = None
    large_scale: bool | None = None
    matching: bool | None = None
    vulnerable_subjects: bool | None = None


class ActivityFields(_In):
    description: Text | None = None
    role: Role | None = None
    status: Status | None = None
    controller: Text | None = None
    joint_controller: Text | None = None
    representative: Text | None = None
    dpo: Text | None = None
    purposes: list[Item] | None = Field(None, max_length=50)
    legal_basis: LegalBasis | None = None
    special_basis: SpecialBasis | None = None
    data_subjects: list[Item] | None = Field(None, max_length=50)
    data_categories: list[Item] | None = Field(None, max_length=50)
    data_store_ids: list[uuid.UUID] | None = Field(None, max_length=200)
    recipients: list[Item] | None = Field(None, max_length=100)
    vendor_ids: list[uuid.UUID] | None = Field(None, max_length=200)
    transfers: list[Transfer] | None = Field(None, max_length=50)
    retention: Text | None = None
    security_measures: Text | None = None
    control_ids: list[uuid.UUID] | None = Field(None, max_length=200)
    screening: Screening | None = None


class ActivityCreate(ActivityFields):
    name: Title
    org_unit_id: uuid.UUID
    source: Annotated[str, StringConstraints(max_length=200)] = "entered"


class ActivityUpdate(ActivityFields):
    name: Title | None = None


class ActivityRead(_Out):
    id: uuid.UUID
    name: str
    description: str
    role: str
    status: str
    controller: str
    joint_controller: str
    representative: str
    dpo: str
    purposes: list[str]
    legal_basis: str
    special_basis: str
    data_subjects: list[str]
    data_categories: list[str]
    data_store_ids: list[str]
    recipients: list[str]
    vendor_ids: list[str]
    transfers: list[dict[str, Any]]
    retention: str
    security_measures: str
    control_ids: list[str]
    screening: dict[str, Any]
    org_unit_id: uuid.UUID
    source: str
    created_at: dt.datetime
    updated_at: dt.datetime


class RiskItem(_In):
    risk: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    likelihood: Level
    severity: Level


class DpiaCreate(_In):
    activity_id: uuid.UUID
    title: Title
    description: Text = ""
    necessity: Text = ""
    risks: list[RiskItem] = Field(default_factory=list, max_length=100)
    risk_refs: list[Item] = Field(default_factory=list, max_length=100)
    risk_scenario_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    measures: Text = ""


class DpiaUpdate(_In):
    title: Title | None = None
    description: Text | None = None
    necessity: Text | None = None
    risks: list[RiskItem] | None = Field(None, max_length=100)
    risk_refs: list[Item] | None = Field(None, max_length=100)
    risk_scenario_ids: list[uuid.UUID] | None = Field(None, max_length=100)
    measures: Text | None = None
    residual_risk: Level | Literal[""] | None = None
    status: Literal["draft", "dpo_review"] | None = None


class DpoOpinion(_In):
    dpo_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    opinion: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=20_000)]


class SignOff(_In):
    decision: Literal["signed_off", "rejected"]


class ScenarioLink(BaseModel):
    """A linked risk scenario as the reader may see it (label empty when it is gone or outside their scope)."""

    id: str
    label: str = ""
    url: str = ""
    detail: str = ""


class DpiaRead(_Out):
    id: uuid.UUID
    activity_id: uuid.UUID
    title: str
    status: str
    description: str
    necessity: str
    risks: list[dict[str, Any]]
    risk_refs: list[str]
    risk_scenario_ids: list[str]
    risk_scenarios: list[ScenarioLink] = Field(default_factory=list)
    measures: str
    residual_risk: str
    dpo_opinion: str
    dpo_name: str
    signed_off_by: str
    signed_off_at: dt.datetime | None
    prior_consultation: bool = False
    org_unit_id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime
