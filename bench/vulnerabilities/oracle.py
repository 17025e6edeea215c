"""Correctness checks for the fast CPE path: the `cpe` package (NISTIR 7696) on sampled criterion/version pairs,
and a plain per-asset reference evaluator (no codes, no arrays, no sets) on sampled assets."""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from tandem.vulnerabilities.feeds import InventoryItem, Matcher
from tandem.vulnerabilities.feeds.cpe import ANY, NA, Cpe, name_matches, unescape
from tandem.vulnerabilities.feeds.inventory import CpeTarget, cpe_target
from tandem.vulnerabilities.feeds.nvd import CpeCriterion, CveRecord
from tandem.vulnerabilities.feeds.versions import compare_versions, version_key


@dataclass
class OracleReport:
    """Agreement of the fast path with the `cpe` package on sampled pairs; explained disagreements apart."""

    pairs: int = 0
    agree: int = 0
    explained: list[str] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)
    seconds_per_pair: float = 0.0


def _in_range(crit: CpeCriterion, version: str) -> bool:
    if crit.start_including and compare_versions(version, crit.start_including) < 0:
        return False
    if crit.start_excluding and compare_versions(version, crit.start_excluding) <= 0:
        return False
    if crit.end_including and compare_versions(version, crit.end_including) > 0:
        return False
    return not (crit.end_excluding and compare_versions(version, crit.end_excluding) >= 0)


def check_with_cpe_library(matcher: Matcher, targets: Sequence[CpeTarget], rng: random.Random, n: int) -> OracleReport:
    """Sample same-product (criterion, version) pairs, half of them fast-path hits, and ask the `cpe` package.

    The package decides the name attributes (Table 6-2, NA vs ANY); ranges on `*` versions are decided with the
    scalar comparator. A literal version the package calls different but the tolerant key calls equal
    (`1.0` vs `1.0.0`) is an explained disagreement.
    """
    import cpe as cpe_lib
    from cpe.cpe2_3_wfn import CPE2_3_WFN
    from cpe.cpeset2_3 import CPESet2_3

    table = matcher.cpe
    coded = [i for i, t in enumerate(targets) if table.codes(t) is not None]
    chosen = rng.sample(coded, min(len(coded), n))
    hit_v, hit_c = table.candidates([targets[i] for i in chosen])
    hits: dict[int, list[int]] = defaultdict(list)
    for v, c in zip(hit_v.tolist(), hit_c.tolist(), strict=True):
        hits[v].append(c)
    wfn: dict[str, CPE2_3_WFN] = {}

    def parsed(fs: str) -> CPE2_3_WFN:
        if fs not in wfn:
            wfn[fs] = CPE2_3_WFN(cpe_lib.CPE(fs).as_wfn())
        return wfn[fs]

    report = OracleReport()
    spent = 0.0
    for j, i in enumerate(chosen):
        target = targets[i]
        kid = table.keys[(target.cpe.part, unescape(target.cpe.vendor), unescape(target.cpe.product))]
        own = set(hits.get(j, ()))
        pool = list(own) if own and rng.random() < 0.5 else None
        c = rng.choice(pool) if pool else rng.randrange(int(table.start[kid]), int(table.end[kid]))
        crit = table.criteria[c]
        source, wanted = parsed(crit.cpe.to_fs()), parsed(target.cpe.to_fs())
        t0 = time.perf_counter()
        name_ok = CPESet2_3.cpe_superset(source, wanted)
        spent += time.perf_counter() - t0
        expected = bool(name_ok) and (crit.cpe.version != ANY or _in_range(crit, target.range_version))
        got = c in own
        report.pairs += 1
        if got == expected:
            report.agree += 1
            continue
        line = f"{crit.criteria} {crit.describe_range()} vs {target.cpe.to_fs()}: fast={got} oracle={expected}"
        tolerant = crit.cpe.version not in (ANY, NA) and version_key(unescape(crit.cpe.version)) == version_key(
            unescape(target.cpe.version)
        )
        (report.explained if tolerant and got else report.unexplained).append(line)
    report.seconds_per_pair = spent / max(1, report.pairs)
    return report


class Reference:
    """The plain algorithm: every criterion of the item's product, scalar comparisons, per-asset booleans."""

    def __init__(self, matcher: Matcher) -> None:
        self.aliases = matcher.aliases
        self.by_key: dict[tuple[str, str, str], list[tuple[CveRecord, int, int, int, CpeCriterion]]] = defaultdict(list)
        for r in matcher.cpe.records:
            for ci, conf in enumerate(r.configurations):
                for ni, node in enumerate(conf.nodes):
                    for pi, crit in enumerate(node.criteria):
                        key = (crit.cpe.part, *self.aliases.canonical(crit.cpe.vendor, crit.cpe.product))
                        self.by_key[key].append((r, ci, ni, pi, crit))

    def _holds(self, crit: CpeCriterion, t: CpeTarget) -> bool:
        v = crit.cpe.version
        if v == NA or t.cpe.version == NA:
            ok = v == t.cpe.version
        elif v == ANY:
            ok = _in_range(crit, t.range_version)
        elif "*" in v or "?" in v:
            ok = name_matches(Cpe("a", "v", "p", v), Cpe("a", "v", "p", t.cpe.version))
        else:
            ok = compare_versions(unescape(v), unescape(t.cpe.version)) == 0
        rest = crit.cpe.values()[4:]
        return ok and (
            all(x == ANY for x in rest)
            or name_matches(crit.cpe, t.cpe, frozenset(("part", "vendor", "product", "version")))
        )

    def match(self, items: Sequence[InventoryItem]) -> set[tuple[str, str]]:
        """Return (software id, CVE id) for the items of one or more assets."""
        hits: dict[str, list[tuple[InventoryItem, int, int, int, bool]]] = defaultdict(list)
        records: dict[str, CveRecord] = {}
        for item in items:
            t = cpe_target(item, self.aliases)
            if t is None:
                continue
            key = (t.cpe.part, unescape(t.cpe.vendor), unescape(t.cpe.product))
            for r, ci, ni, pi, crit in self.by_key.get(key, ()):
                if self._holds(crit, t):
                    hits[r.id].append((item, ci, ni, pi, crit.vulnerable))
                    records[r.id] = r
        out: set[tuple[str, str]] = set()
        for cve, found in hits.items():
            record = records[cve]
            for asset in {i.asset_id for i, *_ in found}:
                mine = [h for h in found if h[0].asset_id == asset]
                met = {(ci, ni, pi) for _, ci, ni, pi, _ in mine}
                for ci, conf in enumerate(record.configurations):
                    nodes = [
                        ((all if n.operator == "AND" else any)((ci, ni, pi) in met for pi in range(len(n.criteria))))
                        != n.negate
                        for ni, n in enumerate(conf.nodes)
                    ]
                    holds = bool(nodes) and ((all(nodes) if conf.operator == "AND" else any(nodes)) != conf.negate)
                    if holds:
                        out.update((i.software_id, cve) for i, c, _, _, vul in mine if c == ci and vul)
        return out
