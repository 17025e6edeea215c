"""Match inventory items against NVD records (CPE path) and OSV advisories (purl path), explained and ranked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .aliases import AliasTable
from .configs import ConfigHit, applicable_hits
from .cpe_index import CpeIndex, InventoryGroup, Key, group_targets
from .epss import EpssScore, EpssSnapshot
from .inventory import CpeTarget, InventoryItem, PackageRef, cpe_target, package_ref
from .kev import KevCatalog, KevEntry
from .nvd import CveRecord
from .osv import OsvAdvisory
from .osv_index import OsvIndex, PackageHit
from .priority import Priority, prioritise

# Base confidence per path: ecosystem-native package data is near-certain, CPE matching is heuristic.
CONFIDENCE_PURL = 0.95
CONFIDENCE_CPE_EXACT = 0.8
CONFIDENCE_CPE_RANGE = 0.7
DISTRO_PENALTY = 0.5

Advisory = CveRecord | OsvAdvisory


@dataclass(frozen=True, slots=True)
class Match:
    """One finding: which item, which advisory, why (criterion, range, normalisation), and how urgent."""

    item: InventoryItem
    advisory_id: str
    cve_ids: tuple[str, ...]
    path: str
    criterion: str
    range: str
    matched_version: str
    steps: tuple[str, ...]
    platform: tuple[str, ...]
    confidence: float
    cvss: float | None
    kev: KevEntry | None
    epss: EpssScore | None
    priority: Priority
    suppressed: str | None = None


@dataclass(frozen=True, slots=True)
class PreparedInventory:
    """Items normalised once: CPE targets grouped by index key, and package coordinates."""

    items: tuple[InventoryItem, ...]
    groups: dict[Key, InventoryGroup]
    packages: dict[int, PackageRef]


class Matcher:
    """Both indexes plus KEV/EPSS enrichment; build once, match many inventories."""

    def __init__(
        self,
        advisories: Iterable[Advisory],
        kev: KevCatalog | Mapping[str, KevEntry] | None = None,
        epss: EpssSnapshot | Mapping[str, EpssScore] | None = None,
        aliases: AliasTable | None = None,
    ) -> None:
        records: list[CveRecord] = []
        osv: list[OsvAdvisory] = []
        for adv in advisories:
            if isinstance(adv, CveRecord):
                records.append(adv)
            else:
                osv.append(adv)
        self.aliases = aliases or AliasTable()
        self.cpe = CpeIndex(records, self.aliases)
        self.osv = OsvIndex(osv)
        self.kev: Mapping[str, KevEntry] = kev.entries if isinstance(kev, KevCatalog) else (kev or {})
        self.epss: Mapping[str, EpssScore] = epss.scores if isinstance(epss, EpssSnapshot) else (epss or {})

    def prepare(self, items: Sequence[InventoryItem]) -> PreparedInventory:
        """Normalise items: CPE targets (aliases, version split, distro builds) and purl coordinates."""
        targets = [t for i, item in enumerate(items) if (t := cpe_target(i, item, self.aliases)) is not None]
        packages = {i: ref for i, item in enumerate(items) if (ref := package_ref(i, item)) is not None}
        return PreparedInventory(tuple(items), group_targets(targets), packages)

    def match(self, items: Sequence[InventoryItem], keep_suppressed: bool = False) -> list[Match]:
        """Match items on both paths; distro-fixed CPE findings are dropped unless `keep_suppressed`."""
        return self.match_prepared(self.prepare(items), keep_suppressed)

    def match_prepared(self, inv: PreparedInventory, keep_suppressed: bool = False) -> list[Match]:
        """Match an already prepared inventory and return findings sorted by priority."""
        found: dict[tuple[str, str], Match] = {}
        covered: set[tuple[str, str]] = set()
        for index, ref in inv.packages.items():
            for hit in self.osv.hits(ref):
                m = self._package_match(inv.items[index], ref, hit)
                found.setdefault((m.item.software_id, m.advisory_id), m)
                covered.update((m.item.software_id, c) for c in m.cve_ids)
        for cve_id, hits in self.cpe.hits(inv.groups).items():
            record = self.cpe.records[cve_id]
            for ch in applicable_hits(record, hits, inv.items):
                item = inv.items[ch.hit.target.index]
                key = (item.software_id, cve_id)
                if key in found or key in covered:
                    continue
                m = self._cpe_match(item, record, ch, inv.packages.get(ch.hit.target.index))
                if m.suppressed is None or keep_suppressed:
                    found[key] = m
        return sorted(found.values(), key=lambda m: (m.priority.sort_key, m.item.software_id, m.advisory_id))

    def _enrich(self, cve_ids: Sequence[str], record: CveRecord | None) -> tuple[KevEntry | None, EpssScore | None]:
        kev = next((self.kev[c] for c in cve_ids if c in self.kev), None)
        if kev is None and record is not None and record.kev_added:
            # NVD copies KEV membership into the record; use it when no catalogue snapshot was given.
            kev = KevEntry(record.id, "", "", "", record.kev_added, record.kev_due or "", False, "")
        scores = [self.epss[c] for c in cve_ids if c in self.epss]
        return kev, max(scores, key=lambda s: s.percentile, default=None)

    def _cpe_match(self, item: InventoryItem, record: CveRecord, ch: ConfigHit, ref: PackageRef | None) -> Match:
        crit = ch.hit.criterion.criterion
        target: CpeTarget = ch.hit.target
        steps = list(target.steps)
        confidence = CONFIDENCE_CPE_RANGE if crit.has_range or crit.cpe.version == "*" else CONFIDENCE_CPE_EXACT
        if target.distro:
            confidence *= DISTRO_PENALTY
        suppressed = None
        verdict = self.osv.distro_verdict(ref, record.id) if ref is not None else None
        if verdict is not None and not verdict[0]:
            suppressed = f"not affected per distro advisory {verdict[1]} (fix backported into {ref.version})"  # type: ignore[union-attr]
        kev, epss = self._enrich((record.id,), record)
        metric = record.best_cvss()
        cvss = metric.base_score if metric else None
        return Match(
            item=item,
            advisory_id=record.id,
            cve_ids=(record.id,),
            path="cpe",
            criterion=crit.criteria,
            range=crit.describe_range() or ("every version" if crit.cpe.version == "*" else "exact version"),
            matched_version=target.range_version,
            steps=tuple(steps),
            platform=ch.platform,
            confidence=round(confidence * item.confidence, 3),
            cvss=cvss,
            kev=kev,
            epss=epss,
            priority=prioritise(kev, epss, cvss),
            suppressed=suppressed,
        )

    def _package_match(self, item: InventoryItem, ref: PackageRef, hit: PackageHit) -> Match:
        cve_ids = hit.advisory.cve_ids
        record = next((self.cpe.records[c] for c in cve_ids if c in self.cpe.records), None)
        kev, epss = self._enrich(cve_ids, record)
        metric = record.best_cvss() if record else None
        cvss = metric.base_score if metric else None
        return Match(
            item=item,
            advisory_id=hit.advisory.id,
            cve_ids=cve_ids,
            path="purl",
            criterion=f"{hit.affected.ecosystem}:{hit.affected.name}",
            range=hit.reason,
            matched_version=ref.version,
            steps=(f"purl → {ref.family}:{ref.name}@{ref.version}",),
            platform=(),
            confidence=round(CONFIDENCE_PURL * item.confidence, 3),
            cvss=cvss,
            kev=kev,
            epss=epss,
            priority=prioritise(kev, epss, cvss),
        )


def match(
    inventory_items: Sequence[InventoryItem],
    advisories: Iterable[Advisory],
    kev: KevCatalog | Mapping[str, KevEntry] | None = None,
    epss: EpssSnapshot | Mapping[str, EpssScore] | None = None,
    aliases: AliasTable | None = None,
    keep_suppressed: bool = False,
) -> list[Match]:
    """Match inventory items against NVD records and OSV advisories; each Match says why and how urgent."""
    return Matcher(advisories, kev, epss, aliases).match(inventory_items, keep_suppressed)
