"""Vulnerability feeds and matching benchmark (notes §6): parse speed, ingest, full/delta/one-asset match, RSS.

Named baselines measured in the same run: plain `json.loads` (parse floor), the naive matcher (every inventory
CPE against every criterion of its key, no bisect) and pairwise matching with the `cpe` package (NISTIR 7696
reference, the notes' test oracle) and `cpematcher-ng`, both timed per pair on a sample and extrapolated.
Timings are on a shared machine: read ratios. Scale with TANDEM_BENCH_VULN_M / _N (defaults: CI's smallest).
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import time
from pathlib import Path

from bench.vulnerabilities.synth import make_inventory, make_records
from tandem.vulnerabilities.feeds import (
    InventoryItem,
    Matcher,
    parse_epss_csv,
    parse_kev_csv,
    parse_kev_json,
    parse_nvd,
    parse_osv,
)
from tandem.vulnerabilities.feeds.cpe import name_matches
from tandem.vulnerabilities.feeds.versions import version_key

SEED = 7
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "vuln"
LOCAL = Path(__file__).parents[2] / "tests" / "vulnerabilities" / "data"
M = int(os.environ.get("TANDEM_BENCH_VULN_M", "30000"))
N = int(os.environ.get("TANDEM_BENCH_VULN_N", "1000"))


def _nvd_files() -> list[Path]:
    base = SHARED / "nvd" if SHARED.exists() else LOCAL / "nvd"
    return sorted(
        p for sub in ("api-2.0-pages", "api-2.0-single", "feed-2.0-per-cve", ".") for p in (base / sub).glob("*.json")
    )


def bench_parsing() -> list:  # type: ignore[type-arg]
    """Time each feed parser against json.loads on the same bytes; return the NVD records."""
    blobs = [(p.name, p.read_bytes()) for p in _nvd_files()]
    size = sum(len(b) for _, b in blobs) / 1e6
    t0 = time.perf_counter()
    for _, b in blobs:
        json.loads(b)
    floor = time.perf_counter() - t0
    t0 = time.perf_counter()
    records = {r.id: r for name, b in blobs for r in parse_nvd(b, name)}
    ours = time.perf_counter() - t0
    print(
        f"parse NVD 2.0: {len(records)} records, {size:.1f} MB: {len(records) / ours:,.0f} rec/s,"
        f" {size / ours:.0f} MB/s"
        f" (json.loads floor {size / floor:.0f} MB/s; ratio {ours / floor:.1f}x the floor)"
    )
    kev_dir = SHARED / "kev" if SHARED.exists() else LOCAL / "kev"
    for path, fn in (
        (kev_dir / "known_exploited_vulnerabilities.json", parse_kev_json),
        (kev_dir / "known_exploited_vulnerabilities.csv", parse_kev_csv),
    ):
        if path.exists():
            data = path.read_bytes()
            t0 = time.perf_counter()
            cat = fn(data, path.name)
            print(f"parse KEV {path.suffix}: {len(cat.entries)} entries in {(time.perf_counter() - t0) * 1e3:.1f} ms")
    epss = (SHARED if SHARED.exists() else LOCAL) / "epss" / "epss_scores-2026-09-29-excerpt.csv"
    data = epss.read_bytes() * 1
    t0 = time.perf_counter()
    snap = parse_epss_csv(data, epss.name)
    print(
        f"parse EPSS: {len(snap.scores)} rows in {(time.perf_counter() - t0) * 1e3:.1f} ms "
        f"({len(snap.scores) / (time.perf_counter() - t0):,.0f} rows/s; a full day is ~300k rows)"
    )
    osv_files = sorted((SHARED / "osv").glob("*/*.json")) if SHARED.exists() else sorted((LOCAL / "osv").glob("*.json"))
    t0 = time.perf_counter()
    advisories = [a for p in osv_files for a in parse_osv(p.read_bytes(), p.name)]
    print(f"parse OSV: {len(advisories)} advisories in {(time.perf_counter() - t0) * 1e3:.1f} ms")
    return list(records.values())


def _naive(matcher: Matcher, items: list[InventoryItem]) -> int:
    # Baseline: for every item, scan every criterion of its key and compare versions one by one.
    hits = 0
    prepared = matcher.prepare(items)
    for key, group in prepared.groups.items():
        targets = [t for bucket in group.targets for t in bucket]
        for ic in matcher.cpe.by_key.get(key, ()):
            for t in targets:
                k = version_key(t.range_version)
                if ic.lower is not None and (k < ic.lower or (k == ic.lower and not ic.lower_inclusive)):
                    continue
                if ic.upper is not None and (k > ic.upper or (k == ic.upper and not ic.upper_inclusive)):
                    continue
                hits += name_matches(ic.criterion.cpe, t.cpe, frozenset({"version"}))
    return hits


def _pairwise_oracles(matcher: Matcher, items: list[InventoryItem], rng: random.Random) -> tuple[float, float, int]:
    import cpe as cpe_lib
    from cpe.cpe2_3_wfn import CPE2_3_WFN
    from cpe.cpeset2_3 import CPESet2_3
    from cpematcher.core import CPE as MatcherCPE

    prepared = matcher.prepare(items)
    pairs = [
        (ic, t)
        for key, g in prepared.groups.items()
        for ic in matcher.cpe.by_key.get(key, ())[:50]
        for bucket in g.targets
        for t in bucket[:1]
    ]
    sample = rng.sample(pairs, min(300, len(pairs)))
    t0 = time.perf_counter()
    for ic, t in sample:
        CPESet2_3.cpe_superset(
            CPE2_3_WFN(cpe_lib.CPE(ic.criterion.criteria).as_wfn()), CPE2_3_WFN(cpe_lib.CPE(t.cpe.to_fs()).as_wfn())
        )
    per_cpe = (time.perf_counter() - t0) / len(sample)
    t0 = time.perf_counter()
    for ic, t in sample:
        c = ic.criterion
        MatcherCPE(c.criteria, True, c.start_including, c.start_excluding, c.end_including, c.end_excluding).matches(
            MatcherCPE(t.cpe.to_fs())
        )
    per_cm = (time.perf_counter() - t0) / len(sample)
    return per_cpe, per_cm, len(pairs)


def main() -> None:
    """Print parse, ingest and match figures with ratios against the named baselines."""
    rng = random.Random(SEED)
    templates = bench_parsing()
    keys = [("a", f"vendor{i}", f"product{i}") for i in range(max(1000, M // 8))]
    records = make_records(templates, M, keys, 0.9, rng)
    t0 = time.perf_counter()
    matcher = Matcher(records)
    ingest = time.perf_counter() - t0
    print(
        f"ingest: {M:,} CVEs, {matcher.cpe.criteria_count:,} criteria indexed in {ingest:.2f} s "
        f"(target ≤ 5 min for ~1.2 M criteria; linear → {ingest * 1.2e6 / max(1, matcher.cpe.criteria_count):.0f} s)"
    )
    items = make_inventory(N, 5, records, 0.9, rng)
    t0 = time.perf_counter()
    prepared = matcher.prepare(items)
    found = matcher.match_prepared(prepared)
    full = time.perf_counter() - t0
    print(f"match_full: {N:,} assets × 5 CPEs vs {M:,} CVEs: {len(found):,} findings in {full:.2f} s (target ≤ 10 s)")
    t0 = time.perf_counter()
    naive_hits = _naive(matcher, items)
    naive = time.perf_counter() - t0
    print(f"baseline naive (no bisect): {naive:.2f} s, {naive_hits:,} criterion hits → ours {naive / full:.1f}x faster")
    per_cpe, per_cm, pairs = _pairwise_oracles(matcher, items, rng)
    print(
        f"baseline `cpe` pairwise: {per_cpe * 1e6:.0f} µs/pair, `cpematcher-ng`: {per_cm * 1e6:.0f} µs/pair; "
        f"over {pairs:,} same-key pairs (≤50 criteria/key) ≥ {per_cpe * pairs:.1f} s / {per_cm * pairs:.1f} s "
        f"→ ours {per_cpe * pairs / full:.0f}x / {per_cm * pairs / full:.0f}x faster"
    )
    delta = rng.sample(records, min(2000, len(records)))
    t0 = time.perf_counter()
    Matcher(delta).match_prepared(prepared)
    print(
        f"match_delta_cve: {len(delta):,} changed CVEs vs whole inventory in {time.perf_counter() - t0:.3f} s (≤ 1 s)"
    )
    latencies = []
    for a in rng.sample(range(N), min(200, N)):
        asset = [i for i in items[a * 5 : a * 5 + 5]]
        t0 = time.perf_counter()
        matcher.match(asset)
        latencies.append(time.perf_counter() - t0)
    p95 = statistics.quantiles(latencies, n=20)[18]
    print(f"match_one_asset: p95 {p95 * 1e3:.2f} ms (≤ 50 ms)")
    golden = [
        InventoryItem("g", "ssh", "OpenSSH", "9.2p1", cpe="cpe:/a:openbsd:openssh:9.2p1"),
        InventoryItem("g", "nginx", "nginx", "1.22.1", cpe="cpe:/a:igor_sysoev:nginx:1.22.1"),
    ]
    got = {(m.item.software_id, m.advisory_id) for m in Matcher(templates).match(golden)}
    ok = ("ssh", "CVE-2024-6387") in got and ("nginx", "CVE-2021-23017") not in got
    print(f"correctness golden cases: {'2/2' if ok else 'FAILED'}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak_rss: {rss:.0f} MB (≤ 1.5 GB)")
