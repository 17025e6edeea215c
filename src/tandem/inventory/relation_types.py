"""The relation type registry: what may link to what, and how impact and access flow along an edge.

Later domains add their own types with register_relation_type() from their manifest.
"""

from __future__ import annotations

from dataclasses import dataclass

# How a failure propagates: "source" = the source depends on the target (target gone -> source breaks),
# "target" = the target depends on the source, None = no dependency.
# How access propagates: "source" = the source can reach the target's data, "target" = the reverse.


@dataclass(frozen=True)
class RelationType:
    """A named, directed edge type between entity kinds."""

    name: str
    label: str
    sources: frozenset[str]
    targets: frozenset[str]
    depends: str | None = None
    reaches: str | None = None


_types: dict[str, RelationType] = {}


def register_relation_type(rel: RelationType) -> RelationType:
    """Add a relation type; registering an identical one again is a no-op."""
    existing = _types.get(rel.name)
    if existing is not None and existing != rel:
        raise ValueError(f"relation type {rel.name} registered twice with different rules")
    _types[rel.name] = rel
    return rel


def get_relation_type(name: str) -> RelationType | None:
    """Return a registered relation type, or None."""
    return _types.get(name)


def relation_types() -> list[RelationType]:
    """Return every relation type by name."""
    return sorted(_types.values(), key=lambda r: r.name)


def _k(*kinds: str) -> frozenset[str]:
    return frozenset(kinds)


for _rel in (
    RelationType("runs_on", "runs on", _k("application", "data_store"), _k("asset"), "source", "target"),
    RelationType("hosted_on", "is hosted on", _k("asset"), _k("asset"), "source", "target"),
    RelationType("depends_on", "depends on", _k("application"), _k("application"), "source", None),
    RelationType("stores_data_in", "stores data in", _k("application"), _k("data_store"), "source", "source"),
    RelationType(
        "provided_by", "is provided by", _k("application", "asset", "data_store"), _k("vendor"), "source", "target"
    ),
    RelationType("supports", "supports", _k("application"), _k("capability"), "target", None),
    RelationType(
        "owned_by",
        "is owned by",
        _k("application", "asset", "data_store", "capability", "vendor"),
        _k("person"),
        None,
        None,
    ),
    RelationType(
        "administered_by", "is administered by", _k("application", "asset", "data_store"), _k("person"), None, "target"
    ),
    RelationType("can_access", "can access", _k("vendor", "person", "application"), _k("data_store"), None, "source"),
    RelationType("sends_data_to", "sends data to", _k("application"), _k("application", "vendor"), None, "target"),
):
    register_relation_type(_rel)
