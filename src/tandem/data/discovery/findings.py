"""Detections (raw offsets, for the caller) and findings (masked and hashed, for storage)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from .types import EntityType


class Detection(NamedTuple):
    """A value found in a text: exact `str` offsets (end-exclusive), type, confidence and the rule that fired.

    A named tuple: the engine makes one per validated candidate, and a tuple is the cheapest immutable record.
    """

    type: EntityType
    start: int
    end: int
    confidence: float
    rule: str


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding sits: file, archive member path, sheet or page, line, table column and row, field key."""

    path: str
    line: int | None = None
    column: str | None = None
    row: int | None = None
    key: str | None = None
    sheet: str | None = None
    page: int | None = None


@dataclass(frozen=True)
class Finding:
    """A storable finding: masked preview and keyed hash instead of the value itself."""

    type: EntityType
    confidence: float
    rule: str
    location: Location
    start: int
    end: int
    masked: str
    value_hash: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the finding."""
        data = asdict(self)
        data["type"] = self.type.value
        return data


@dataclass
class ScanResult:
    """Findings of one input with the co-occurrence of types per row or document."""

    findings: list[Finding] = field(default_factory=list)
    cooccurrence: dict[str, frozenset[EntityType]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def types(self) -> frozenset[EntityType]:
        """Return every type found anywhere in the input."""
        return frozenset(finding.type for finding in self.findings)
