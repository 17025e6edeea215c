"""Compliance benchmarks: CPU time to load SP 800-53, resolve MODERATE and build an assessment skeleton.

Named baseline (CISO Assistant, the closest peer, on a 2-core machine; docs notes compliance-content.md §7):
loading the 800-53 r5 library takes 4.4 CPU-s and creating an 800-53 audit 0.59 CPU-s. Goal: ≥ 10× faster.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from tandem.compliance.content.files import SP800_53_CATALOG, read_data
from tandem.compliance.content.nist import load_baseline, shipped_resolver, sp800_53
from tandem.compliance.oscal import assessment_skeleton, parse_catalog, resolve_profile

PEER_LOAD_CPU_S = 4.4
PEER_AUDIT_CPU_S = 0.59
GOAL = 10.0
ROUNDS = 5


def _cpu(action: Callable[[], object]) -> float:
    """Return the median CPU seconds of ROUNDS runs of action (median resists a loaded machine)."""
    samples = []
    for _ in range(ROUNDS):
        started = time.process_time()
        action()
        samples.append(time.process_time() - started)
    return statistics.median(samples)


def _report(label: str, ours: float, peer: float | None) -> None:
    if peer is None:
        print(f"{label}: {ours * 1000:,.1f} ms CPU")
        return
    ratio = peer / ours if ours else float("inf")
    verdict = "meets" if ratio >= GOAL else "misses"
    versus = f"baseline {peer:.2f} s CPU; {ratio:,.1f}× faster ({verdict} the ≥{GOAL:.0f}× goal)"
    print(f"{label}: {ours * 1000:,.1f} ms CPU; {versus}")


def main_pure() -> None:
    """Print CPU times and ratios against the named peer baseline."""
    load = _cpu(lambda: parse_catalog(read_data(SP800_53_CATALOG), "sp800-53.json"))
    catalog = sp800_53()
    print(f"SP 800-53 5.2.0: {len(catalog.index):,} controls and enhancements")
    _report("load 800-53 catalog (gunzip + parse)", load, PEER_LOAD_CPU_S)
    resolve = _cpu(lambda: resolve_profile(load_baseline("MODERATE"), shipped_resolver))
    _report("resolve MODERATE baseline (287 ids)", resolve, None)
    moderate = resolve_profile(load_baseline("MODERATE"), shipped_resolver)
    skeleton = _cpu(lambda: assessment_skeleton(moderate))
    _report("build MODERATE assessment skeleton", skeleton, None)
    _report("create MODERATE assessment (resolve + skeleton)", resolve + skeleton, PEER_AUDIT_CPU_S)
    # The peer's audit covers every 800-53 node, withdrawn ones included, so compare like with like.
    full = _cpu(lambda: assessment_skeleton(catalog, include_withdrawn=True))
    records = len(assessment_skeleton(catalog, include_withdrawn=True))
    _report(f"create full 800-53 assessment skeleton ({records:,} records; peer 1,209)", full, PEER_AUDIT_CPU_S)


def main() -> None:
    """Run the pure figures, then the database figures."""
    main_pure()
    # A fresh process: the parsed catalogs the pure figures keep alive would otherwise make every collector
    # pass in the database figures scan a heap no real command or worker starts with.
    subprocess.run([sys.executable, "-m", "bench.compliance.db"], check=True)


if __name__ == "__main__":
    main()
