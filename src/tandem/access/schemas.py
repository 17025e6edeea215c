"""Input and output shapes of the access domain; inputs forbid unknown fields."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[\w.\-]+$")]
Text = Annotated[str, StringConstraints(max_length=20_000)]
ItemRef = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=301, pattern=r"^[^:]+:.+$")]
Severity = Literal["low", "medium", "high", "critical"]
FindingStatus = Literal["open", "acknowledged", "resolved", "false_positive", "confirmed", "escalated"]
AccessLevel = Literal["read", "write", "admin", "export"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Window(_In):
    weekday: int = Field(ge=0, le=6)
    start: int = Field(ge=0, le=23)
    end: int = Field(ge=1, le=24)


class SystemCreate(_In):
    key: Key
    name: Name
    application_id: uuid.UUID | None = None
    dormant_days: int = Field(90, ge=1, le=3650)
    mfa_enforced: bool = False
    change_windows: list[Window] = Field(default_factory=list, max_length=50)
    org_unit_id: uuid.UUID


class SystemUpdate(_In):
    name: Name | None = None
    application_id: uuid.UUID | None = None
    dormant_days: int | None = Field(None, ge=1, le=3650)
    mfa_enforced: bool | None = None
    change_windows: list[Window] | None = Field(None, max_length=50)


class SystemRead(_Out):
    id: uuid.UUID
    key: str
    name: str
    application_id: uuid.UUID | None
    dormant_days: int
    mfa_enforced: bool
    change_windows: list[dict[str, int]]
    org_unit_id: uuid.UUID
    source: str
    created_at: dt.datetime
    updated_at: dt.datetime


class IdentityRead(_Out):
    id: uuid.UUID
    employee_id: str
    email: str
    display_name: str
    department: str
    manager_employee_id: str
    status: str
    end_date: dt.date | None
    person_id: uuid.UUID | None
    org_unit_id: uuid.UUID


class AccountRead(_Out):
    id: uuid.UUID
    system_id: uuid.UUID
    external_id: str
    username: str
    email: str
    employee_id: str
    status: str
    opened_at: dt.datetime | None
    last_login_at: dt.datetime | None
    is_privileged: bool
    is_service_account: bool
    owner_employee_id: str
    identity_id: uuid.UUID | None
    correlation: str
    org_unit_id: uuid.UUID


class EntitlementRead(_Out):
    id: uuid.UUID
    system_id: uuid.UUID
    external_id: str
    name: str
    type: str
    owner_employee_id: str
    privileged: bool
    description: str
    includes: list[str]
    org_unit_id: uuid.UUID


class CorrelateIn(_In):
    identity_id: uuid.UUID | None = None  # None: take the account back to the uncorrelated queue


class StoreLinkIn(_In):
    data_store_id: uuid.UUID
    access: AccessLevel = "read"


class SodRuleCreate(_In):
    name: Name
    description: Text = ""
    left: list[ItemRef] = Field(min_length=1, max_length=50)
    left_mode: Literal["any", "all"] = "any"
    right: list[ItemRef] = Field(min_length=1, max_length=50)
    right_mode: Literal["any", "all"] = "any"
    severity: Severity = "high"
    enabled: bool = True
    org_unit_id: uuid.UUID


class SodRuleUpdate(_In):
    name: Name | None = None
    description: Text | None = None
    left: list[ItemRef] | None = Field(None, min_length=1, max_length=50)
    left_mode: Literal["any", "all"] | None = None
    right: list[ItemRef] | None = Field(None, min_length=1, max_length=50)
    right_mode: Literal["any", "all"] | None = None
    severity: Severity | None = None
    enabled: bool | None = None


class SodRuleRead(_Out):
    id: uuid.UUID
    name: str
    description: str
    left: list[str]
    left_mode: str
    right: list[str]
    right_mode: str
    severity: str
    enabled: bool
    org_unit_id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime


class FindingRead(_Out):
    id: uuid.UUID
    kind: str
    key: str
    severity: str
    status: str
    title: str
    evidence: dict[str, Any]
    identity_id: uuid.UUID | None
    account_id: uuid.UUID | None
    entitlement_id: uuid.UUID | None
    system_id: uuid.UUID | None
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    resolved_at: dt.datetime | None
    note: str
    org_unit_id: uuid.UUID


class FindingUpdate(_In):
    status: FindingStatus
    note: Text = ""


class ImportRead(_Out):
    id: uuid.UUID
    kind: str
    source: str
    counts: dict[str, Any]
    requested_by: str
    org_unit_id: uuid.UUID
    created_at: dt.datetime


class CampaignScope(_In):
    system_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    entitlement_ids: list[uuid.UUID] = Field(default_factory=list, max_length=5000)
    data_categories: list[Annotated[str, StringConstraints(max_length=60)]] = Field(default_factory=list, max_length=40)


class CampaignCreate(_In):
    name: Name
    description: Text = ""
    scope: CampaignScope = Field(default_factory=CampaignScope)
    reviewer: Literal["manager", "entitlement_owner", "data_owner"] = "manager"
    due_date: dt.date
    reminder_days: list[int] = Field(default_factory=lambda: [7, 2], max_length=10)
    non_response: Literal["escalate", "auto_revoke"] = "escalate"
    org_unit_id: uuid.UUID


class CampaignRead(_Out):
    id: uuid.UUID
    name: str
    description: str
    scope: dict[str, Any]
    reviewer: str
    due_date: dt.date
    reminder_days: list[int]
    non_response: str
    status: str
    created_by: str
    closed_at: dt.datetime | None
    org_unit_id: uuid.UUID
    created_at: dt.datetime


class DecisionIn(_In):
    item_ids: list[uuid.UUID] = Field(min_length=1, max_length=1000)
    decision: Literal["keep", "revoke", "reduce"]
    comment: Text = ""
    # reduce: a lesser entitlement of the same system the accounts keep instead of the reviewed one
    target_entitlement_id: uuid.UUID | None = None


class ReviewItemRead(_Out):
    id: uuid.UUID
    campaign_id: uuid.UUID
    account_id: uuid.UUID
    entitlement_id: uuid.UUID
    identity_id: uuid.UUID | None
    reviewer_id: uuid.UUID | None
    reviewer_label: str
    flags: list[str]
    context: dict[str, Any]
    decision: str
    target_entitlement_id: uuid.UUID | None
    comment: str
    decided_by: str
    decided_at: dt.datetime | None
    escalated: bool
