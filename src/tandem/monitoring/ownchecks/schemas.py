"""API shapes of the own checks."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Spec = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class ChecksIn(BaseModel):
    """Explicit `host:port[/tls|/tcp]` targets; none means every service the inventory declares."""

    model_config = ConfigDict(extra="forbid")

    targets: list[Spec] = Field(default_factory=list, max_length=1000)
    org_unit_id: uuid.UUID | None = None


class ScopeRead(BaseModel):
    """The approved scope as configured (TANDEM_MONITORING_SCOPE)."""

    entries: list[str]
    empty: bool
