"""Access analysis benchmark at the issue's scale (50,000 identities, 200,000 accounts, 2,000,000 assignments,
100 systems): the full analysis and "who can reach data store X", in memory and through the database.

Named baseline, measured in the same run: a straightforward pure-Python implementation of the heaviest finding
(excessive access: peer share per identity × entitlement with dicts and sets), timed on a 10 % sample and
extrapolated linearly. Goals from the issue: full analysis < 30 s, who-can < 200 ms. Shared 2-core machine: read
ratios, not absolute seconds. TANDEM_BENCH_ACCESS_SCALE=0.1 runs a tenth of the sizes; =0 skips the database part.
TANDEM_BENCH_ACCESS_ONLY=db skips the in-memory part. The database part builds SQLite in a temporary folder (about
two minutes at full scale); TANDEM_BENCH_ACCESS_CACHE=FOLDER keeps the built file there and copies it on later
runs; TANDEM_BENCH_ACCESS_POSTGRES=URL runs it on that PostgreSQL database instead (created and loaded on first
use, kept and reused after).
"""

from __future__ import annotations

import os
import time
from collections import defaultdict

import numpy as np

from bench.access.world import Sizes, build
from tandem.access.analysis import Dataset, ReachIndex, analyse

SCALE = float(os.environ.get("TANDEM_BENCH_ACCESS_SCALE", "1"))


def python_excessive(ds: Dataset, share: float = 0.10, min_peers: int = 5) -> int:
    """The baseline: the excessive-access finding in plain Python (dicts of sets)."""
    holds: dict[int, set[int]] = defaultdict(set)
    for acc, ent in zip(ds.asg_account.tolist(), ds.asg_entitlement.tolist(), strict=True):
        ident = int(ds.acc_identity[acc])
        if ident >= 0:
            holds[ident].add(ent)
    members: dict[int, list[int]] = defaultdict(list)
    for ident, dept in enumerate(ds.ident_dept.tolist()):
        members[dept].append(ident)
    per_dept: dict[tuple[int, int], int] = defaultdict(int)
    for ident, ents in holds.items():
        for ent in ents:
            per_dept[(int(ds.ident_dept[ident]), ent)] += 1
    found = 0
    for ident, ents in holds.items():
        peers = len(members[int(ds.ident_dept[ident])]) - 1
        for ent in ents:
            if peers >= min_peers and (per_dept[(int(ds.ident_dept[ident]), ent)] - 1) / peers < share:
                found += 1
    return found


def in_memory(sizes: Sizes) -> None:
    started = time.perf_counter()
    ds = build(sizes)
    print(
        f"generated {ds.ident_status.size:,} identities, {ds.acc_identity.size:,} accounts, "
        f"{ds.asg_account.size:,} assignments in {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    findings = analyse(ds)
    ours = time.perf_counter() - started
    kinds: dict[str, int] = defaultdict(int)
    for f in findings:
        kinds[f.kind] += 1
    print(f"engine full analysis: {ours:.2f} s, {len(findings):,} findings {dict(kinds)} (goal < 30 s)")
    sample = build(sizes.scaled(0.1))
    started = time.perf_counter()
    python_excessive(sample)
    base = (time.perf_counter() - started) * 10
    started = time.perf_counter()
    analyse(sample)
    ours_sample = (time.perf_counter() - started) * 10
    print(
        f"baseline pure-Python excessive access only (10 % sample ×10): {base:.2f} s; "
        f"ours, every finding, same sample ×10: {ours_sample:.2f} s → ratio {base / ours_sample:.1f}x"
    )
    started = time.perf_counter()
    index = ReachIndex(ds.asg_account, ds.asg_entitlement, ds.inc_child, ds.inc_parent)
    built = time.perf_counter() - started
    linked = {e: "read" for e in range(0, 40, 3)}
    times = []
    for _ in range(20):
        started = time.perf_counter()
        reach = index.who_can(linked)
        times.append(time.perf_counter() - started)
    print(
        f"engine who-can ({len(linked)} linked entitlements, {len(reach):,} grant paths): "
        f"median {np.median(times) * 1000:.1f} ms (index built in {built:.2f} s)"
    )


def main() -> None:
    """Run the in-memory engine figures and then the database pipeline."""
    sizes = Sizes().scaled(SCALE) if SCALE > 0 else Sizes().scaled(0.1)
    if os.environ.get("TANDEM_BENCH_ACCESS_ONLY", "") != "db":
        in_memory(sizes)
    if SCALE > 0:
        from bench.access.database import through_database

        through_database(sizes)


def run() -> None:
    """Alias of main() for the bench/<domain>.py convention."""
    main()


if __name__ == "__main__":
    main()
