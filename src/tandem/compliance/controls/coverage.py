"""Coverage of a framework by the organisation's controls, directly and through mappings, with the path shown."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from sqlalchemy.orm import Session

from tandem.compliance import actions
from tandem.compliance.automation import rollup
from tandem.compliance.controls import repository as repo
from tandem.compliance.frameworks import repository as fw_repo
from tandem.compliance.frameworks.service import get_framework
from tandem.platform.auth.permissions import require, visible_unit_ids
from tandem.platform.auth.principal import Principal

STATES = ("covered", "partial", "gap")


def _classes(session: Session, canon: list[uuid.UUID]) -> dict[uuid.UUID, set[uuid.UUID]]:
    """Return {canonical id: itself and every baseline node resolved from it}."""
    views = fw_repo.views_of(session, canon)
    return {c: {c, *views.get(c, [])} for c in canon}


def _framework_names(session: Session) -> dict[uuid.UUID, str]:
    return {f.id: f.name for f in fw_repo.FrameworkRepository(session).all_frameworks()}


def coverage(session: Session, principal: Principal, framework_id: uuid.UUID) -> list[dict[str, Any]]:
    """Return per assessable requirement: covered / partial / gap, the controls and the paths that explain it, and
    the kind of evidence behind it (automated-proven / manual / failing / unknown)."""
    require(session, principal, actions.VIEW.name)
    framework = get_framework(session, principal, framework_id)
    rows = [r for r in fw_repo.tree_rows(session, framework_id) if r.assessable]
    canon_of = {r.id: r.base_requirement_id or r.id for r in rows}
    maps = fw_repo.mappings_touching(session, list(set(canon_of.values())))
    neighbours: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
    for m in maps:
        neighbours.setdefault(m.source_id, []).append((m.target_id, m.relationship))
        neighbours.setdefault(m.target_id, []).append((m.source_id, m.relationship))
    others = {o for c in canon_of.values() for o, _ in neighbours.get(c, [])}
    classes = _classes(session, list(set(canon_of.values()) | others))
    all_ids = list({i for ids in classes.values() for i in ids})
    links: dict[uuid.UUID, list[uuid.UUID]] = {}
    for rid, cid in fw_repo.linked_controls(session, all_ids):
        links.setdefault(rid, []).append(cid)
    units = visible_unit_ids(session, principal, actions.VIEW.name)
    controls = repo.controls_by_ids(session, list({c for cs in links.values() for c in cs}), units)
    info = fw_repo.requirements_by_ids(session, others)
    names = _framework_names(session)
    out = []
    for r in rows:
        entry = _entry(r, framework.name, canon_of[r.id], classes, neighbours, links, controls, info, names)
        out.append(entry)
    return rollup.annotate(session, out)


def _controls_in(
    ids: set[uuid.UUID], links: dict[uuid.UUID, list[uuid.UUID]], controls: dict[uuid.UUID, Any]
) -> list[Any]:
    found = {c for i in ids for c in links.get(i, []) if c in controls}
    return sorted((controls[c] for c in found), key=lambda c: c.title)


def _entry(
    r: Any,
    fw_name: str,
    canon: uuid.UUID,
    classes: dict[uuid.UUID, set[uuid.UUID]],
    neighbours: dict[uuid.UUID, list[tuple[uuid.UUID, str]]],
    links: dict[uuid.UUID, list[uuid.UUID]],
    controls: dict[uuid.UUID, Any],
    info: dict[uuid.UUID, Any],
    names: dict[uuid.UUID, str],
) -> dict[str, Any]:
    here = f"{fw_name} {r.label}"
    direct = _controls_in(classes[canon], links, controls)
    paths = [f"{here} ← control '{c.title}'" for c in direct]
    via: list[Any] = []
    for other, relationship in neighbours.get(canon, []):
        for c in _controls_in(classes.get(other, {other}), links, controls):
            o = info[other]
            via.append(c)
            paths.append(f"{here} ← {names.get(o.framework_id, '')} {o.label} ({relationship}) ← control '{c.title}'")
    implemented = any(c.status == "implemented" for c in direct)
    state = "covered" if implemented else ("partial" if direct or via else "gap")
    return {
        "id": r.id,
        "ref": r.ref,
        "label": r.label,
        "title": r.title,
        "parent_id": r.parent_id,
        "state": state,
        "controls": [
            {"id": c.id, "title": c.title, "status": c.status} for c in {c.id: c for c in direct + via}.values()
        ],
        "paths": paths[:20],
    }


def summary(entries: list[dict[str, Any]]) -> dict[str, int]:
    """Count requirements per coverage state."""
    counts = Counter(e["state"] for e in entries)
    return {state: counts.get(state, 0) for state in STATES}


def chart(session: Session, framework_id: uuid.UUID, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a Plotly figure (JSON): covered / partial / gap per top-level group of the framework."""
    rows = fw_repo.tree_rows(session, framework_id)
    parent = {r.id: r.parent_id for r in rows}
    label = {r.id: f"{r.label} {r.title}"[:40] for r in rows}
    groups: dict[str, Counter[str]] = {}
    for e in entries:
        top = e["id"]
        while parent.get(top) is not None:
            top = parent[top]
        groups.setdefault(label[top], Counter())[e["state"]] += 1
    names = list(groups)
    colours = {"covered": "#2e7d32", "partial": "#f9a825", "gap": "#c62828"}
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": s,
            "y": names,
            "x": [groups[n][s] for n in names],
            "marker": {"color": colours[s]},
        }
        for s in STATES
    ]
    layout = {
        "barmode": "stack",
        "height": 120 + 22 * len(names),
        "margin": {"l": 260, "r": 20, "t": 30, "b": 30},
        "yaxis": {"autorange": "reversed"},
        "title": {"text": "Coverage by group"},
    }
    return {"data": data, "layout": layout}
