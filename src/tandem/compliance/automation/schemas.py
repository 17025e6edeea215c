"""Input and output shapes of automated control tests; inputs forbid unknown fields."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Named cadences in hours; any other cadence is "<n>h" (1 to 8760 hours).
CADENCES = {"hourly": 1, "daily": 24, "weekly": 24 * 7, "monthly": 24 * 30, "quarterly": 24 * 91}
_HOURS = re.compile(r"^([0-9]{1,4})h$")


def cadence_hours(cadence: str) -> int:
    """Return the hours between runs of a cadence; ValueError names the accepted forms."""
    if cadence in CADENCES:
        return CADENCES[cadence]
    match = _HOURS.match(cadence)
    if match and 1 <= int(match.group(1)) <= 8760:
        return int(match.group(1))
    raise ValueError(f"use {', '.join(CADENCES)} or a number of hours such as 12h (1h to 8760h)")


def _cadence(value: str | None) -> str | None:
    if value is not None:
        value = value.strip().lower()
        cadence_hours(value)
    return value


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ControlTestCreate(_In):
    control_id: uuid.UUID
    check_name: str = Field(min_length=3, max_length=100)
    params: dict[str, Any] = Field(default_factory=dict)
    cadence: str = Field("daily", max_length=16)
    enabled: bool = True
    scope_unit_id: uuid.UUID | None = None

    @field_validator("cadence")
    @classmethod
    def _known_cadence(cls, value: str | None) -> str | None:
        return _cadence(value)


class ControlTestUpdate(_In):
    params: dict[str, Any] | None = None
    cadence: str | None = Field(None, max_length=16)
    enabled: bool | None = None
    scope_unit_id: uuid.UUID | None = None

    @field_validator("cadence")
    @classmethod
    def _known_cadence(cls, value: str | None) -> str | None:
        return _cadence(value)


class ControlTestRead(_Out):
    id: uuid.UUID
    control_id: uuid.UUID
    check_name: str
    check_title: str = ""
    params: dict[str, Any]
    cadence: str
    enabled: bool
    scope_unit_id: uuid.UUID | None
    last_status: str
    last_run_at: dt.datetime | None
    org_unit_id: uuid.UUID
    created_at: dt.datetime


class TestResultRead(_Out):
    id: uuid.UUID
    test_id: uuid.UUID
    control_id: uuid.UUID
    check_name: str
    status: str
    summary: str
    examined: int
    failing: int
    measured: float | None
    params: dict[str, Any]
    sha256: str
    row_count: int
    duration_ms: int
    trigger: str
    ran_at: dt.datetime
    evidence_id: uuid.UUID | None
    org_unit_id: uuid.UUID


class RunRequest(_In):
    control_id: uuid.UUID | None = None
    test_id: uuid.UUID | None = None
