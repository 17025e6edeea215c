"""API shapes of the monitoring domain."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints


class ScanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    org_unit_id: uuid.UUID
    name: str
    kind: str
    target: str
    file_name: str
    scanner_version: str
    scanned_at: dt.datetime | None
    hosts_up: int
    known_hosts: int
    unknown_hosts: int
    finding_count: int
    imported_by: str
    created_at: dt.datetime


class ScanFindingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    scan_id: uuid.UUID
    rule: str
    severity: str
    host: str
    protocol: str | None
    port: int | None
    detail: str
    asset_id: uuid.UUID | None
    cves: list[str]
    qod: int | None
    created_at: dt.datetime


class ScanDetail(ScanRead):
    findings: list[ScanFindingRead]


class DiscoveredHostRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    org_unit_id: uuid.UUID
    address: str
    hostnames: list[str]
    macs: list[str]
    open_ports: list[Any]
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    status: str
    decided_by: str
    reason: str
    asset_id: uuid.UUID | None


class AdoptIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    hostname: Annotated[str, StringConstraints(max_length=255)] = ""
    org_unit_id: uuid.UUID | None = None


class DismissIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason: Annotated[str, StringConstraints(max_length=4000)] = ""


class JobQueued(BaseModel):
    job_id: uuid.UUID
    name: str


class IssueRead(BaseModel):
    """A lasting network finding; `status` is effective (an acceptance past its expiry reads as open)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    org_unit_id: uuid.UUID
    key: str
    source: str
    asset_id: uuid.UUID | None
    host: str
    rule: str
    protocol: str | None
    port: int | None
    component: str
    severity: str
    detail: str
    cves: list[str]
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    last_scan_id: uuid.UUID | None
    occurrences: int
    status: str
    status_reason: str
    status_by: str
    status_at: dt.datetime | None
    accepted_until: dt.datetime | None
    fixed_at: dt.datetime | None
    regressed: bool
    acceptance_expired: bool = False


class IssueSighting(BaseModel):
    """One scan that reported an issue, with the evidence it recorded."""

    scan_id: uuid.UUID
    scan_name: str
    scanned_at: dt.datetime | None
    imported_at: dt.datetime
    severity: str
    detail: str
    cves: list[str]


class IssueDetail(IssueRead):
    sightings: list[IssueSighting]


class IssueTriageIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    status: Literal["open", "accepted", "false_positive", "fixed"]
    reason: Annotated[str, StringConstraints(max_length=4000)] = ""
    until: dt.date | None = None


class ChecklistItem(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    key: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    text: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    guidance: Annotated[str, StringConstraints(max_length=4000)] = ""


class ChecklistCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    description: Annotated[str, StringConstraints(max_length=4000)] = ""
    items: list[ChecklistItem]
    org_unit_id: uuid.UUID | None = None


class ChecklistRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    org_unit_id: uuid.UUID
    name: str
    description: str
    items: list[ChecklistItem]


class AuditCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    checklist_id: uuid.UUID
    title: Annotated[str, StringConstraints(max_length=200)] = ""
    org_unit_id: uuid.UUID | None = None
    asset_ids: list[uuid.UUID] = []
    assignee: Annotated[str, StringConstraints(max_length=200)] = ""
    due_on: dt.date | None = None


class AuditUpdate(BaseModel):
    """A partial edit of an audit: fields left out stay; an empty assignee or a null due date clears it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    org_unit_id: uuid.UUID | None = None
    asset_ids: list[uuid.UUID] | None = None
    assignee: Annotated[str, StringConstraints(max_length=200)] | None = None
    due_on: dt.date | None = None
    status: Literal["planned", "in_progress", "completed", "cancelled"] | None = None


class ChecklistUpdate(BaseModel):
    """A partial edit of a checklist; items, when given, are the whole new list in order (keys stay stable)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    description: Annotated[str, StringConstraints(max_length=4000)] | None = None
    items: list[ChecklistItem] | None = None


class ChecklistCopy(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    org_unit_id: uuid.UUID | None = None


class AuditResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    item_key: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    result: Literal["pass", "fail", "n/a"]
    note: Annotated[str, StringConstraints(max_length=4000)] = ""
    evidence_link: Annotated[str, StringConstraints(max_length=1000)] = ""


class AuditResultRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    item_key: str
    result: str
    note: str
    evidence_id: uuid.UUID | None
    evidence_link: str
    recorded_by: str
    recorded_at: dt.datetime


class AuditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    org_unit_id: uuid.UUID
    checklist_id: uuid.UUID
    title: str
    asset_ids: list[str]
    assignee_id: uuid.UUID | None
    due_on: dt.date | None
    status: str
    created_at: dt.datetime


class AuditDetail(AuditRead):
    results: list[AuditResultRead]
