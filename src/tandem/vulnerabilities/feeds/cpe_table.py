"""CPE path at scale: every NVD criterion in parallel arrays grouped by canonical (part, vendor, product).

Version bounds are turned into integer codes once at ingest: all distinct bound and literal versions are sorted
by the tolerant comparator's key; a version's code is `2 × position + 1` when it equals a known version and
`2 × position` when it falls between two, so every criterion becomes an inclusive code window `[lo, hi]`.
Within a product, literal-version criteria (`lo == hi`) come first sorted by code, so a version finds them by
binary search; range criteria follow sorted by `lo`, so only the prefix with `lo ≤ code` is compared against
`hi`. What codes cannot express (wildcard versions, update/edition/… attributes) is checked per distinct
(criterion pattern, version pattern) with NISTIR 7696 rules.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from tandem.platform.safety.gcpause import gc_paused

from .aliases import AliasTable
from .cpe import ANY, NA, Relation, compare_values, has_wildcard, unescape
from .inventory import CpeTarget
from .nvd import Configuration, CpeCriterion, CveRecord
from .versions import VersionKey, version_key

Key = tuple[str, str, str]
IntArray = npt.NDArray[np.int32]
LongArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
NA_CODE = -1  # a software version of `-` (NA): matched only by NA criteria
TOP = np.iinfo(np.int32).max
_CHUNK = 2_000_000  # candidate pairs compared per vectorised step (bounds transient memory to ~50 MB)


def version_code(ordered: Sequence[VersionKey], key: VersionKey) -> int:
    """Return a version's code among the sorted known versions (odd: equal to one, even: between two)."""
    pos = bisect_left(ordered, key)
    return 2 * pos + 1 if pos < len(ordered) and ordered[pos] == key else 2 * pos


def is_simple(record: CveRecord) -> bool:
    """Tell whether every configuration is one plain OR node, so a hit needs no per-asset evaluation."""
    return all(
        len(c.nodes) == 1 and c.nodes[0].operator == "OR" and not c.nodes[0].negate and not c.negate
        for c in record.configurations
    )


def _shape(conf: Configuration) -> int:
    # 0: OR of OR nodes, 1: AND of OR nodes (holds on the union iff every node has a hit), 2: anything else.
    if conf.negate or any(n.negate or n.operator == "AND" for n in conf.nodes):
        return 2
    return 1 if conf.operator == "AND" else 0


def _window(crit: CpeCriterion) -> tuple[VersionKey | None, VersionKey | None, bool, bool, bool]:
    """Return (low, high, low inclusive, high inclusive, compares the literal version)."""
    version = crit.cpe.version
    if version == NA:
        return None, None, True, True, True  # literal NA: window [NA_CODE, NA_CODE]
    if version == ANY:
        low = crit.start_including or crit.start_excluding
        high = crit.end_including or crit.end_excluding
        return (
            version_key(low) if low else None,
            version_key(high) if high else None,
            crit.start_including is not None,
            crit.end_including is not None,
            False,
        )
    if has_wildcard(version):
        return None, None, True, True, False  # any non-NA version; the pattern is checked per hit
    # Equality under the tolerant key (1.0 == 1.0.0); bounds on a literal version are implied by equality.
    exact = version_key(unescape(version))
    return exact, exact, True, True, True


def _same_or_superset(source: str, target: str) -> bool:
    return compare_values(source, target) in (Relation.EQUAL, Relation.SUPERSET)


def _rest_match(source: tuple[str, ...], target: tuple[str, ...]) -> bool:
    return all(_same_or_superset(s, t) for s, t in zip(source, target, strict=True))


def _segments(first: LongArray, sizes: LongArray) -> tuple[LongArray, LongArray]:
    """Return (owner, position) for the concatenation of ranges [first[i], first[i] + sizes[i])."""
    owner = np.repeat(np.arange(len(first)), sizes)
    offsets = np.cumsum(sizes) - sizes
    return owner, np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(offsets - first, sizes)


