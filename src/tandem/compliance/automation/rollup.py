"""Roll automated results up to requirements (directly and through mappings), split coverage by kind of
evidence, and find drift: tests whose latest result fails after an earlier pass."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from tandem.compliance import actions
from tandem.compliance.automation import repository as repo
from tandem.compliance.automation.service import check_title
from tandem.compliance.controls import repository as controls_repo
from tandem.compliance.frameworks import repository as fw_repo
from tandem.platform.auth.permissions import require, visible_unit_ids
from tandem.platform.auth.principal import Principal

# Coverage split by the kind of evidence behind each requirement.
EVIDENCE = ("automated-proven", "manual", "failing", "unknown")
FAILING = "failing — automated"
PASSING = "passing — automated"


def control_results(session: Session, control_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """Return {control id: the latest result of each enabled test} (never-run tests included as "never")."""
    tests = repo.tests_of_controls(session, list(set(control_ids)))
    latest = repo.latest_results(session, [t.id for t in tests])
    out: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for t in tests:
        r = latest.get(t.id)
        out.setdefault(t.control_id, []).append({
            "test_id": t.id, "control_id": t.control_id, "check_name": t.check_name,
            "check_title": check_title(t.check_name), "status": r.status if r else "never",
            "summary": r.summary if r else "", "ran_at": r.ran_at if r else None, "result_id": r.id if r else None,
            "evidence_id": r.evidence_id if r else None,
        })  # fmt: skip
    return out


def control_state(results: list[dict[str, Any]]) -> str | None:
    """Return failing / proven / unknown for a control's latest results (None: it has no automated test)."""
    if not results:
        return None
    statuses = {r["status"] for r in results}
    if "fail" in statuses:
        return "failing"
    return "proven" if statuses == {"pass"} else "unknown"


def evidence_state(has_controls: bool, results: list[dict[str, Any]]) -> str:
    """Return the kind of evidence behind a requirement from its controls' latest automated results."""
    states = {control_state([r]) for r in results}
    if "failing" in states:
        return "failing"
    if "proven" in states:
        return "automated-proven"
    return "manual" if has_controls else "unknown"


def annotate(session: Session, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add each coverage entry's automated results and evidence state (through its direct and mapped controls)."""
    by_control = control_results(session, {c["id"] for e in entries for c in e["controls"]})
    for e in entries:
        results = [r for c in e["controls"] for r in by_control.get(c["id"], [])]
        e["automated"] = results
        e["evidence"] = evidence_state(bool(e["controls"]), results)
        for r in results:
            if r["status"] == "fail":
                e["paths"].append(f"{FAILING}: '{r['check_title']}' on {r['ran_at']:%Y-%m-%d %H:%M} — {r['summary']}")
    return entries


def split(entries: list[dict[str, Any]]) -> dict[str, int]:
    """Count requirements per kind of evidence: automated-proven / manual / failing / unknown."""
    counts = Counter(e.get("evidence", "unknown") for e in entries)
    return {state: counts.get(state, 0) for state in EVIDENCE}


def requirement_results(
    session: Session, requirement_ids: Sequence[uuid.UUID], unit_ids: list[uuid.UUID] | None
) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """Return {requirement id: latest automated results of the controls meeting it, directly or via mappings}."""
    rows = fw_repo.requirements_by_ids(session, requirement_ids).values()
    canon_of = {r.id: r.base_requirement_id or r.id for r in rows}
    canon = list(set(canon_of.values()))
    neighbours: dict[uuid.UUID, set[uuid.UUID]] = {}
    for m in fw_repo.mappings_touching(session, canon):
        neighbours.setdefault(m.source_id, set()).add(m.target_id)
        neighbours.setdefault(m.target_id, set()).add(m.source_id)
    reach = {c: {c, *neighbours.get(c, set())} for c in canon}
    nodes = list({n for ns in reach.values() for n in ns})
    views = fw_repo.views_of(session, nodes)
    classes = {n: {n, *views.get(n, [])} for n in nodes}
    links: dict[uuid.UUID, set[uuid.UUID]] = {}
    for rid, cid in fw_repo.linked_controls(session, list({i for ids in classes.values() for i in ids})):
        links.setdefault(rid, set()).add(cid)
    all_controls = {c for cs in links.values() for c in cs}
    visible = set(controls_repo.controls_by_ids(session, list(all_controls), unit_ids))
    by_control = control_results(session, visible)
    out: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for rid, c in canon_of.items():
        controls = {cid for n in reach[c] for i in classes[n] for cid in links.get(i, set()) if cid in visible}
        out[rid] = [r for cid in sorted(controls) for r in by_control.get(cid, [])]
    return out


def label(results: list[dict[str, Any]]) -> str:
    """Return how automated results read beside a manual result: failing/passing — automated, or ""."""
    state = evidence_state(False, results)
    return {"failing": FAILING, "automated-proven": PASSING}.get(state, "")


def drift(session: Session, principal: Principal) -> list[dict[str, Any]]:
    """Return the tests principal may see whose latest result fails after an earlier pass, with when it changed."""
    require(session, principal, actions.VIEW.name)
    tests = repo.tests_in(session, visible_unit_ids(session, principal, actions.VIEW.name))
    failing = [t for t in tests if t.last_status == "fail"]
    history = repo.history(session, [t.id for t in failing])
    titles = repo.control_titles(session, [t.control_id for t in failing])
    out = []
    for t in failing:
        runs = history.get(t.id, [])
        changed_at, last_pass = None, None
        for status, ran_at in runs:  # newest first: walk back over the current run of non-passes
            if status == "pass":
                last_pass = ran_at
                break
            if status == "fail":
                changed_at = ran_at
        if last_pass is None or changed_at is None:
            continue
        out.append({"test_id": t.id, "control_id": t.control_id, "control": titles.get(t.control_id, ""),
                    "check_name": t.check_name, "check_title": check_title(t.check_name),
                    "failing_since": changed_at, "last_pass": last_pass})  # fmt: skip
    return sorted(out, key=lambda d: d["failing_since"], reverse=True)
