"""API shapes for jobs."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    args: dict[str, Any]
    status: str
    progress: float
    total: float | None
    message: str
    log: list[str]
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    max_attempts: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    actor_label: str
