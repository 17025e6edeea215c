"""Watch parsers and matching throughput.

Named baselines, measured in the same run: `json.loads` of the same KEV catalogue (the least any parser must do)
and `xml.etree.ElementTree.fromstring` (undefused, no item extraction) of the same RSS document. The ratios say what
validation, located errors, defusing and item building cost on top. Matching is timed per item against a profile of
1,000 software components and 200 suppliers. Shared 2-core machine: read ratios, not absolute seconds.
"""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET  # nosec B405 - the undefended baseline, fed our own document
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tandem.reporting.watch import feeds

SAMPLES = Path(feeds.__file__).parent.parent / "samples"
KEV_ENTRIES = 20_000
RSS_ITEMS = 5_000


def _best(func: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return min(times)


def _kev_document() -> bytes:
    doc = json.loads((SAMPLES / "kev-2025.08.25-slice.json").read_bytes())
    base = doc["vulnerabilities"]
    rows = [{**base[i % len(base)], "cveID": f"CVE-2099-{10000 + i}"} for i in range(KEV_ENTRIES)]
    return json.dumps({**doc, "count": len(rows), "vulnerabilities": rows}).encode()


def _rss_document() -> bytes:
    items = "".join(
        f"<item><title>Advisory {i} for Cisco IOS XE</title><link>https://www.cisa.gov/a/{i}</link>"
        f"<description>&lt;p&gt;Text {i} about HIPAA and 45 CFR 164&lt;/p&gt;</description>"
        f"<pubDate>Tue, 10 Sep 2024 12:00:00 EDT</pubDate><guid>a-{i}</guid></item>"
        for i in range(RSS_ITEMS)
    )
    return f"<rss version='2.0'><channel><title>t</title><link>https://www.cisa.gov/</link>{items}</channel></rss>".encode()


def _profile() -> feeds.OrgProfile:
    software = tuple(feeds.Software(f"Product {i}", f"Product {i}", f"Vendor {i % 200}", f"vendor{i % 200}",
                                    f"product_{i}") for i in range(1000))  # fmt: skip
    vendors = tuple(f"Vendor {i}" for i in range(200))
    frameworks = (feeds.Framework("hipaa-security-rule", "HIPAA Security Rule", True),)
    return feeds.OrgProfile(frameworks, {"US": ("EHR",), "FR": ("CRM",)}, vendors, software)


def main() -> None:
    """Print parser and matcher timings with their baselines."""
    kev = _kev_document()
    ours = _best(lambda: feeds.parse_kev(kev, "kev.json"))
    base = _best(lambda: json.loads(kev))
    print(f"KEV {KEV_ENTRIES:,} entries ({len(kev) / 1e6:.1f} MB): parse_kev {ours * 1000:.0f} ms, "
          f"json.loads {base * 1000:.0f} ms, ratio {ours / base:.2f}x")  # fmt: skip
    rss = _rss_document()
    ours = _best(lambda: feeds.parse_rss(rss, "rss.xml"))
    base = _best(lambda: ET.fromstring(rss))  # nosec B314
    print(f"RSS {RSS_ITEMS:,} items ({len(rss) / 1e6:.1f} MB): parse_rss {ours * 1000:.0f} ms, "
          f"ElementTree.fromstring {base * 1000:.0f} ms, ratio {ours / base:.2f}x")  # fmt: skip
    items = feeds.parse_kev(kev, "kev.json").items[:2000]
    profile = _profile()
    took = _best(lambda: [feeds.match_item(i, profile) for i in items], repeat=1)
    print(f"matching {len(items):,} KEV items against 1,000 software / 200 suppliers: {took * 1000:.0f} ms "
          f"({took / len(items) * 1e6:.0f} µs per item)")  # fmt: skip


if __name__ == "__main__":
    main()
