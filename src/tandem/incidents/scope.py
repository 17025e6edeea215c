"""Scope proposal: from the compromised objects through the inventory graph, and through access governance (the
entitlements of a compromised account, a person's accounts, a vendor's accounts), to the data stores they could
reach, with data categories, record counts and the element combinations discovery saw together."""

from __future__ import annotations

import uuid
from collections import deque
from typing import Any

from sqlalchemy.orm import Session

from tandem.data import service as data
from tandem.incidents import access_scope
from tandem.incidents import repository as repo
from tandem.incidents.access_scope import ACCESS_KINDS
from tandem.incidents.breach.vocab import DISCOVERY_ELEMENTS
from tandem.incidents.models import Incident, ScopeItem
from tandem.inventory import service as inventory
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import NotFound

MAX_DEPTH = 4
# Who reaches whose data along an edge (the inventory's relation semantics): "source" = the source reaches the
# target's data; "target" = the target reaches the source's data.
REACHES = {
    "stores_data_in": "source",
    "can_access": "source",
    "runs_on": "target",
    "provided_by": "target",
    "administered_by": "target",
    "sends_data_to": "target",
    "hosted_on": "target",
}


def reachable_stores(session: Session, principal: Principal | None, start: uuid.UUID) -> dict[uuid.UUID, list[str]]:
    """Return the data stores reachable from an object, each with the path of relation types leading there."""
    seen: dict[uuid.UUID, list[str]] = {start: []}
    kinds: dict[uuid.UUID, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if len(seen[node]) >= MAX_DEPTH:
            continue
        for rel in inventory.relations_of(session, principal, node):
            flow = REACHES.get(rel.type)
            if flow == "source" and rel.source_id == node:
                nxt, kind = rel.target_id, rel.target_kind
            elif flow == "target" and rel.target_id == node:
                nxt, kind = rel.source_id, rel.source_kind
            else:
                continue
            if nxt not in seen:
                seen[nxt], kinds[nxt] = [*seen[node], rel.type.replace("_", " ")], kind
                queue.append(nxt)
    return {k: seen[k] for k, kind in kinds.items() if kind == "data_store"}


def discovery_of(session: Session, principal: Principal, store_id: uuid.UUID) -> dict[str, Any]:
    """Return the latest succeeded scan's type counts and element combinations seen together (empty if none)."""
    try:
        scans = data.store_history(session, principal, store_id)
    except NotFound:
        return {}
    scan = next((s for s in scans if s.status == "succeeded"), None)
    if scan is None:
        return {}
    combos: dict[tuple[str, ...], int] = {}
    for obj in data.scan_objects(session, principal, scan.id):
        for combo, count in obj.cooccurrence or []:
            key = tuple(sorted({DISCOVERY_ELEMENTS[t] for t in combo if t in DISCOVERY_ELEMENTS}))
            if key:
                combos[key] = combos.get(key, 0) + int(count)
    return {
        "scan_id": str(scan.id),
        "finished_at": scan.finished_at.isoformat() if scan.finished_at else None,
        "type_counts": dict(scan.type_counts or {}),
        "combinations": [{"elements": list(k), "records": n} for k, n in sorted(combos.items(), key=lambda x: -x[1])],
    }


def propose(session: Session, principal: Principal, incident: Incident) -> list[dict[str, Any]]:
    """Return data stores in scope or reachable from the scope, with what they hold (nothing is added)."""
    stores_kind = inventory.kind_of("data_store")
    found: dict[uuid.UUID, dict[str, Any]] = {}
    for item in repo.children(session, ScopeItem, incident.id):
        starts: dict[uuid.UUID, list[str]] = {item.object_id: []} if item.object_kind == "data_store" else {}
        graph = {} if item.object_kind in ACCESS_KINDS else reachable_stores(session, principal, item.object_id)
        for store_id, path in {**starts, **graph}.items():
            entry = found.setdefault(store_id, {"data_store_id": str(store_id), "via": [], "access": []})
            entry["via"].append(" → ".join([item.label, *path]) if path else f"{item.label} (in scope)")
        for store_id, words, permission in access_scope.reach(session, principal, item):
            entry = found.setdefault(store_id, {"data_store_id": str(store_id), "via": [], "access": []})
            entry["via"].append(words)
            if permission not in entry["access"]:
                entry["access"].append(permission)
    in_scope = {s.object_id for s in repo.children(session, ScopeItem, incident.id)}
    out = []
    for store_id, entry in found.items():
        try:
            store = inventory.get_record(session, principal, stores_kind, store_id)
        except NotFound:
            continue
        out.append(
            {
                **entry,
                "name": store.name,
                "in_scope": store_id in in_scope,
                "data_categories": list(store.data_categories or []),
                "data_subjects": list(store.data_subjects or []),
                "record_count": store.record_count,
                "country": store.country,
                "encrypted_at_rest": store.encrypted_at_rest,
                "discovery": discovery_of(session, principal, store_id),
            }
        )
    out.sort(key=lambda e: (not e["in_scope"], e["name"].lower()))
    return out


def accept(session: Session, principal: Principal, incident: Incident) -> list[ScopeItem]:
    """Put every proposed data store that is not in scope yet into the scope, as "reachable"."""
    from tandem.incidents.service import record

    added = []
    for entry in propose(session, principal, incident):
        if entry["in_scope"]:
            continue
        row = ScopeItem(
            incident_id=incident.id,
            object_kind="data_store",
            object_id=uuid.UUID(entry["data_store_id"]),
            label=entry["name"],
            how="reachable",
            notes="; ".join(entry["via"])[:2000],
        )
        session.add(row)
        added.append(row)
    if added:
        record(
            session,
            incident,
            "scope",
            f"Scope: {len(added)} reachable data stores added ({', '.join(r.label for r in added)})",
            principal,
        )
    session.flush()
    return added
