"""Board pack shapes: create for a quarter, patch sections, and what the API returns."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

COMMENTARY_MAX = 5000


class BoardPackCreate(BaseModel):
    """Generate a pack for a quarter (a new draft, or fresh data for the quarter's draft)."""

    model_config = ConfigDict(extra="forbid")

    quarter: str = Field(max_length=16, description="e.g. 2026Q4")


class SectionPatch(BaseModel):
    """Change one section: whether it is in the pack and the executives' commentary."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(max_length=40)
    included: bool | None = None
    commentary: str | None = Field(default=None, max_length=COMMENTARY_MAX)


class BoardPackUpdate(BaseModel):
    """Change a draft's title or sections."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=300)
    sections: list[SectionPatch] = Field(default_factory=list, max_length=20)


class SectionRead(BaseModel):
    """A section of a pack."""

    key: str
    title: str
    included: bool
    commentary: str


class BoardPackRead(BaseModel):
    """A pack version: its state, sections and the digest of its data snapshot."""

    id: uuid.UUID
    quarter: str
    version: int
    title: str
    status: str
    sections: list[SectionRead]
    snapshot_sha256: str
    generated_at: dt.datetime
    generated_by: str
    published_at: dt.datetime | None
    published_by: str
    pdf_url: str
    html_url: str


class BoardPackSummary(BaseModel):
    """A pack in a list."""

    id: uuid.UUID
    quarter: str
    version: int
    title: str
    status: str
    generated_at: dt.datetime
    published_at: dt.datetime | None
