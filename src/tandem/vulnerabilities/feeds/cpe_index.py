"""CPE path: NVD criteria indexed by (part, vendor, product), inventory versions bisected per criterion."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .aliases import AliasTable
from .cpe import ANY, ATTRIBUTES, NA, Cpe, has_wildcard, name_matches, unescape
from .inventory import CpeTarget
from .nvd import CpeCriterion, CveRecord
from .versions import VersionKey, version_key

Key = tuple[str, str, str]
_REST = frozenset(ATTRIBUTES[:4])  # part/vendor/product come from the index, version from the bisect


@dataclass(frozen=True, slots=True)
class IndexedCriterion:
    """A criterion with its position in the record and bounds turned into sortable keys at ingest."""

    cve_id: str
    config: int
    node: int
    position: int
    criterion: CpeCriterion
    lower: VersionKey | None
    lower_inclusive: bool
    upper: VersionKey | None
    upper_inclusive: bool
    rest_any: bool


@dataclass(frozen=True, slots=True)
class CriterionHit:
    """A criterion satisfied by one normalised inventory target."""

    criterion: IndexedCriterion
    target: CpeTarget


@dataclass
class InventoryGroup:
    """The targets sharing one (part, vendor, product), with distinct versions sorted by key."""

    keys: list[VersionKey] = field(default_factory=list)
    targets: list[list[CpeTarget]] = field(default_factory=list)
    na: list[CpeTarget] = field(default_factory=list)
    # Literal criteria (`openssh:8.5:p1`) compare the split version; the update is checked with the rest.
    by_version: dict[VersionKey, list[CpeTarget]] = field(default_factory=dict)


def group_targets(targets: Iterable[CpeTarget]) -> dict[Key, InventoryGroup]:
    """Group targets by index key and sort each group's distinct versions once."""
    raw: dict[Key, dict[VersionKey, list[CpeTarget]]] = defaultdict(lambda: defaultdict(list))
    na: dict[Key, list[CpeTarget]] = defaultdict(list)
    literal: dict[Key, dict[VersionKey, list[CpeTarget]]] = defaultdict(lambda: defaultdict(list))
    for t in targets:
        key = (t.cpe.part, unescape(t.cpe.vendor), unescape(t.cpe.product))
        if t.cpe.version == NA:
            na[key].append(t)
        else:
            raw[key][version_key(t.range_version)].append(t)
            literal[key][version_key(unescape(t.cpe.version))].append(t)
    groups: dict[Key, InventoryGroup] = {}
    for key in raw.keys() | na.keys():
        ordered = sorted(raw.get(key, {}).items())
        group = InventoryGroup(
            [k for k, _ in ordered], [v for _, v in ordered], na=na.get(key, []), by_version=dict(literal.get(key, {}))
        )
        groups[key] = group
    return groups


def _indexed(record: CveRecord, ci: int, ni: int, pi: int, crit: CpeCriterion) -> IndexedCriterion:
    lower = crit.start_including or crit.start_excluding
    upper = crit.end_including or crit.end_excluding
    rest = crit.cpe.values()[4:]
    return IndexedCriterion(
        record.id,
        ci,
        ni,
        pi,
        crit,
        version_key(lower) if lower else None,
        crit.start_including is not None,
        version_key(upper) if upper else None,
        crit.end_including is not None,
        all(v == ANY for v in rest),
    )


class CpeIndex:
    """NVD criteria keyed by canonical (part, vendor, product); rejected CVEs are left out."""

    def __init__(self, records: Iterable[CveRecord], aliases: AliasTable) -> None:
        self.aliases = aliases
        self.records: dict[str, CveRecord] = {}
        self.by_key: dict[Key, list[IndexedCriterion]] = defaultdict(list)
        self.criteria_count = 0
        for record in records:
            self.add(record)

    def add(self, record: CveRecord) -> None:
        """Index one record's criteria (replacing nothing: build a fresh index for deltas)."""
        if record.rejected or not record.configurations:
            return
        self.records[record.id] = record
        for ci, conf in enumerate(record.configurations):
            for ni, node in enumerate(conf.nodes):
                for pi, crit in enumerate(node.criteria):
                    vendor, product = self.aliases.canonical(crit.cpe.vendor, crit.cpe.product)
                    self.by_key[(crit.cpe.part, vendor, product)].append(_indexed(record, ci, ni, pi, crit))
                    self.criteria_count += 1

    def hits(self, groups: dict[Key, InventoryGroup]) -> dict[str, list[CriterionHit]]:
        """Return, per CVE id, every (criterion, target) pair that satisfies the criterion."""
        out: dict[str, list[CriterionHit]] = defaultdict(list)
        for key, group in groups.items():
            for ic in self.by_key.get(key, ()):
                for target in _candidates(ic, group):
                    if ic.rest_any or name_matches(ic.criterion.cpe, target.cpe, _REST):
                        out[ic.cve_id].append(CriterionHit(ic, target))
        return out


def _candidates(ic: IndexedCriterion, group: InventoryGroup) -> Iterable[CpeTarget]:
    version = ic.criterion.cpe.version
    if version == NA:
        return group.na  # `-` means "no version", never "any version"
    if version == ANY:
        lo = 0
        hi = len(group.keys)
        if ic.lower is not None:
            lo = (bisect_left if ic.lower_inclusive else bisect_right)(group.keys, ic.lower)
        if ic.upper is not None:
            hi = (bisect_right if ic.upper_inclusive else bisect_left)(group.keys, ic.upper)
        return [t for bucket in group.targets[lo:hi] for t in bucket]
    if has_wildcard(version):
        return [
            t
            for bucket in group.targets
            for t in bucket
            if name_matches(Cpe("a", "v", "p", version), Cpe("a", "v", "p", t.cpe.version))
        ]
    # Equality under the tolerant key (1.0 == 1.0.0); bounds on a literal version are implied by equality.
    return group.by_version.get(version_key(unescape(version)), ())
