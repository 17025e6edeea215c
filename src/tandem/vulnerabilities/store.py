"""Storing a match pass per software version: link items to their versions, upsert (version, advisory) matches,
close what no longer matches, keep triage and first-seen of items that moved to another version, publish KEV hits.

Asset-level findings are never written here: `findings_view.Finding` expands the stored matches when read."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from tandem.platform import events
from tandem.platform.audit.writer import record_event
from tandem.platform.db.types import utcnow
from tandem.vulnerabilities import feeds
from tandem.vulnerabilities import matches_repository as mrepo
from tandem.vulnerabilities.findings_view import CLOSED_REASON, MATCHER, pack_id
from tandem.vulnerabilities.models import MatchRun, SoftwareLink, Triage, VersionMatch

if TYPE_CHECKING:
    from tandem.vulnerabilities.matching import MatchPlan

KEV_MATCH_EVENT = "vulnerabilities.kev_match"
Key = tuple[int, str]  # (version id, advisory id)
Move = tuple[uuid.UUID, int | None, Any]  # (software id, old version id, old linked_at)
Items = AbstractSet[uuid.UUID]  # read-only: one set object may stand for many (version, advisory) pairs


def rank(priority: feeds.Priority) -> str:
    """Return the priority as a string that sorts like its sort key."""
    tier, ransom, due, neg_pct, neg_score = priority.sort_key
    return f"{tier}|{ransom}|{due}|{1.0 + neg_pct:08.6f}|{11.0 + neg_score:06.3f}"[:60]


def priority_values(kev: feeds.KevEntry | None, epss: feeds.EpssScore | None, cvss: float | None) -> dict[str, Any]:
    """Return the stored priority columns of a match."""
    p = feeds.prioritise(kev, epss, cvss)
    return {
        "kev": kev is not None, "kev_due": kev.due_date if kev else "", "cvss": cvss,
        "epss_percentile": epss.percentile if epss else None, "priority_tier": p.tier,
        "priority_label": p.label[:100], "priority_rank": rank(p),
    }  # fmt: skip


def match_values(m: feeds.Match) -> dict[str, Any]:
    """Return the stored explanation and priority of a match."""
    return {
        "cve_id": (m.cve_ids[0] if m.cve_ids else m.advisory_id), "cve_ids": list(m.cve_ids), "path": m.path,
        "criterion": m.criterion[:500], "range": m.range[:300], "matched_version": m.matched_version[:200],
        "steps": list(m.steps), "platform": list(m.platform), "confidence": m.confidence,
        **priority_values(m.kev, m.epss, m.cvss),
    }  # fmt: skip


class _Pass:
    """One pass being stored: the plan, the time, what moved and what is new."""

    def __init__(self, session: Session, plan: MatchPlan) -> None:
        self.session, self.plan, self.now = session, plan, utcnow()
        self.full = plan.mode == "full"
        self.new_items: set[uuid.UUID] = set()
        self.moves: list[Move] = []
        self.kev_pairs: set[tuple[uuid.UUID, Key]] = set()
        self.new = self.closed = 0

    def link(self) -> dict[uuid.UUID, int | None]:
        """Point every item in scope at its version; remember the items that moved."""
        plan, now = self.plan, self.now
        identities = {i.key_hash: i.text for i in plan.identities.values() if i is not None}
        ids = mrepo.ensure_versions(self.session, identities, now)
        target = {row.id: (ids[i.key_hash] if (i := plan.identities[key]) else None)
                  for key, row in plan.software.items()}  # fmt: skip
        current = mrepo.links(self.session, None if self.full else list(plan.scope_software or []))
        scope = set(target) | set(current) if self.full else set(plan.scope_software or [])
        inserts, updates = [], []
        for sw in scope:
            version, cur = target.get(sw), current.get(sw)
            if cur is None:
                if version is not None:
                    inserts.append({"software_id": sw, "version_id": version, "linked_at": now})
                    self.new_items.add(sw)
            elif cur[1] != version:
                updates.append({"b_key": cur[0], "version_id": version, "linked_at": now})
                self.moves.append((sw, cur[1], cur[2]))
                self.new_items.add(sw)
        self.before = self._carried()
        mrepo.insert_rows(self.session, SoftwareLink, inserts)
        mrepo.update_rows(self.session, SoftwareLink, updates)
        return target

    def _carried(self) -> dict[uuid.UUID, dict[str, Any]]:
        """Return {moved item: {advisory: match row}} of what each moved item carried on its old version."""
        olds = {v for _, v, _ in self.moves if v is not None}
        rows = mrepo.version_matches(self.session, sorted(olds), None) if olds else {}
        hits = mrepo.scoped_hits(self.session, [r.id for r in rows.values() if r.scoped])
        by_version: dict[int, list[Any]] = defaultdict(list)
        for (v, _adv), r in rows.items():
            by_version[v].append(r)
        return {
            sw: {r.advisory_id: r for r in by_version.get(v or -1, []) if not r.scoped or (r.id, sw) in hits}
            for sw, v, _ in self.moves
        }

    def store(self, target: dict[uuid.UUID, int | None]) -> dict[Key, Items]:
        """Upsert this pass's version matches, close the ones in scope that no longer match."""
        plan, now = self.plan, self.now
        grouped: dict[Key, tuple[feeds.Match, Items]] = {}
        # A version's direct hits share its item tuple: one frozen set per version, not one per (version, CVE).
        shared: dict[tuple[int, int], Items] = {}
        for found in plan.found:
            for group in found.groups:
                members = shared.get((id(found), id(group.items)))
                if members is None:
                    members = shared[(id(found), id(group.items))] = frozenset(found.members(group))
                # Every item of a group shares its software version: any one's link says which.
                version = target.get(next(iter(members)))
                if version is None:
                    continue
                key = (version, group.match.advisory_id)
                first = grouped.get(key)
                grouped[key] = (group.match, members) if first is None else (first[0], first[1] | members)
        if self.full:
            existing = mrepo.version_matches(self.session, None, None)
        else:
            versions = [v for sw, v in target.items() if v is not None and self._touched(sw)]
            existing = mrepo.version_matches(self.session, versions, plan.scope_advisories or [])
        items_of = mrepo.items_of_versions(self.session, {v for v, _ in grouped})
        inserts, updates, scoped = [], [], {}
        for key, (m, items) in grouped.items():
            values = {**match_values(m), "active": True, "last_seen_at": now, "closed_at": None,
                      "scoped": items != items_of.get(key[0], set())}  # fmt: skip
            if values["scoped"]:
                scoped[key] = items
            old = existing.get(key)
            fresh = items if old is None else set()
            if old is not None and old.active:
                fresh = {sw for sw in items & self.new_items if key[1] not in self.before.get(sw, {})}
            self.new += len(fresh)
            if values["kev"]:
                kev_items = items if old is None or not old.kev else fresh
                self.kev_pairs.update((sw, key) for sw in kev_items)
            if old is None:
                inserts.append({"version_id": key[0], "advisory_id": key[1], "first_seen_at": now, **values})
            else:
                updates.append({"b_key": old.id, **values})
        closing = [(k, r) for k, r in existing.items() if k not in grouped and r.active]
        closed_items = mrepo.items_of_versions(self.session, {k[0] for k, _ in closing})
        self.closed += sum(len(closed_items.get(k[0], ())) for k, _ in closing)
        updates_closed = [{"b_key": r.id, "active": False, "closed_at": now} for _, r in closing]
        mrepo.insert_rows(self.session, VersionMatch, inserts)
        mrepo.update_rows(self.session, VersionMatch, updates)
        mrepo.update_rows(self.session, VersionMatch, updates_closed)
        self.match_id = {k: r.id for k, r in existing.items()}
        self.match_id.update(mrepo.match_ids(self.session, [(r["version_id"], r["advisory_id"]) for r in inserts]))
        hits = [{"match_id": self.match_id[k], "software_id": sw} for k, items in scoped.items() for sw in items]
        redo = [self.match_id[k] for k in grouped] + [r.id for _, r in closing]
        mrepo.replace_scoped_hits(self.session, redo, hits)
        return {k: items for k, (_, items) in grouped.items()}

    def _touched(self, sw: uuid.UUID) -> bool:
        ident = self.plan.identities.get(str(sw))
        return ident is not None and ident.key_hash in (self.plan.scope_versions or set())

    def retire(self, carried: dict[Key, Items], target: dict[uuid.UUID, int | None]) -> None:
        """Close findings of items that left a version (keeping decisions) and carry first-seen across moves."""
        if not self.moves:
            return
        moved = {sw for sw, _, _ in self.moves}
        after: dict[uuid.UUID, set[str]] = defaultdict(set)
        for (_v, adv), items in carried.items():
            for sw in items & moved:
                after[sw].add(adv)
        triage = mrepo.triage_rows(self.session, sorted(moved))
        units = mrepo.org_units(self.session, sorted(moved))
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for sw, old_v, linked_at in self.moves:
            for adv, row in self.before.get(sw, {}).items():
                t = triage.get((sw, adv))
                first = t.first_seen_at if t is not None and t.first_seen_at else max(row.first_seen_at, linked_at)
                if adv in after[sw]:
                    values = {"version_id": target.get(sw), "first_seen_at": first}
                else:
                    values = {"version_id": old_v, "first_seen_at": first, "last_seen_at": row.last_seen_at}
                    if t is None or t.status == "open" or t.status_by == MATCHER:
                        values.update(status="fixed", status_by=MATCHER, status_reason=CLOSED_REASON,
                                      status_at=self.now if row.active else row.closed_at)  # fmt: skip
                        self.closed += 1 if row.active else 0
                if t is not None:
                    updates.append({"b_key": t.id, **values})
                else:
                    inserts.append(self._triage_row(sw, adv, units.get(sw), values))
        mrepo.insert_rows(self.session, Triage, inserts)
        for row in updates:  # rows differ in their columns
            mrepo.update_rows(self.session, Triage, [row])

    def _triage_row(self, sw: uuid.UUID, adv: str, unit: uuid.UUID | None, values: dict[str, Any]) -> dict[str, Any]:
        base = {"id": uuid.uuid4(), "org_unit_id": unit, "software_id": sw, "advisory_id": adv, "status": "open",
                "status_reason": "", "status_by": "", "status_at": None, "first_seen_at": None,
                "last_seen_at": None, "created_at": self.now, "updated_at": self.now}  # fmt: skip
        return {**base, **values}

    def refresh(self, carried: dict[Key, Items]) -> list[int]:
        """Re-rank matches whose KEV or EPSS data changed; return those that just became KEV."""
        plan = self.plan
        became: list[int] = []
        updates = []
        for r in mrepo.matches_for_cves(self.session, sorted(plan.refresh_cves)):
            if (r.version_id, r.advisory_id) in carried:
                continue
            cves = r.cve_ids or [r.cve_id]
            kev = next((plan.kev[c] for c in cves if c in plan.kev), None)
            scores = [plan.epss[c] for c in cves if c in plan.epss]
            values = priority_values(kev, max(scores, key=lambda s: s.percentile, default=None), r.cvss)
            if kev is not None and not r.kev:
                became.append(r.id)
            updates.append({"b_key": r.id, **values})
        mrepo.update_rows(self.session, VersionMatch, updates)
        return became

    def kev_finding_ids(self, became: list[int]) -> list[str]:
        """Return the ids of asset-level findings that are new KEV findings after this pass."""
        if not self.kev_pairs and not became:
            return []
        link_of = mrepo.links(self.session, sorted({sw for sw, _ in self.kev_pairs}))
        ids = {pack_id(link_of[sw][0], self.match_id[key]) for sw, key in self.kev_pairs if sw in link_of}
        ids.update(mrepo.finding_ids_of_matches(self.session, became))
        return sorted(str(i) for i in ids)


def apply_plan(session: Session, plan: MatchPlan) -> dict[str, Any]:
    """Store a plan per software version, close what no longer matches, and publish new KEV findings."""
    run = _Pass(session, plan)
    target = run.link()
    carried = run.store(target)
    run.retire(carried, target)
    kev_new = run.kev_finding_ids(run.refresh(carried))
    found = sum(len(items) for items in carried.values())
    record = MatchRun(mode=plan.mode, started_at=plan.started_at, advisories=plan.advisories,
                      items=len(plan.software), found=found, new=run.new, closed=run.closed)  # fmt: skip
    session.add(record)
    session.flush()
    mrepo.refresh_statistics(session)
    result = {"mode": plan.mode, "found": found, "new": run.new, "closed": run.closed, "kev_new": len(kev_new),
              "version_matches": len(carried)}  # fmt: skip
    record_event(session, "vulnerabilities.matched", MatchRun.__tablename__, str(record.id), result)
    if kev_new:
        events.publish(KEV_MATCH_EVENT, session, finding_ids=kev_new)
    return result
