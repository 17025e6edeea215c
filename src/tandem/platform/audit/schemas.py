"""API shapes for the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    ts: dt.datetime
    actor_kind: str
    actor_id: str | None
    actor_label: str
    action: str
    entity_type: str
    entity_id: str | None
    changes: dict[str, Any]
    request_id: str | None
    prev_hash: str
    hash: str


class VerifyRead(BaseModel):
    ok: bool
    entries: int
    checkpoints: int
    first_bad_seq: int | None
    reason: str
    summary: str
