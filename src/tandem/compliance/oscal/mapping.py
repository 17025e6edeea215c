"""Control mappings with OSCAL semantics, and their export as an OSCAL mapping-collection."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from .common import JSON, TANDEM_NS, drop_empty, metadata, new_uuid, prop

Relationship = Literal["equivalent-to", "equal-to", "subset-of", "superset-of", "intersects-with"]
RELATIONSHIPS: tuple[str, ...] = ("equivalent-to", "equal-to", "subset-of", "superset-of", "intersects-with")


@dataclass(frozen=True, slots=True)
class MappingRecord:
    """One source → target control relationship (OSCAL 1.2 semantics), with where it came from."""

    source_framework: str
    source_id: str
    target_framework: str
    target_id: str
    relationship: Relationship
    matching_rationale: Literal["syntactic", "semantic", "functional"] = "semantic"
    strength: int | None = None
    comment: str | None = None
    provenance: str | None = None


@dataclass(frozen=True, slots=True)
class MappingSet:
    """A set of records between two resources, and how the set was made."""

    title: str
    version: str
    source_href: str
    target_href: str
    records: tuple[MappingRecord, ...]
    description: str
    method: Literal["human", "automation", "hybrid"] = "human"
    status: Literal["complete", "not-complete", "draft", "deprecated", "superseded"] = "complete"


def _map(source_id: str, relationship: str, group: list[MappingRecord]) -> JSON:
    first = group[0]
    props = [prop("strength", str(first.strength), ns=TANDEM_NS)] if first.strength is not None else []
    remarks = "\n".join(sorted({r.comment for r in group if r.comment}))
    return drop_empty(
        {
            "uuid": new_uuid(),
            "matching-rationale": first.matching_rationale,
            "relationship": relationship,
            "sources": [{"type": "control", "id-ref": source_id}],
            "targets": [{"type": "control", "id-ref": r.target_id} for r in group],
            "props": props,
            "remarks": remarks,
        }
    )


def to_mapping_collection(mapping: MappingSet) -> JSON:
    """Build an OSCAL 1.2.3 mapping-collection document: one map per source id and relationship."""
    grouped: dict[tuple[str, str, int | None], list[MappingRecord]] = defaultdict(list)
    for record in mapping.records:
        grouped[(record.source_id, record.relationship, record.strength)].append(record)
    maps = [_map(source, relationship, group) for (source, relationship, _), group in grouped.items()]
    return {
        "mapping-collection": {
            "uuid": new_uuid(),
            "metadata": metadata(mapping.title, mapping.version),
            "provenance": {
                "method": mapping.method,
                "matching-rationale": "semantic",
                "status": mapping.status,
                "mapping-description": mapping.description,
            },
            "mappings": [
                {
                    "uuid": new_uuid(),
                    "source-resource": {"type": "catalog", "href": mapping.source_href},
                    "target-resource": {"type": "catalog", "href": mapping.target_href},
                    "maps": maps,
                }
            ],
        }
    }
