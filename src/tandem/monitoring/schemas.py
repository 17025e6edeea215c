"""API shapes of the monitoring domain."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

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