class CriteriaTable:
    """All criteria of the non-rejected records with pre-ranked version windows, grouped by index key."""

    def __init__(self, records: Iterable[CveRecord], aliases: AliasTable) -> None:
        with gc_paused():
            self._index(records, aliases)

    def _index(self, records: Iterable[CveRecord], aliases: AliasTable) -> None:
        self.aliases = aliases
        self.records: list[CveRecord] = []
        self.record_index: dict[str, int] = {}
        self.keys: dict[Key, int] = {}
        canonical: dict[tuple[str, str], tuple[str, str]] = {}
        crits: list[CpeCriterion] = []
        kid, rec, where, node_ids = array("i"), array("i"), array("i"), array("i")
        cfg_rec, cfg_nodes, cfg_shape, node_cfg = array("i"), array("i"), array("b"), array("i")
        simple: list[bool] = []
        for record in records:
            if record.rejected or not record.configurations or record.id in self.record_index:
                continue
            r = len(self.records)
            self.records.append(record)
            self.record_index[record.id] = r
            simple.append(is_simple(record))
            for ci, conf in enumerate(record.configurations):
                cfg_rec.append(r)
                cfg_nodes.append(len(conf.nodes))
                cfg_shape.append(_shape(conf))
                for ni, node in enumerate(conf.nodes):
                    node_id = len(node_cfg)
                    node_cfg.append(len(cfg_rec) - 1)
                    for pi, crit in enumerate(node.criteria):
                        pair = (crit.cpe.vendor, crit.cpe.product)
                        if pair not in canonical:
                            canonical[pair] = aliases.canonical(*pair)
                        kid.append(self.keys.setdefault((crit.cpe.part, *canonical[pair]), len(self.keys)))
                        crits.append(crit)
                        rec.append(r)
                        where.extend((ci, ni, pi))
                        node_ids.append(node_id)
        self.simple = np.asarray(simple, dtype=np.bool_)
        self.node_cfg = np.frombuffer(node_cfg, np.int32)
        self.cfg_rec = np.frombuffer(cfg_rec, np.int32)
        self.cfg_nodes = np.frombuffer(cfg_nodes, np.int32)
        self.cfg_shape = np.frombuffer(cfg_shape, np.int8)
        self._layout(crits, np.frombuffer(kid, np.int32), rec, where, node_ids)

    def _layout(
        self, crits: list[CpeCriterion], kid: IntArray, rec: array[int], where: array[int], nodes: array[int]
    ) -> None:
        windows = [_window(c) for c in crits]
        self.ordered: list[VersionKey] = sorted({k for w in windows for k in w[:2] if k is not None})
        codes = {k: 2 * i + 1 for i, k in enumerate(self.ordered)}
        n = len(windows)
        lo = np.fromiter(
            (NA_CODE if a is None and lit else 0 if a is None else codes[a] + (not ai) for a, _, ai, _, lit in windows),
            np.int32,
            n,
        )
        hi = np.fromiter(
            (
                NA_CODE if b is None and lit else TOP if b is None else codes[b] - (not bi)
                for _, b, _, bi, lit in windows
            ),
            np.int32,
            n,
        )
        ranged = ~np.fromiter((w[4] for w in windows), np.bool_, n)
        # Product, then literal before range criteria, then by lower code; the sort is stable, so ties keep the
        # records' own order.
        order = np.lexsort((lo, ranged, kid))
        self.criteria: list[CpeCriterion] = [crits[i] for i in order.tolist()]
        self.orig = order.astype(np.int32)  # position in record order: the first criterion of a record wins
        self.lo, self.hi, self.ranged = lo[order], hi[order], ranged[order]
        self.rec = np.frombuffer(rec, np.int32)[order]
        self.where = np.frombuffer(where, np.int32).reshape(-1, 3)[order]
        self.node = np.frombuffer(nodes, np.int32)[order]
        self.vulnerable = np.fromiter((c.vulnerable for c in self.criteria), np.bool_, n)
        self.composite = (kid[order].astype(np.int64) << 33) | (self.ranged.astype(np.int64) << 32) | (self.lo + 1)
        self.start = np.searchsorted(self.composite, np.arange(len(self.keys), dtype=np.int64) << 33)
        self.end = np.searchsorted(self.composite, (np.arange(len(self.keys), dtype=np.int64) + 1) << 33)
        # What the codes cannot express: a pattern id for non-ANY update…other attributes, a wildcard flag.
        ids: dict[tuple[str, ...], int] = {(ANY,) * 7: 0}
        self.rest = np.fromiter((ids.setdefault(c.cpe.values()[4:], len(ids)) for c in self.criteria), np.int32, n)
        self.rest_patterns = list(ids)
        self.wildcard = np.fromiter((has_wildcard(c.cpe.version) for c in self.criteria), np.bool_, n)

    @property
    def criteria_count(self) -> int:
        """Return how many criteria are indexed."""
        return len(self.criteria)

    def codes(self, target: CpeTarget) -> tuple[int, int, int] | None:
        """Return (key id, range code, literal code) for a target, or None when no criterion names its product."""
        cpe = target.cpe
        k = self.keys.get((cpe.part, unescape(cpe.vendor), unescape(cpe.product)))
        if k is None:
            return None
        if cpe.version == NA:
            return k, NA_CODE, NA_CODE
        return (
            k,
            version_code(self.ordered, version_key(target.range_version)),
            version_code(self.ordered, version_key(unescape(cpe.version))),
        )

    def candidates(self, targets: Sequence[CpeTarget]) -> tuple[IntArray, IntArray]:
        """Return (target index, criterion index) for every criterion whose name and version window hold."""
        coded = [(i, *c) for i, t in enumerate(targets) if (c := self.codes(t)) is not None]
        if not coded:
            return np.empty(0, np.int32), np.empty(0, np.int32)
        index, k, range_code, literal_code = np.asarray(coded, dtype=np.int64).T
        base = k << 33
        # Literal criteria equal to the version: one contiguous run, every entry a hit.
        lit_first = np.searchsorted(self.composite, base | (literal_code + 1), "left")
        lit_last = np.searchsorted(self.composite, base | (literal_code + 1), "right")
        owner, at = _segments(lit_first, lit_last - lit_first)
        hits_t, hits_c = [index[owner]], [at]
        # Range criteria with lo ≤ code: a prefix of the product's range block, each compared against hi.
        range_first = np.searchsorted(self.composite, base | (1 << 32), "left")
        range_last = np.searchsorted(self.composite, base | (1 << 32) | (range_code + 1), "right")
        sizes = range_last - range_first
        bounds = np.cumsum(sizes)
        first = 0
        while first < len(index):
            # Chunks of targets whose pairs fit in _CHUNK (one hot product may exceed it alone).
            last = max(first + 1, int(np.searchsorted(bounds, bounds[first] - sizes[first] + _CHUNK, "right")))
            owner, at = _segments(range_first[first:last], sizes[first:last])
            ok = self.hi[at] >= range_code[first:last][owner]
            hits_t.append(index[first:last][owner[ok]])
            hits_c.append(at[ok])
            first = last
        t_all = np.concatenate(hits_t).astype(np.int32)
        c_all = np.concatenate(hits_c).astype(np.int32)
        keep = self._rest_ok(targets, t_all, c_all)
        return (t_all, c_all) if keep is None else (t_all[keep], c_all[keep])

    def _rest_ok(self, targets: Sequence[CpeTarget], t: IntArray, c: IntArray) -> BoolArray | None:
        """Check Table 6-2 on update…other once per (criterion pattern, target pattern), wildcards per hit."""
        flagged = np.flatnonzero((self.rest[c] != 0) | self.wildcard[c])
        if not len(flagged):
            return None
        keep = np.ones(len(c), np.bool_)
        ids: dict[tuple[str, ...], int] = {}
        hit_targets, per_hit = np.unique(t[flagged], return_inverse=True)
        own = np.fromiter(
            (ids.setdefault(targets[i].cpe.values()[4:], len(ids)) for i in hit_targets.tolist()),
            np.int64,
            len(hit_targets),
        )[per_hit]
        patterns = list(ids)
        pair = self.rest[c[flagged]].astype(np.int64) * len(patterns) + own
        unique, inverse = np.unique(pair, return_inverse=True)
        verdict = np.fromiter(
            (
                u < len(patterns) or _rest_match(self.rest_patterns[u // len(patterns)], patterns[u % len(patterns)])
                for u in unique.tolist()
            ),
            np.bool_,
            len(unique),
        )
        keep[flagged] = verdict[inverse]
        for j in flagged[self.wildcard[c[flagged]]].tolist():
            version = self.criteria[c[j]].cpe.version
            keep[j] = keep[j] and _same_or_superset(version, targets[t[j]].cpe.version)
        return keep
