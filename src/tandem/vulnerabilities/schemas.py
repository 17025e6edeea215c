"""API shapes of the vulnerabilities domain."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

Status = Literal["open", "accepted", "fixed", "false_positive"]


class FindingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    org_unit_id: uuid.UUID
    software_id: uuid.UUID
    asset_id: uuid.UUID | None
    application_id: uuid.UUID | None
    component: str
    advisory_id: str
    cve_id: str
    cve_ids: list[str]
    path: str
    criterion: str
    range: str
    matched_version: str
    steps: list[str]
    platform: list[str]
    confidence: float
    cvss: float | None
    kev: bool
    kev_due: str
    epss_percentile: float | None
    priority_tier: int
    priority_label: str
    status: str
    status_reason: str
    status_by: str
    status_at: dt.datetime | None
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime


class FindingStatusIn(BaseModel):
    """A triage decision; accepting a risk or calling a false positive needs a reason."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    status: Status
    reason: Annotated[str, StringConstraints(max_length=4000)] = ""


class KevRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    cve_id: str
    name: str
    date_added: str
    due_date: str
    ransomware: bool
    required_action: str


class EpssRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    cve_id: str
    score: float
    percentile: float
    score_date: str
    model_version: str


class AdvisoryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    source: str
    status: str
    description: str
    cvss: float | None
    cvss_vector: str
    severity: str
    cwes: list[str]
    aliases: list[str]
    published: str | None
    modified: str | None
    kev: KevRead | None = None
    epss: EpssRead | None = None


class AffectedPage(BaseModel):
    """One page of the visible findings of a CVE, with how many there are per triage status."""

    items: list[FindingRead]
    next_cursor: str | None
    statuses: dict[str, int]
    asset_labels: dict[str, str]


class EpssPoint(BaseModel):
    """A kept EPSS history point (kept when the score moved enough or the model changed)."""

    date: str
    score: float
    percentile: float
    model_version: str


class KevEvent(BaseModel):
    """A CVE entering KEV, or its KEV terms changing (`was` holds the terms before)."""

    date: str
    event: str
    date_added: str
    due_date: str
    ransomware: bool
    was: dict[str, Any] | None = None


class CveRead(BaseModel):
    """A CVE: its advisory (when stored), KEV entry, EPSS score, feed history, and the affected items principal may
    see."""

    id: str
    advisory: AdvisoryRead | None
    kev: KevRead | None
    epss: EpssRead | None
    affected: AffectedPage
    epss_history: list[EpssPoint] = []
    kev_history: list[KevEvent] = []


class FeedImportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    file_name: str
    version: str
    records: int
    changed: int
    imported_by: str
    created_at: dt.datetime


class MatchRunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    mode: str
    started_at: dt.datetime
    finished_at: dt.datetime
    advisories: int
    items: int
    found: int
    new: int
    closed: int


class FeedStatus(BaseModel):
    counts: dict[str, int]
    imports: list[FeedImportRead]
    last_match: MatchRunRead | None
    fetch_enabled: bool


class JobQueued(BaseModel):
    job_id: uuid.UUID
    name: str


SyncSource = Literal["nvd", "kev", "epss"]


class SyncRequest(BaseModel):
    """What to sync: NVD through its API, KEV and EPSS through their download URLs."""

    model_config = ConfigDict(extra="forbid")

    only: list[SyncSource] = ["nvd", "kev", "epss"]
    since: dt.date | None = None
    full: bool = False
    match: bool = True


class SyncQueued(BaseModel):
    jobs: list[JobQueued]


class NvdSyncRead(BaseModel):
    """The NVD sync cursor and what the last completed sync covered (the API key is only said to be set)."""

    model_config = ConfigDict(from_attributes=True)

    in_progress: bool = False
    mode: str = ""
    span_start: dt.datetime | None = None
    span_end: dt.datetime | None = None
    window_start: dt.datetime | None = None
    window_end: dt.datetime | None = None
    next_index: int = 0
    total_results: int | None = None
    run_started_at: dt.datetime | None = None
    run_pages: int = 0
    run_records: int = 0
    run_changed: int = 0
    last_span_start: dt.datetime | None = None
    synced_to: dt.datetime | None = None
    last_finished_at: dt.datetime | None = None
    last_records: int = 0
    last_changed: int = 0
    last_error: str = ""
    last_error_at: dt.datetime | None = None
    fetch_enabled: bool = False
    api_key_set: bool = False
    api_url: str = ""
