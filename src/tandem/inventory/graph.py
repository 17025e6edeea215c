"""Graph queries over relations: impact (what breaks if X is gone) and data exposure (who can reach X)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import actions
from tandem.inventory import repository as repo
from tandem.inventory.kinds import ENTITIES, Kind
from tandem.inventory.relation_types import RelationType, relation_types
from tandem.inventory.service import label_of
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal

MAX_DEPTH = 10
MAX_NODES = 5000


@dataclass
class Walk:
    """The state of one breadth-first walk."""

    nodes: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)
    edges: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False


def impact(
    session: Session, principal: Principal | None, kind: Kind, obj: Any, depth: int = MAX_DEPTH
) -> dict[str, Any]:
    """Return everything that depends on obj, transitively, each with the path that leads to it."""
    return _walk(session, principal, kind, obj, "depends", depth)


def exposure(
    session: Session, principal: Principal | None, kind: Kind, obj: Any, depth: int = MAX_DEPTH
) -> dict[str, Any]:
    """Return the applications, assets, vendors and people that can reach obj's data, with the path."""
    return _walk(session, principal, kind, obj, "reaches", depth)


def _directions(mode: str) -> tuple[list[str], list[str]]:
    """Split relation types into (walk target->source, walk source->target) for the mode."""
    backward, forward = [], []
    for rel in relation_types():
        flow = _flow(rel, mode)
        if flow == "source":
            backward.append(rel.name)  # the source depends on / reaches the target: step target -> source
        elif flow == "target":
            forward.append(rel.name)
    return backward, forward


def _flow(rel: RelationType, mode: str) -> str | None:
    return rel.depends if mode == "depends" else rel.reaches


def _walk(session: Session, principal: Principal | None, kind: Kind, obj: Any, mode: str, depth: int) -> dict[str, Any]:
    if principal is not None:
        require(session, principal, actions.VIEW.name, obj)
    unit_ids = repo.unit_ids_for(session, principal)
    backward, forward = _directions(mode)
    root = {
        "kind": kind.entity,
        "id": obj.id,
        "label": label_of(kind, obj),
        "depth": 0,
        "path": [f"{label_of(kind, obj)} ({kind.entity})"],
    }
    walk = Walk(nodes={obj.id: root})
    frontier = [obj.id]
    for level in range(1, max(depth, 0) + 1):
        found = _step(session, unit_ids, frontier, backward, forward)
        frontier = _admit(session, principal, walk, found, level)
        if not frontier or walk.truncated:
            break
    nodes = [n for n in walk.nodes.values() if n["id"] != obj.id]
    nodes.sort(key=lambda n: (n["depth"], n["kind"], n["label"].lower()))
    return {"root": root, "nodes": nodes, "edges": walk.edges, "truncated": walk.truncated}


def _step(
    session: Session,
    unit_ids: list[uuid.UUID] | None,
    frontier: list[uuid.UUID],
    backward: list[str],
    forward: list[str],
) -> list[tuple[uuid.UUID, str, uuid.UUID, str, str, tuple[uuid.UUID, uuid.UUID]]]:
    """Return (from_id, relation type, next_id, next_kind, verb, (source_id, target_id)) one hop out."""
    out = []
    for rel_type, src, _skind, tgt, _tkind in repo.edges_from(session, unit_ids, "target_id", frontier, backward):
        out.append((tgt, rel_type, src, _skind, "←", (src, tgt)))
    for rel_type, src, _skind, tgt, tkind in repo.edges_from(session, unit_ids, "source_id", frontier, forward):
        out.append((src, rel_type, tgt, tkind, "→", (src, tgt)))
    return out


def _admit(
    session: Session,
    principal: Principal | None,
    walk: Walk,
    found: list[tuple[uuid.UUID, str, uuid.UUID, str, str, tuple[uuid.UUID, uuid.UUID]]],
    level: int,
) -> list[uuid.UUID]:
    """Add the visible new nodes of one hop; return them as the next frontier."""
    by_kind: dict[str, set[uuid.UUID]] = {}
    for _from, _type, next_id, next_kind, _verb, _edge in found:
        if next_kind in ENTITIES and next_id not in walk.nodes:
            by_kind.setdefault(next_kind, set()).add(next_id)
    labels: dict[uuid.UUID, tuple[str, str]] = {}
    for entity, ids in by_kind.items():
        for node_id, label in repo.entity_repo(session, entity).labels(principal, ids).items():
            labels[node_id] = (entity, label)
    frontier = []
    for from_id, rel_type, next_id, _kind, verb, (src, tgt) in found:
        if next_id not in walk.nodes and next_id not in labels:
            continue
        walk.edges.append({"type": rel_type, "source_id": src, "target_id": tgt})
        if next_id in walk.nodes:
            continue
        if len(walk.nodes) >= MAX_NODES:
            walk.truncated = True
            break
        entity, label = labels[next_id]
        parent = walk.nodes[from_id]
        step = f"{verb} {rel_type.replace('_', ' ')} {verb}"
        walk.nodes[next_id] = {
            "kind": entity,
            "id": next_id,
            "label": label,
            "depth": level,
            "path": [*parent["path"], step, f"{label} ({entity})"],
        }
        frontier.append(next_id)
    return frontier
