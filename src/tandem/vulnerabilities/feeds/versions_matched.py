"""The inventory as distinct software versions, and CPE matches stored per version, expanded to items lazily.

Thousands of hosts run the same OS build: matching each distinct normalised CPE once and fanning out to the
items only when a caller asks keeps a full pass proportional to the distinct versions, not to the assets.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from tandem.platform.safety.gcpause import gc_paused

from .aliases import AliasTable
from .configs import Assets, ConfigHit, CriterionHit, applicable_hits
from .cpe_table import CriteriaTable
from .inventory import CpeTarget, InventoryItem, cpe_target

IntArray = npt.NDArray[np.int32]


@dataclass(frozen=True, slots=True)
class SoftwareVersion:
    """One distinct normalised CPE and the inventory items (on any asset) that run it."""

    target: CpeTarget
    items: tuple[int, ...]


@dataclass
class InventoryVersions:
    """Items grouped into distinct software versions; assets numbered for set-based configuration checks."""

    versions: list[SoftwareVersion]
    asset_of: list[int]
    _assets: dict[int, Assets] = field(default_factory=dict, repr=False)
    _flat: tuple[IntArray, npt.NDArray[np.int64]] | None = field(default=None, repr=False)

    def flat(self) -> tuple[IntArray, npt.NDArray[np.int64]]:
        """Return every version's items back to back, and where each version's run starts (one extra end)."""
        if self._flat is None:
            sizes = np.fromiter((len(v.items) for v in self.versions), np.int64, len(self.versions))
            starts = np.concatenate(([0], np.cumsum(sizes)))
            items = np.fromiter((i for v in self.versions for i in v.items), np.int32, int(starts[-1]))
            self._flat = (items, starts)
        return self._flat

    def assets_of(self, version: int) -> Assets:
        """Return the asset numbers running a version (computed on first use)."""
        found = self._assets.get(version)
        if found is None:
            found = self._assets[version] = frozenset(self.asset_of[i] for i in self.versions[version].items)
        return found


def group_versions(items: Sequence[InventoryItem], aliases: AliasTable) -> InventoryVersions:
    """Normalise each distinct (CPE, version) once and group items by the resulting target."""
    with gc_paused():
        return _group_versions(items, aliases)


def _group_versions(items: Sequence[InventoryItem], aliases: AliasTable) -> InventoryVersions:
    by_raw: dict[tuple[str, str], list[int]] = {}
    asset_numbers: dict[str, int] = {}
    asset_of = [asset_numbers.setdefault(item.asset_id, len(asset_numbers)) for item in items]
    for i, item in enumerate(items):
        if item.cpe:
            by_raw.setdefault((item.cpe, item.version), []).append(i)
    grouped: dict[CpeTarget, list[int]] = {}
    for indices in by_raw.values():
        target = cpe_target(items[indices[0]], aliases)
        if target is not None:
            grouped.setdefault(target, []).extend(indices)
    return InventoryVersions([SoftwareVersion(t, tuple(ix)) for t, ix in grouped.items()], asset_of)


@dataclass(frozen=True)
class VersionMatches:
    """CPE findings per distinct version: `direct` pairs hold for every item of the version, `scoped` ones
    (AND configurations, platforms) only for the items on their assets."""

    inventory: InventoryVersions
    direct_version: IntArray
    direct_criterion: IntArray
    scoped: list[ConfigHit]

    @property
    def version_pairs(self) -> int:
        """Return how many (software version, criterion) findings were found before fanning out."""
        return len(self.direct_version) + len(self.scoped)

    def item_count(self) -> int:
        """Return how many per-item findings `expand` would yield, without building them."""
        _, starts = self.inventory.flat()
        direct = int((starts[self.direct_version + 1] - starts[self.direct_version]).sum())
        asset_of = self.inventory.asset_of
        scoped = sum(
            sum(1 for i in self.inventory.versions[h.version].items if asset_of[i] in h.assets) for h in self.scoped
        )
        return direct + scoped

    def item_pairs(self) -> tuple[IntArray, IntArray]:
        """Return (item index, criterion index) arrays for every per-item finding; explanations stay lazy."""
        flat, starts = self.inventory.flat()
        first, sizes = starts[self.direct_version], starts[self.direct_version + 1] - starts[self.direct_version]
        offsets = np.cumsum(sizes) - sizes
        at = np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(offsets - first, sizes)
        items, crits = [flat[at]], [np.repeat(self.direct_criterion, sizes)]
        asset_of = self.inventory.asset_of
        for h in self.scoped:
            mine = [i for i in self.inventory.versions[h.version].items if asset_of[i] in h.assets]
            items.append(np.asarray(mine, np.int32))
            crits.append(np.full(len(mine), h.criterion, np.int32))
        return np.concatenate(items).astype(np.int32), np.concatenate(crits).astype(np.int32)

    def version_hits(self) -> Iterator[tuple[int, int, tuple[str, ...], tuple[int, ...]]]:
        """Yield (version index, criterion index, platform criteria, item indices concerned) once per hit: direct
        hits share the version's own item tuple, so nothing per item is built."""
        versions = self.inventory.versions
        for v, c in zip(self.direct_version.tolist(), self.direct_criterion.tolist(), strict=True):
            yield v, c, (), versions[v].items
        asset_of = self.inventory.asset_of
        for h in self.scoped:
            mine = tuple(i for i in versions[h.version].items if asset_of[i] in h.assets)
            if mine:
                yield h.version, h.criterion, h.platform, mine

    def expand(self) -> Iterator[tuple[int, int, int, tuple[str, ...]]]:
        """Yield (item index, version index, criterion index, platform criteria) for every item concerned."""
        versions = self.inventory.versions
        for v, c in zip(self.direct_version.tolist(), self.direct_criterion.tolist(), strict=True):
            for i in versions[v].items:
                yield i, v, c, ()
        asset_of = self.inventory.asset_of
        for h in self.scoped:
            for i in versions[h.version].items:
                if asset_of[i] in h.assets:
                    yield i, h.version, h.criterion, h.platform


