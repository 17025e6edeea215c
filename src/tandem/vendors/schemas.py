"""Input and output shapes of the vendors domain; inputs forbid unknown fields."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from tandem.inventory.schemas import Money

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
ContractStatus = Literal["draft", "negotiating", "signed", "terminated"]
Schedule = Literal["monthly", "quarterly", "yearly", "upfront", "usage"]
AgreementKind = Literal["dpa", "baa", "scc", "soc2", "iso27001", "other"]
AgreementStatus = Literal["draft", "signed", "terminated"]
LegalRole = Literal["none", "processor", "sub-processor", "business-associate", "independent-controller"]
Mechanism = Literal["none", "adequacy", "scc", "bcr", "derogation"]
Network = Literal["none", "remote", "privileged"]
Tier = Literal["low", "medium", "high", "critical"]
Severity = Literal["low", "medium", "high", "critical"]
FindingStatus = Literal["open", "in-progress", "closed", "accepted"]
NoticeDays = Annotated[int, Field(ge=0, le=730)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ContractCreate(_In):
    vendor_id: uuid.UUID
    title: Title
    products: Text = ""
    category: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] = ""
    application_ids: list[uuid.UUID] = Field(default_factory=list, max_length=200)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    notice_days: NoticeDays = 0
    auto_renew: bool = False
    yearly_value: Money | None = None
    payment_schedule: Schedule = "yearly"
    owner_id: uuid.UUID | None = None
    status: ContractStatus = "draft"
    negotiation_notes: Text = ""
    org_unit_id: uuid.UUID
    source: Annotated[str, StringConstraints(min_length=1, max_length=200)] = "entered"


class ContractUpdate(_In):
    title: Title | None = None
    products: Text | None = None
    category: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] | None = None
    application_ids: list[uuid.UUID] | None = Field(None, max_length=200)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    notice_days: NoticeDays | None = None
    auto_renew: bool | None = None
    yearly_value: Money | None = None
    payment_schedule: Schedule | None = None
    owner_id: uuid.UUID | None = None
    status: ContractStatus | None = None
    negotiation_notes: Text | None = None


class ContractRead(BaseModel):
    id: uuid.UUID
    vendor_id: uuid.UUID
    title: str
    products: str
    category: str
    application_ids: list[str]
    start_date: dt.date | None
    end_date: dt.date | None
    notice_days: int
    auto_renew: bool
    yearly_value: dict[str, str]
    payment_schedule: str
    owner_id: uuid.UUID | None
    status: str
    negotiation_notes: str
    notice_deadline: dt.date | None
    offboarding: dict[str, Any]
    org_unit_id: uuid.UUID
    source: str
    created_at: dt.datetime
    updated_at: dt.datetime


class Offboarding(_In):
    access_revoked: bool | None = None
    data_returned: bool | None = None
    deletion_certificate_id: uuid.UUID | None = None
    notes: Annotated[str, StringConstraints(max_length=5000)] | None = None


class AgreementCreate(_In):
    vendor_id: uuid.UUID
    kind: AgreementKind
    status: AgreementStatus = "signed"
    signed_on: dt.date | None = None
    expires_on: dt.date | None = None
    reference: Short = ""
    notes: Text = ""
    org_unit_id: uuid.UUID


class AgreementUpdate(_In):
    status: AgreementStatus | None = None
    signed_on: dt.date | None = None
    expires_on: dt.date | None = None
    reference: Short | None = None
    notes: Text | None = None


class AgreementRead(_Out):
    id: uuid.UUID
    vendor_id: uuid.UUID
    kind: str
    status: str
    signed_on: dt.date | None
    expires_on: dt.date | None
    reference: str
    notes: str
    org_unit_id: uuid.UUID
    created_at: dt.datetime


class ProfileUpdate(_In):
    legal_role: LegalRole | None = None
    transfer_mechanism: Mechanism | None = None
    network_access: Network | None = None
    contact_email: EmailStr | Literal[""] | None = None


class TierOverride(_In):
    tier: Tier | None = None  # None clears the override
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)] = ""


class FindingCreate(_In):
    vendor_id: uuid.UUID
    assessment_id: uuid.UUID | None = None
    title: Title
    detail: Text = ""
    severity: Severity = "medium"
    status: FindingStatus = "open"
    due_date: dt.date | None = None
    org_unit_id: uuid.UUID


class FindingUpdate(_In):
    title: Title | None = None
    detail: Text | None = None
    severity: Severity | None = None
    status: FindingStatus | None = None
    due_date: dt.date | None = None


class FindingRead(_Out):
    id: uuid.UUID
    vendor_id: uuid.UUID
    assessment_id: uuid.UUID | None
    question_id: str
    title: str
    detail: str
    severity: str
    status: str
    due_date: dt.date | None
    org_unit_id: uuid.UUID
    created_at: dt.datetime


class AssessmentCreate(_In):
    vendor_id: uuid.UUID
    questionnaire: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] = "baseline"
    contact_email: EmailStr | None = None
    days_valid: int = Field(21, ge=1, le=90)


class AssessmentRead(_Out):
    id: uuid.UUID
    vendor_id: uuid.UUID
    questionnaire: str
    status: str
    contact_email: str
    expires_at: dt.datetime | None
    submitted_at: dt.datetime | None
    scores: dict[str, Any]
    question_count: int = 0
    answered: int = 0
    org_unit_id: uuid.UUID
    created_at: dt.datetime


class AssessmentSent(AssessmentRead):
    link: str  # the vendor-facing path with its secret token; shown once


class QuestionnaireRead(BaseModel):
    id: str
    name: str
    version: str
    source: str
    licence: str
    question_count: int
    sections: list[str]


class DocumentRead(_Out):
    id: uuid.UUID
    vendor_id: uuid.UUID
    contract_id: uuid.UUID | None
    assessment_id: uuid.UUID | None
    question_id: str
    kind: str
    title: str
    file_name: str
    media_type: str
    size: int
    sha256: str
    org_unit_id: uuid.UUID
    created_at: dt.datetime
