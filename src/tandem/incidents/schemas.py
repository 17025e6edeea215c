"""Input and output shapes of the incidents domain; inputs forbid unknown fields."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
IncidentType = Literal[
    "ransomware",
    "data_exfiltration",
    "lost_device",
    "misdirected_email",
    "vendor_breach",
    "account_compromise",
    "insider_misuse",
    "malware",
    "denial_of_service",
    "other",
]
Status = Literal["reported", "triage", "active", "contained", "stable", "closed"]
Severity = Literal["undetermined", "low", "medium", "high", "critical"]
Priority = Literal["low", "medium", "high"]
Role = Literal["commander", "scribe", "liaison", "legal", "privacy_officer", "participant", "observer"]
Sector = Literal[
    "nis2_essential",
    "nis2_important",
    "sec_registrant",
    "glba_financial_institution",
    "bank_regulated",
    "nydfs_covered",
]
GdprRisk = Literal["unknown", "none", "risk", "high"]
EventKind = Literal["detection", "escalation", "decision", "containment", "notification_sent", "note"]
Jurisdiction = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^([A-Z]{2}(-[A-Z0-9]{1,3})?|EU|unknown)$")
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class FactsFields(_In):
    discovered_at: dt.datetime | None = None
    aware_at: dt.datetime | None = None
    determined_at: dt.datetime | None = None
    materiality_determined_at: dt.datetime | None = None
    personal_data: bool | None = None
    breach_types: list[Literal["confidentiality", "integrity", "availability"]] | None = None
    sectors: list[Sector] | None = None
    eu_establishment: bool | None = None
    gdpr_risk: GdprRisk | None = None
    hipaa_low_probability: bool | None = None
    significant_incident: bool | None = None
    material: bool | None = None
    notification_incident: bool | None = None


class IncidentCreate(_In):
    title: Title
    description: Text = ""
    type: IncidentType = "other"
    severity: Severity = "undetermined"
    priority: Priority = "medium"
    discovered_at: dt.datetime | None = None
    aware_at: dt.datetime | None = None
    org_unit_id: uuid.UUID


class IncidentUpdate(FactsFields):
    title: Title | None = None
    description: Text | None = None
    type: IncidentType | None = None
    severity: Severity | None = None
    priority: Priority | None = None
    status: Status | None = None
    resolution: Text | None = None


class IncidentRead(_Out):
    id: uuid.UUID
    title: str
    description: str
    type: str
    severity: str
    priority: str
    status: str
    reported_at: dt.datetime
    contained_at: dt.datetime | None
    stable_at: dt.datetime | None
    closed_at: dt.datetime | None
    resolution: str
    discovered_at: dt.datetime
    aware_at: dt.datetime | None
    determined_at: dt.datetime | None
    materiality_determined_at: dt.datetime | None
    personal_data: bool
    breach_types: list[str]
    sectors: list[str]
    eu_establishment: bool
    gdpr_risk: str
    hipaa_low_probability: bool
    significant_incident: bool
    material: bool
    notification_incident: bool
    notification_decision: str
    decision_rationale: str
    earliest_due_at: dt.datetime | None
    org_unit_id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime


class Decision(_In):
    decision: Literal["notify", "not_notify"]
    rationale: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=20_000)]


class ParticipantIn(_In):
    role: Role = "participant"
    name: Short = ""
    email: Annotated[str, StringConstraints(max_length=320)] = ""
    person_id: uuid.UUID | None = None


class ParticipantRead(_Out):
    id: uuid.UUID
    role: str
    name: str
    email: str
    person_id: uuid.UUID | None


class TaskIn(_In):
    title: Title
    description: Text = ""
    owner_role: Role | Literal[""] = ""
    owner_id: uuid.UUID | None = None
    due_at: dt.datetime | None = None


class TaskUpdate(_In):
    title: Title | None = None
    description: Text | None = None
    owner_role: Role | Literal[""] | None = None
    owner_id: uuid.UUID | None = None
    due_at: dt.datetime | None = None
    status: Literal["open", "done", "cancelled"] | None = None


class TaskRead(_Out):
    id: uuid.UUID
    incident_id: uuid.UUID
    title: str
    description: str
    owner_role: str
    owner_id: uuid.UUID | None
    due_at: dt.datetime | None
    status: str
    source: str
    done_at: dt.datetime | None


class EventIn(_In):
    kind: EventKind = "note"
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    occurred_at: dt.datetime | None = None


class EventRead(_Out):
    id: uuid.UUID
    kind: str
    occurred_at: dt.datetime
    summary: str
    details: dict[str, Any]
    actor: str


class ScopeIn(_In):
    kind: Literal["asset", "application", "vendor", "data_store", "person", "account", "identity"]
    id: uuid.UUID
    how: Literal["affected", "compromised", "reachable"] = "affected"
    notes: Text = ""


class ScopeRead(_Out):
    id: uuid.UUID
    object_kind: str
    object_id: uuid.UUID
    label: str
    how: str
    notes: str


class PopulationIn(_In):
    jurisdiction: Jurisdiction
    count: int = Field(ge=0, le=10**10)
    elements: list[Annotated[str, StringConstraints(max_length=40)]] = Field(default_factory=list, max_length=40)
    encrypted: bool = False
    key_compromised: bool = False
    gdpr_role: Literal["controller", "processor", "none"] = "controller"
    hipaa_role: Literal["covered_entity", "business_associate", "none"] = "none"
    data_store_id: uuid.UUID | None = None
    label: Short = ""


class PopulationRead(_Out):
    id: uuid.UUID
    jurisdiction: str
    count: int
    elements: list[str]
    encrypted: bool
    key_compromised: bool
    gdpr_role: str
    hipaa_role: str
    data_store_id: uuid.UUID | None
    label: str


class ObligationUpdate(_In):
    status: Literal["open", "sent", "waived", "withdrawn"]
    sent_at: dt.datetime | None = None
    evidence: Text = ""


class ObligationRead(_Out):
    id: uuid.UUID
    incident_id: uuid.UUID
    rule_key: str
    rule_version: int
    jurisdiction: str
    regime: str
    recipient: str
    recipient_label: str
    affected: int
    clock: str
    clock_at: dt.datetime
    provisional: bool
    due_at: dt.datetime | None
    asap: bool
    channel: str
    citation: str
    rationale: str
    status: str
    sent_at: dt.datetime | None
    evidence: str


class PlaybookIn(_In):
    incident_type: IncidentType
    name: Title
    tasks: list[dict[str, Any]] = Field(default_factory=list, max_length=100)
    org_unit_id: uuid.UUID


class RuleIn(_In):
    record: dict[str, Any]
    enabled: bool = True


class RuleRead(_Out):
    id: uuid.UUID
    key: str
    version: int
    record: dict[str, Any]
    enabled: bool
    origin: str
    updated_at: dt.datetime


class FollowUpIn(_In):
    """A review follow-up to carry into the risk register: a treatment on a scenario, existing or new."""

    title: Title
    description: Text = ""
    kind: Literal["mitigate", "transfer", "avoid", "accept"] = "mitigate"
    scenario_id: uuid.UUID | None = None
    scenario_title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    task_id: uuid.UUID | None = None


class RiskLinkRead(_Out):
    id: uuid.UUID
    incident_id: uuid.UUID
    task_id: uuid.UUID | None
    scenario_id: uuid.UUID
    treatment_id: uuid.UUID
    title: str
    scenario_title: str
    new_scenario: bool
    created_at: dt.datetime


class EvidenceRead(_Out):
    id: uuid.UUID
    incident_id: uuid.UUID
    title: str
    file_name: str
    media_type: str
    size: int
    sha256: str
    uploaded_by: str
    created_at: dt.datetime
