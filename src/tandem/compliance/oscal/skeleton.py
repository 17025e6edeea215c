"""Build the in-memory skeleton of an assessment: one record per control of a (resolved) catalog."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .model import Catalog

Status = Literal["not-assessed", "satisfied", "not-satisfied", "not-applicable"]


@dataclass(slots=True)
class RequirementRecord:
    """One control to assess, carrying what a list page shows without another catalog lookup."""

    control_id: str
    label: str
    title: str
    group: str | None
    parent: str | None
    order: int
    status: Status = "not-assessed"


def assessment_skeleton(catalog: Catalog, *, include_withdrawn: bool = False) -> list[RequirementRecord]:
    """Return one not-assessed record per control and enhancement, in catalog order."""
    return [
        RequirementRecord(c.id, c.label, c.title, c.group, c.parent, order)
        for order, c in enumerate(c for c in catalog.all_controls() if include_withdrawn or not c.withdrawn)
    ]
