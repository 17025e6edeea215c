"""Matching the inventory's software against stored advisories with the pure matcher; full or delta passes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform import events
from tandem.platform.audit.writer import record_event
from tandem.platform.db.types import utcnow
from tandem.vulnerabilities import feeds
from tandem.vulnerabilities import repository as repo
from tandem.vulnerabilities.feeds.nvd import parse_cve
from tandem.vulnerabilities.feeds.osv import parse_osv_record
from tandem.vulnerabilities.models import MatchRun

KEV_MATCH_EVENT = "vulnerabilities.kev_match"
MATCHER = "matcher"


@dataclass
class MatchPlan:
    """What a pass found, computed without writing; apply_plan() stores it in one short transaction."""

    mode: str
    started_at: dt.datetime
    matches: list[feeds.Match]
    software: dict[str, Any]
    scope_software: list[uuid.UUID] | None = None  # delta: findings of these are re-evaluated
    scope_advisories: list[str] | None = None  # delta: and findings of these
    refresh_cves: set[str] = field(default_factory=set)
    kev: dict[str, feeds.KevEntry] = field(default_factory=dict)
    epss: dict[str, feeds.EpssScore] = field(default_factory=dict)
    advisories: int = 0


def _advisory(row: Any) -> feeds.CveRecord | feeds.OsvAdvisory:
    """Rebuild a matcher record from its stored row (criteria re-parsed by the pure parsers)."""
    data = row.match_data or {}
    if row.source == "osv":
        return parse_osv_record(data, row.id)
    raw = {"id": row.id, "vulnStatus": row.status, "configurations": data.get("configurations", []),
           "cisaExploitAdd": data.get("kev_added"), "cisaActionDue": data.get("kev_due")}  # fmt: skip
    record = parse_cve(raw, row.id)
    if row.cvss is None:
        return record
    metric = feeds.CvssMetric(data.get("cvss_version") or "3.1", "stored", "Primary", row.cvss_vector, row.cvss,
                              row.severity or None)  # fmt: skip
    return dataclasses.replace(record, metrics=(metric,))


def _item(row: Any) -> feeds.InventoryItem:
    return feeds.InventoryItem(
        asset_id=str(row.asset_id or row.application_id or ""), software_id=str(row.id), name=row.name,
        version=row.version, cpe=row.cpe, purl=row.purl, source=row.source,
    )  # fmt: skip


def _enrichment(session: Session) -> tuple[dict[str, feeds.KevEntry], dict[str, feeds.EpssScore]]:
    kev = {
        k.cve_id: feeds.KevEntry(
            k.cve_id, k.vendor_project, k.product, k.name, k.date_added, k.due_date, k.ransomware, k.required_action
        )
        for k in repo.kev_rows(session)
    }
    epss = {r[0]: feeds.EpssScore(r[1], r[2]) for r in repo.epss_rows(session)}
    return kev, epss


def plan_matching(session: Session, mode: str = "delta") -> MatchPlan:
    """Load advisories and software and run the matcher: everything (full) or what changed since the last pass."""
    started = utcnow()
    last = repo.last_run(session)
    kev, epss = _enrichment(session)
    all_sw = repo.software_rows(session)
    software = {str(r.id): r for r in all_sw}
    if mode == "full" or last is None:
        advs = [_advisory(r) for r in repo.advisories(session)]
        everything = feeds.Matcher(advs, kev, epss).match([_item(r) for r in all_sw])
        return MatchPlan("full", started, everything, software, kev=kev, epss=epss, advisories=len(advs))
    since = last.started_at
    changed_advs = [_advisory(r) for r in repo.advisories(session, since)]
    changed_sw = repo.software_rows(session, since)
    matches: list[feeds.Match] = []
    if changed_advs:
        matches.extend(feeds.Matcher(changed_advs, kev, epss).match([_item(r) for r in all_sw]))
    if changed_sw:
        every = [_advisory(r) for r in repo.advisories(session)]
        matches.extend(feeds.Matcher(every, kev, epss).match([_item(r) for r in changed_sw]))
    return MatchPlan(
        "delta", started, matches, software, scope_software=[r.id for r in changed_sw],
        scope_advisories=[a.id for a in changed_advs], refresh_cves=repo.changed_enrichment(session, since),
        kev=kev, epss=epss, advisories=len(changed_advs),
    )  # fmt: skip


def _rank(priority: feeds.Priority) -> str:
    tier, ransom, due, neg_pct, neg_score = priority.sort_key
    return f"{tier}|{ransom}|{due}|{1.0 + neg_pct:08.6f}|{11.0 + neg_score:06.3f}"[:60]


def _priority_values(kev: feeds.KevEntry | None, epss: feeds.EpssScore | None, cvss: float | None) -> dict[str, Any]:
    p = feeds.prioritise(kev, epss, cvss)
    return {
        "kev": kev is not None, "kev_due": kev.due_date if kev else "", "cvss": cvss,
        "epss_percentile": epss.percentile if epss else None, "priority_tier": p.tier,
        "priority_label": p.label[:100], "priority_rank": _rank(p),
    }  # fmt: skip


def _values(m: feeds.Match) -> dict[str, Any]:
    return {
        "cve_id": (m.cve_ids[0] if m.cve_ids else m.advisory_id), "cve_ids": list(m.cve_ids), "path": m.path,
        "criterion": m.criterion[:500], "range": m.range[:300], "matched_version": m.matched_version[:200],
        "steps": list(m.steps), "platform": list(m.platform), "confidence": m.confidence,
        **_priority_values(m.kev, m.epss, m.cvss),
    }  # fmt: skip


def _new_row(m: feeds.Match, sw: Any, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(), "org_unit_id": sw.org_unit_id, "software_id": sw.id, "asset_id": sw.asset_id,
        "application_id": sw.application_id, "component": f"{sw.name} {sw.version}".strip()[:400],
        "advisory_id": m.advisory_id, "status": "open", "status_reason": "", "status_by": "", "status_at": None,
        "first_seen_at": now, "last_seen_at": now, "created_at": now, "updated_at": now, **_values(m),
    }  # fmt: skip


def apply_plan(session: Session, plan: MatchPlan) -> dict[str, Any]:
    """Store a plan: insert new findings, refresh known ones, close ones that no longer match, publish KEV hits."""
    now = utcnow()
    full = plan.mode == "full"
    existing = repo.finding_keys(
        session, None if full else plan.scope_software, None if full else plan.scope_advisories
    )
    new_rows, updates, kev_new, seen = [], [], [], set()
    for m in plan.matches:
        sw = plan.software[m.item.software_id]
        key = (sw.id, m.advisory_id)
        if key in seen:
            continue
        seen.add(key)
        if key not in existing:
            row = _new_row(m, sw, now)
            new_rows.append(row)
            if row["kev"]:
                kev_new.append(row["id"])
            continue
        fid, status, was_kev, status_by = existing[key]
        update = {"b_id": fid, **_values(m), "last_seen_at": now, "updated_at": now}
        reopen = status == "fixed" and status_by == MATCHER
        update.update(status="open" if reopen else status, status_by="" if reopen else status_by)
        updates.append(update)
        if update["kev"] and not was_kev:
            kev_new.append(fid)
    closed = [
        {
            "b_id": fid,
            "status": "fixed",
            "status_by": MATCHER,
            "status_at": now,
            "updated_at": now,
            "status_reason": "no longer matches: the software or the advisory changed",
        }
        for key, (fid, status, _kev, _by) in existing.items()
        if key not in seen and status == "open"
    ]
    repo.insert_findings(session, new_rows)
    repo.update_findings(session, updates)
    repo.update_findings(session, closed)
    kev_new.extend(_refresh(session, plan, seen))
    run = MatchRun(mode=plan.mode, started_at=plan.started_at, advisories=plan.advisories, items=len(plan.software),
                   found=len(seen), new=len(new_rows), closed=len(closed))  # fmt: skip
    session.add(run)
    session.flush()
    result = {
        "mode": plan.mode,
        "found": len(seen),
        "new": len(new_rows),
        "closed": len(closed),
        "kev_new": len(kev_new),
    }
    record_event(session, "vulnerabilities.matched", MatchRun.__tablename__, str(run.id), result)
    if kev_new:
        events.publish(KEV_MATCH_EVENT, session, finding_ids=[str(f) for f in kev_new])
    return result


def _refresh(session: Session, plan: MatchPlan, seen: set[tuple[uuid.UUID, str]]) -> list[uuid.UUID]:
    """Re-rank findings whose KEV or EPSS data changed; return those that just became KEV."""
    became_kev: list[uuid.UUID] = []
    updates = []
    for f in repo.findings_for_cves(session, sorted(plan.refresh_cves)):
        if (f.software_id, f.advisory_id) in seen:
            continue
        kev = next((plan.kev[c] for c in f.cve_ids or [f.cve_id] if c in plan.kev), None)
        scores = [plan.epss[c] for c in f.cve_ids or [f.cve_id] if c in plan.epss]
        values = _priority_values(kev, max(scores, key=lambda s: s.percentile, default=None), f.cvss)
        if kev is not None and not f.kev:
            became_kev.append(f.id)
        updates.append({"b_id": f.id, **values})
    repo.update_findings(session, updates)
    return became_kev


def match_now(session: Session, mode: str = "delta") -> dict[str, Any]:
    """Plan and apply a pass in the caller's transaction (demo, tests, small inventories)."""
    return apply_plan(session, plan_matching(session, mode))
