"""Vulnerability feeds and matching benchmark (issue #7, notes §6): parse speed, ingest, full/delta/one-asset
match, memory, correctness.

Input: M CVEs shaped like the real NVD 2.0 samples with products on a Zipf(0.9) curve, N assets × 5 nmap-style
CPEs on the same curve (seeded, in memory, nothing written). Named baselines in the same run: plain `json.loads`
(parse floor), the `cpe` package per pair (NISTIR 7696, the notes' oracle) and a plain per-asset reference
evaluator. Timings are on a shared 2-core machine: each pass runs REPEAT times, wall and CPU time printed.
Scale with TANDEM_BENCH_VULN_M / _N (default: the issue's 300,000 CVEs × 10,000 assets); the store through a real
database runs on the first TANDEM_BENCH_VULN_STORE_N assets (default 200; 0 skips it), see store.py.
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bench.vulnerabilities.oracle import Reference, check_with_cpe_library
from bench.vulnerabilities.store import STORE_N, bench_store, rows_at_scale
from bench.vulnerabilities.synth import make_delta, make_inventory, make_records
from tandem.vulnerabilities.feeds import (
    CveRecord,
    InventoryItem,
    Matcher,
    PreparedInventory,
    parse_epss_csv,
    parse_kev_csv,
    parse_kev_json,
    parse_nvd,
    parse_osv,
)
from tandem.vulnerabilities.feeds.versions_matched import VersionMatches

SEED = 7
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "vuln"
LOCAL = Path(__file__).parents[2] / "tests" / "vulnerabilities" / "data"
M = int(os.environ.get("TANDEM_BENCH_VULN_M", "300000"))
N = int(os.environ.get("TANDEM_BENCH_VULN_N", "10000"))
PER_ASSET = 5
REPEAT = int(os.environ.get("TANDEM_BENCH_VULN_REPEAT", "3"))
ORACLE_PAIRS = int(os.environ.get("TANDEM_BENCH_VULN_ORACLE_PAIRS", "2000"))
ORACLE_ASSETS = int(os.environ.get("TANDEM_BENCH_VULN_ORACLE_ASSETS", "50"))
T = TypeVar("T")


def _nvd_files() -> list[Path]:
    base = SHARED / "nvd" if SHARED.exists() else LOCAL / "nvd"
    return sorted(
        p for sub in ("api-2.0-pages", "api-2.0-single", "feed-2.0-per-cve", ".") for p in (base / sub).glob("*.json")
    )


def bench_parsing() -> list[CveRecord]:
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


def _timed(fn: Callable[[], T]) -> tuple[T, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def _rss() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _full(matcher: Matcher, items: list[InventoryItem]) -> tuple[PreparedInventory, VersionMatches]:
    prepared = matcher.prepare(items)
    return prepared, matcher.match_versions(prepared)


def bench_full(matcher: Matcher, items: list[InventoryItem]) -> tuple[PreparedInventory, VersionMatches]:
    """Time the full pass (normalise + match per distinct version) REPEAT times; print wall and CPU."""
    runs = [_timed(lambda: _full(matcher, items)) for _ in range(REPEAT)]
    (prepared, found), _, _ = runs[-1]
    walls = ", ".join(f"{w:.2f}" for _, w, _ in runs)
    cpus = ", ".join(f"{c:.2f}" for _, _, c in runs)
    prep = _timed(lambda: matcher.prepare(items))[1]
    print(
        f"match_full: {N:,} assets × {PER_ASSET} CPEs ({len(items):,} items, {len(prepared.versions.versions):,} "
        f"distinct versions) vs {M:,} CVEs: {found.version_pairs:,} (version, CVE) findings "
        f"({len(found.scoped):,} of them AND/platform configurations held on some assets only), "
        f"{found.item_count():,} per-item findings (expanded lazily); "
        f"wall {walls} s, CPU {cpus} s, of which normalising {prep:.2f} s (target ≤ 2 s)"
    )
    return prepared, found


def _p95(values: list[float]) -> str:
    return f"{statistics.quantiles(values, n=20)[18] * 1e3:.1f}"


def _asset_depths(matcher: Matcher, mine: list[InventoryItem]) -> tuple[float, float, float, float, int]:
    """Time one asset: (arrays wall, arrays CPU, + ids wall, explained wall, findings)."""
    (index, crit), wall, cpu = _timed(lambda: matcher.match_versions(matcher.prepare(mine)).item_pairs())
    records, rec = matcher.cpe.records, matcher.cpe.rec
    _, named, _ = _timed(
        lambda: [(mine[x].software_id, records[r].id) for x, r in zip(index.tolist(), rec[crit].tolist(), strict=True)]
    )
    explained = _timed(lambda: matcher.match(mine))[1]
    return wall, cpu, wall + named, explained, len(index)


def bench_one_asset(matcher: Matcher, items: list[InventoryItem], rng: random.Random) -> None:
    """p95 over 200 random assets, REPEAT rounds, at three depths: per-item findings as (item, criterion) arrays
    (each names its CVE and holds its explanation's inputs), then as (software, CVE) ids, then explained Matches."""
    by_asset: dict[str, list[InventoryItem]] = defaultdict(list)
    for item in items:
        by_asset[item.asset_id].append(item)
    assets = rng.sample(sorted(by_asset), min(200, len(by_asset)))
    rounds, sizes = [], []
    for _ in range(REPEAT):
        runs = [_asset_depths(matcher, by_asset[a]) for a in assets]
        sizes = [r[4] for r in runs]
        rounds.append([_p95([r[d] for r in runs]) for d in range(4)])
    depth = [", ".join(r[d] for r in rounds) for d in range(4)]
    print(
        f"match_one_asset over {len(assets)} assets (findings per asset: median {statistics.median(sizes):.0f}, "
        f"max {max(sizes):,}), p95 per round — findings as arrays: wall {depth[0]} ms, CPU {depth[1]} ms "
        f"(target ≤ 5 ms); with (software, CVE) ids: {depth[2]} ms; every finding explained and ranked: {depth[3]} ms"
    )


def bench_delta(records: list[CveRecord], prepared: PreparedInventory, rng: random.Random) -> None:
    """Re-match a day's 2,000 changed CVEs against the whole prepared inventory, REPEAT times."""
    out = []
    for _ in range(REPEAT):
        delta = make_delta(records, 2000, rng)
        small, build, _ = _timed(lambda delta=delta: Matcher(delta))  # type: ignore[misc]
        found, match, cpu = _timed(lambda small=small: small.match_versions(prepared))  # type: ignore[misc]
        out.append((build, match, cpu, found.version_pairs))
    print(
        "match_delta_cve: 2,000 changed CVEs vs whole inventory: "
        + "; ".join(
            f"{b + m:.3f} s (index {b:.3f} + match {m:.3f}, match CPU {c:.3f}), {p:,} findings" for b, m, c, p in out
        )
        + " (target ≤ 1 s)"
    )


def check_correctness(
    matcher: Matcher,
    templates: list[CveRecord],
    prepared: PreparedInventory,
    found: VersionMatches,
    rng: random.Random,
) -> None:
    """Golden cases at scale and alone, the `cpe` package on sampled pairs, the reference on sampled assets."""
    golden_ids = {
        i: item.software_id for i, item in enumerate(prepared.items) if item.software_id.endswith(("/ssh", "/nginx"))
    }
    at_scale = {
        (golden_ids[i], matcher.cpe.records[matcher.cpe.rec[c]].id) for i, _, c, _ in found.expand() if i in golden_ids
    }
    alone = {
        (m.item.software_id, m.advisory_id) for m in Matcher(templates).match([prepared.items[i] for i in golden_ids])
    }
    cases = []
    for got in (at_scale, alone):
        cases += [
            all((s, "CVE-2024-6387") in got for s in golden_ids.values() if s.endswith("/ssh")),
            not any((s, "CVE-2021-23017") in got for s in golden_ids.values() if s.endswith("/nginx")),
        ]
    print(
        f"correctness golden cases (OpenSSH 9.2p1 ∋ CVE-2024-6387, nginx 1.22.1 ∌ CVE-2021-23017; full pass on "
        f"{len(golden_ids)} planted items and alone): {sum(cases)}/{len(cases)}"
    )
    targets = [v.target for v in prepared.versions.versions]
    report = check_with_cpe_library(matcher, targets, rng, ORACLE_PAIRS)
    kids = [c[0] for t in targets if (c := matcher.cpe.codes(t)) is not None]
    same_product = int((matcher.cpe.end[kids] - matcher.cpe.start[kids]).sum())
    print(
        f"correctness vs `cpe` package: {report.agree}/{report.pairs} sampled (criterion, version) pairs agree, "
        f"{len(report.explained)} explained (tolerant equal versions), {len(report.unexplained)} unexplained; "
        f"baseline: `cpe` compares {report.seconds_per_pair * 1e6:.0f} µs/pair (after parsing) → "
        f"{report.seconds_per_pair * same_product / 60:.0f} min for this inventory's {same_product:,} "
        "same-product pairs"
    )
    for line in report.unexplained[:5]:
        print(f"  unexplained: {line}")
    reference, build, _ = _timed(lambda: Reference(matcher))
    by_asset: dict[str, list[InventoryItem]] = defaultdict(list)
    for item in prepared.items:
        by_asset[item.asset_id].append(item)
    sample = rng.sample(sorted(by_asset), min(ORACLE_ASSETS, len(by_asset)))
    same, ref_time, fast_time, total = 0, 0.0, 0.0, 0
    for a in sample:
        want, rt, _ = _timed(lambda a=a: reference.match(by_asset[a]))  # type: ignore[misc]
        got, ft, _ = _timed(lambda a=a: {(m.item.software_id, m.advisory_id) for m in matcher.match(by_asset[a])})  # type: ignore[misc]
        ref_time, fast_time, total = ref_time + rt, fast_time + ft, total + len(want)
        same += want == got
        if want != got:
            print(f"  asset {a}: only fast {sorted(got - want)[:3]}, only reference {sorted(want - got)[:3]}")
    print(
        f"correctness vs plain reference evaluator: {same}/{len(sample)} sampled assets identical "
        f"({total:,} findings); "
        f"reference {ref_time / len(sample) * 1e3:.1f} ms/asset vs fast (explained) "
        f"{fast_time / len(sample) * 1e3:.1f} ms/asset "
        f"(→ {ref_time / max(fast_time, 1e-9):.1f}x; reference index built in {build:.1f} s)"
    )


def main() -> None:
    """Print parse, ingest and match figures against the issue's targets, with same-run ratios."""
    rng = random.Random(SEED)
    templates = bench_parsing()
    keys = [("a", f"vendor{i}", f"product{i}") for i in range(max(1000, M // 8))]
    records, gen, _ = _timed(lambda: make_records(templates, M, keys, 0.9, rng))
    before = _rss()
    matcher, ingest, ingest_cpu = _timed(lambda: Matcher(records))
    print(
        f"ingest: {M:,} CVEs (generated in {gen:.1f} s, RSS {before:.0f} MB), {matcher.cpe.criteria_count:,} "
        f"criteria over {len(matcher.cpe.keys):,} products indexed in {ingest:.1f} s (CPU {ingest_cpu:.1f} s; "
        f"≤ 5 min), index adds ≈ {_rss() - before:.0f} MB RSS"
    )
    items = make_inventory(N, PER_ASSET, records, 0.9, rng)
    prepared, found = bench_full(matcher, items)
    print(rows_at_scale(found, len(items)))
    tracemalloc.start()
    _full(matcher, items)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    bench_one_asset(matcher, items, rng)
    bench_delta(records, prepared, rng)
    print(
        f"peak memory: RSS {_rss():.0f} MB for the whole run including the generated records (target ≤ 1 GB); "
        f"a full pass allocates at most {peak:.0f} MB on top (tracemalloc)"
    )
    check_correctness(matcher, templates, prepared, found, rng)
    if STORE_N:  # last: storing through a database is not part of the matcher's memory target above
        bench_store(matcher, items, M)


if __name__ == "__main__":
    main()
