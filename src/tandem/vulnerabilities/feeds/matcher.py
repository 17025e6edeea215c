"""Match inventory items against NVD records (CPE path) and OSV advisories (purl path), explained and ranked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tandem.platform.safety.gcpause import gc_paused

from .aliases import AliasTable
from .cpe_table import CriteriaTable
from .epss import EpssScore, EpssSnapshot
from .inventory import CpeTarget, InventoryItem, PackageRef, package_ref
from .kev import KevCatalog, KevEntry
from .nvd import CveRecord
from .osv import OsvAdvisory
from .osv_index import OsvIndex, PackageHit
from .priority import Priority, prioritise
from .versions_matched import InventoryVersions, VersionMatches, group_versions, match_versions

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
class GroupMatch:
    """One finding shared by several items: a CPE hit on a software version (every item of the version, or those
    on the assets a configuration holds for), or one item's own match on the package path. `match` is explained
    on the first of `items` (indices into the matched item list)."""

    match: Match
    items: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PreparedInventory:
    """Items normalised once: distinct CPE software versions (with their items) and package coordinates."""

    items: tuple[InventoryItem, ...]
    versions: InventoryVersions
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
        self.cpe = CriteriaTable(records, self.aliases)
        self.osv = OsvIndex(osv)
        self.kev: Mapping[str, KevEntry] = kev.entries if isinstance(kev, KevCatalog) else (kev or {})
        self.epss: Mapping[str, EpssScore] = epss.scores if isinstance(epss, EpssSnapshot) else (epss or {})
        self._explanations = _Explanations(self)

    def prepare(self, items: Sequence[InventoryItem]) -> PreparedInventory:
        """Normalise items: CPE software versions (aliases, version split, distro builds) and purl coordinates."""
        packages = {i: ref for i, item in enumerate(items) if (ref := package_ref(i, item)) is not None}
        return PreparedInventory(tuple(items), group_versions(items, self.aliases), packages)

    def match(self, items: Sequence[InventoryItem], keep_suppressed: bool = False) -> list[Match]:
        """Match items on both paths; distro-fixed CPE findings are dropped unless `keep_suppressed`."""
        return self.match_prepared(self.prepare(items), keep_suppressed)

    def match_versions(self, inv: PreparedInventory) -> VersionMatches:
        """Run the CPE path per distinct software version; expand the result to items only when needed."""
        return match_versions(self.cpe, inv.versions)

    def match_prepared(self, inv: PreparedInventory, keep_suppressed: bool = False) -> list[Match]:
        """Match an already prepared inventory and return findings sorted by priority."""
        with gc_paused():
            return self._match_prepared(inv, keep_suppressed)

    def _match_prepared(self, inv: PreparedInventory, keep_suppressed: bool) -> list[Match]:
        found: dict[tuple[str, str], Match] = {}
        covered: set[tuple[str, str]] = set()
        for index, ref in inv.packages.items():
            for hit in self.osv.hits(ref):
                m = self._package_match(inv.items[index], ref, hit)
                found.setdefault((m.item.software_id, m.advisory_id), m)
                covered.update((m.item.software_id, c) for c in m.cve_ids)
        versions = inv.versions.versions
        explain = self._explanations
        for index, version, crit, platform in self.match_versions(inv).expand():
            item = inv.items[index]
            why = explain.criterion(crit)
            key = (item.software_id, why.record.id)
            if key in found or key in covered:
                continue
            m = self._cpe_match(item, why, versions[version].target, platform, inv.packages.get(index))
            if m.suppressed is None or keep_suppressed:
                found[key] = m
        return sorted(found.values(), key=lambda m: (m.priority.sort_key, m.item.software_id, m.advisory_id))

    def match_grouped(self, items: Sequence[InventoryItem]) -> list[GroupMatch]:
        """Match items and return one explained finding per (software version, advisory) hit instead of one per
        item: a full pass then builds as many matches as distinct hits, not as items. Items with a package URL are
        matched one by one (OSV coverage and distro verdicts depend on the item's package); suppressed CPE
        findings are dropped, as in `match`."""
        with gc_paused():
            inv = self.prepare(items)
            return self._match_grouped(inv)

    def _match_grouped(self, inv: PreparedInventory) -> list[GroupMatch]:
        own: dict[tuple[int, str], Match] = {}
        covered: set[tuple[int, str]] = set()
        for index, ref in inv.packages.items():
            for hit in self.osv.hits(ref):
                m = self._package_match(inv.items[index], ref, hit)
                own.setdefault((index, m.advisory_id), m)
                covered.update((index, c) for c in m.cve_ids)
        groups: dict[tuple[int, str], tuple[Match, tuple[int, ...]]] = {}
        versions, packages = inv.versions.versions, inv.packages
        for version, crit, platform, members in self.match_versions(inv).version_hits():
            why = self._explanations.criterion(crit)
            target, rec = versions[version].target, why.record.id
            plain = members if not packages else tuple(i for i in members if i not in packages)
            for index in members if packages else ():
                key = (index, rec)
                if index in packages and key not in own and key not in covered:
                    m = self._cpe_match(inv.items[index], why, target, platform, packages[index])
                    if m.suppressed is None:
                        own[key] = m
            if not plain:
                continue
            found = groups.get((version, rec))
            if found is None:  # the first hit of a (version, record) explains it, as per item
                m = self._cpe_match(inv.items[plain[0]], why, target, platform, None)
                groups[(version, rec)] = (m, plain)
            else:
                have = set(found[1])
                groups[(version, rec)] = (found[0], found[1] + tuple(i for i in plain if i not in have))
        out = [GroupMatch(m, members) for m, members in groups.values()]
        out.extend(GroupMatch(m, (index,)) for (index, _), m in own.items())
        return sorted(out, key=lambda g: (g.match.priority.sort_key, g.match.item.software_id, g.match.advisory_id))

    def _enrich(self, cve_ids: Sequence[str], record: CveRecord | None) -> tuple[KevEntry | None, EpssScore | None]:
        kev = next((self.kev[c] for c in cve_ids if c in self.kev), None)
        if kev is None and record is not None and record.kev_added:
            # NVD copies KEV membership into the record; use it when no catalogue snapshot was given.
            kev = KevEntry(record.id, "", "", "", record.kev_added, record.kev_due or "", False, "")
        scores = [self.epss[c] for c in cve_ids if c in self.epss]
        return kev, max(scores, key=lambda s: s.percentile, default=None)

    def _cpe_match(
        self, item: InventoryItem, why: _Why, target: CpeTarget, platform: tuple[str, ...], ref: PackageRef | None
    ) -> Match:
        confidence = why.confidence * DISTRO_PENALTY if target.distro else why.confidence
        suppressed = None
        verdict = self.osv.distro_verdict(ref, why.record.id) if ref is not None else None
        if verdict is not None and not verdict[0]:
            suppressed = f"not affected per distro advisory {verdict[1]} (fix backported into {ref.version})"  # type: ignore[union-attr]
        return Match(
            item=item,
            advisory_id=why.record.id,
            cve_ids=(why.record.id,),
            path="cpe",
            criterion=why.criterion,
            range=why.range,
            matched_version=target.range_version,
            steps=target.steps,
            platform=platform,
            confidence=round(confidence * item.confidence, 3),
            cvss=why.cvss,
            kev=why.kev,
            epss=why.epss,
            priority=why.priority,
            suppressed=suppressed,
        )

    def _package_match(self, item: InventoryItem, ref: PackageRef, hit: PackageHit) -> Match:
        cve_ids = hit.advisory.cve_ids
        index = self.cpe.record_index
        record = next((self.cpe.records[index[c]] for c in cve_ids if c in index), None)
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


@dataclass(frozen=True, slots=True)
class _Why:
    """What every finding of one criterion shares: the record, the criterion and bound, the ranking."""

    record: CveRecord
    criterion: str
    range: str
    confidence: float
    cvss: float | None
    kev: KevEntry | None
    epss: EpssScore | None
    priority: Priority


class _Explanations:
    """Build each criterion's explanation once per matcher: a hot version fans one hit out to thousands of items,
    and hot criteria recur across one-asset requests (KEV and EPSS are fixed for a matcher's lifetime)."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self.by_criterion: dict[int, _Why] = {}
        self.by_record: dict[int, tuple[KevEntry | None, EpssScore | None, float | None, Priority]] = {}

    def criterion(self, index: int) -> _Why:
        why = self.by_criterion.get(index)
        if why is None:
            table = self.matcher.cpe
            r = int(table.rec[index])
            record, crit = table.records[r], table.criteria[index]
            kev, epss, cvss, priority = self._record(r, record)
            ranged = crit.has_range or crit.cpe.version == "*"
            why = self.by_criterion[index] = _Why(
                record,
                crit.criteria,
                crit.describe_range() or ("every version" if crit.cpe.version == "*" else "exact version"),
                CONFIDENCE_CPE_RANGE if ranged else CONFIDENCE_CPE_EXACT,
                cvss,
                kev,
                epss,
                priority,
            )
        return why

    def _record(self, r: int, record: CveRecord) -> tuple[KevEntry | None, EpssScore | None, float | None, Priority]:
        facts = self.by_record.get(r)
        if facts is None:
            kev, epss = self.matcher._enrich((record.id,), record)
            metric = record.best_cvss()
            cvss = metric.base_score if metric else None
            facts = self.by_record[r] = (kev, epss, cvss, prioritise(kev, epss, cvss))
        return facts


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