def match_versions(table: CriteriaTable, inventory: InventoryVersions) -> VersionMatches:
    """Match every distinct software version against the table; AND configurations are checked per asset."""
    with gc_paused():
        return _match_versions(table, inventory)


def _match_versions(table: CriteriaTable, inventory: InventoryVersions) -> VersionMatches:
    version, crit = table.candidates([v.target for v in inventory.versions])
    rec = table.rec[crit]
    simple = table.simple[rec]
    direct = np.flatnonzero(simple & table.vulnerable[crit])
    # A version may meet several criteria of one record: keep the first as the record lists them.
    pair = version[direct].astype(np.int64) * max(1, len(table.records)) + rec[direct]
    order = np.lexsort((table.orig[crit[direct]], pair))
    firsts = direct[order[np.concatenate(([True], pair[order][1:] != pair[order][:-1]))]] if len(direct) else direct
    scoped: list[ConfigHit] = []
    complex_ = np.flatnonzero(~simple)
    # Records hit only through `vulnerable:false` platform criteria name nothing affected: skip them.
    with_vulnerable = np.zeros(len(table.records), np.bool_)
    with_vulnerable[rec[complex_][table.vulnerable[crit[complex_]]]] = True
    complex_ = complex_[with_vulnerable[rec[complex_]]]
    complex_ = complex_[_may_hold(table, rec[complex_], crit[complex_])]
    by_record: dict[int, list[CriterionHit]] = {}
    cc = crit[complex_]
    for v, c, r, (ci, ni, pi), vulnerable in zip(
        version[complex_].tolist(),
        cc.tolist(),
        rec[complex_].tolist(),
        table.where[cc].tolist(),
        table.vulnerable[cc].tolist(),
        strict=True,
    ):
        by_record.setdefault(r, []).append(CriterionHit(v, c, ci, ni, pi, vulnerable, table.criteria[c].criteria))
    for r, hits in by_record.items():
        scoped.extend(applicable_hits(table.records[r], hits, inventory.assets_of))
    return VersionMatches(inventory, version[firsts], crit[firsts], scoped)


def _may_hold(table: CriteriaTable, rec: IntArray, crit: IntArray) -> npt.NDArray[np.bool_]:
    """Keep the hits of records where some configuration holds on the union of all hits, before any asset set.

    Without negation the semantics are monotone: a configuration that fails on the union fails on every asset.
    An AND of OR nodes holds on the union when each of its nodes has a hit; other shapes go to the per-asset check.
    """
    nodes = np.unique(table.node[crit])
    configs, met = np.unique(table.node_cfg[nodes], return_counts=True)
    holds = (table.cfg_shape[configs] != 1) | (met == table.cfg_nodes[configs])
    return np.isin(rec, table.cfg_rec[configs[holds]])
