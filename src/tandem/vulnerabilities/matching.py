"""Matching the inventory's software against stored advisories with the pure matcher; full or delta passes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.db.types import utcnow
from tandem.vulnerabilities import feeds
from tandem.vulnerabilities import matches_repository as mrepo
from tandem.vulnerabilities import repository as repo
from tandem.vulnerabilities.feeds.nvd import parse_cve
from tandem.vulnerabilities.feeds.osv import parse_osv_record
from tandem.vulnerabilities.findings_view import MATCHER
from tandem.vulnerabilities.identities import Identities, Identity
from tandem.vulnerabilities.store import KEV_MATCH_EVENT, apply_plan

__all__ = ["KEV_MATCH_EVENT", "MATCHER", "Found", "MatchPlan", "apply_plan", "match_now", "plan_matching"]


@dataclass
class Found:
    """One matcher call's findings, one per (software version, advisory) hit, and the ids of the software rows
    their item indices point at (shared by every group: nothing per item is copied)."""

    groups: list[feeds.GroupMatch]
    software_ids: list[uuid.UUID]

    def members(self, group: feeds.GroupMatch) -> list[uuid.UUID]:
        """Return the software ids a group's finding holds for."""
        ids = self.software_ids
        return [ids[i] for i in group.items]


def find(matcher: feeds.Matcher, rows: Sequence[Any]) -> Found:
    """Match software rows and keep the result per software version."""
    return Found(matcher.match_grouped([_item(r) for r in rows]), [r.id for r in rows])


@dataclass
class MatchPlan:
    """What a pass found, computed without writing; apply_plan() stores it in one short transaction."""

    mode: str
    started_at: dt.datetime
    found: list[Found]
    software: dict[str, Any]
    identities: dict[str, Identity | None]
    scope_software: list[uuid.UUID] | None = None  # delta: items created or changed (their links are redone)
    scope_versions: set[str] | None = None  # delta: versions (key hashes) matched against every advisory
    scope_advisories: list[str] | None = None  # delta: advisories matched against every version
    refresh_cves: set[str] = field(default_factory=set)
    kev: dict[str, feeds.KevEntry] = field(default_factory=dict)
    epss: dict[str, feeds.EpssScore] = field(default_factory=dict)
    advisories: int = 0

    @property
    def match_count(self) -> int:
        """Return how many (software version, advisory) findings the pass holds."""
        return sum(len(f.groups) for f in self.found)


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
    identities = Identities()
    ident = {str(r.id): identities.of(r) for r in all_sw}
    if mode == "full" or last is None:
        advs = [_advisory(r) for r in repo.advisories(session)]
        everything = find(feeds.Matcher(advs, kev, epss), all_sw)
        return MatchPlan("full", started, [everything], software, ident, kev=kev, epss=epss, advisories=len(advs))
    since = last.started_at
    changed_advs = [_advisory(r) for r in repo.advisories(session, since)]
    changed_ids = mrepo.changed_software(session, since)
    # Every item of a touched version is matched again, so each stored (version, advisory) sees all its items.
    keys = {i.key_hash for s in changed_ids if (i := ident.get(str(s))) is not None}
    touched = [r for r in all_sw if (i := ident[str(r.id)]) is not None and i.key_hash in keys]
    matches: list[Found] = []
    if changed_advs:
        matches.append(find(feeds.Matcher(changed_advs, kev, epss), all_sw))
    if touched:
        every = [_advisory(r) for r in repo.advisories(session)]
        matches.append(find(feeds.Matcher(every, kev, epss), touched))
    return MatchPlan(
        "delta", started, matches, software, ident, scope_software=changed_ids, scope_versions=keys,
        scope_advisories=[a.id for a in changed_advs], refresh_cves=repo.changed_enrichment(session, since),
        kev=kev, epss=epss, advisories=len(changed_advs),
    )  # fmt: skip


def match_now(session: Session, mode: str = "delta") -> dict[str, Any]:
    """Plan and apply a pass in the caller's transaction (demo, tests, small inventories)."""
    return apply_plan(session, plan_matching(session, mode))
