"""Synthetic NVD-shaped records, inventories and daily deltas from the real 2.0 sample records (generator + seed)."""

from __future__ import annotations

import random
from dataclasses import replace
from itertools import accumulate

from tandem.vulnerabilities.feeds import CveRecord, InventoryItem
from tandem.vulnerabilities.feeds.cpe import Cpe
from tandem.vulnerabilities.feeds.nvd import Configuration, CpeCriterion, Node

Key = tuple[str, str, str]
# Known answers planted in the inventory (notes §2): nmap's URIs, before normalisation.
GOLDEN = (
    ("ssh", "OpenSSH", "9.2p1", "cpe:/a:openbsd:openssh:9.2p1"),
    ("nginx", "nginx", "1.22.1", "cpe:/a:igor_sysoev:nginx:1.22.1"),
)


def zipf_cumulative(n: int, s: float) -> list[float]:
    """Return cumulative Zipf(s) weights over n ranks (for `random.choices(cum_weights=…)`, O(log n) a draw)."""
    return list(accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


def make_records(templates: list[CveRecord], m: int, keys: list[Key], s: float, rng: random.Random) -> list[CveRecord]:
    """Copy template shapes m times, remapping each criterion's (part, vendor, product) onto Zipf keys.

    The real templates themselves come first, unchanged, so the known answers hold at scale. Remapped criteria
    are shared between copies as NVD shares criteria strings (the same `linux_kernel:*` in thousands of CVEs).
    """
    shaped = [t for t in templates if t.configurations]
    cum = zipf_cumulative(len(keys), s)
    remapped: dict[tuple[int, Key], CpeCriterion] = {}
    out = list(shaped)
    for i in range(m - len(shaped)):
        template = shaped[i % len(shaped)]
        mapping: dict[Key, Key] = {}
        configs = []
        for conf in template.configurations:
            nodes = []
            for node in conf.nodes:
                crits = []
                for crit in node.criteria:
                    old = crit.cpe.key
                    if old not in mapping:
                        # Keep ~20 % real keys so aliases and real version strings stay exercised.
                        mapping[old] = old if rng.random() < 0.2 else rng.choices(keys, cum_weights=cum)[0]
                    cache = (id(crit), mapping[old])
                    if cache not in remapped:
                        remapped[cache] = _remap(crit, mapping[old])
                    crits.append(remapped[cache])
                nodes.append(Node(node.operator, node.negate, tuple(crits)))
            configs.append(Configuration(conf.operator, conf.negate, tuple(nodes)))
        out.append(replace(template, id=f"CVE-9{i // 100000:03d}-{i % 100000:05d}", configurations=tuple(configs)))
    return out


def _remap(crit: CpeCriterion, key: Key) -> CpeCriterion:
    values = list(crit.cpe.values())
    values[0:3] = key
    cpe = Cpe(*values)
    return replace(crit, cpe=cpe, criteria=cpe.to_fs())


def key_versions(records: list[CveRecord]) -> tuple[dict[Key, list[str]], dict[Key, int]]:
    """Collect the version strings each key's criteria mention (literal versions and bounds), and criteria counts."""
    out: dict[Key, set[str]] = {}
    counts: dict[Key, int] = {}
    for r in records:
        for conf in r.configurations:
            for node in conf.nodes:
                for c in node.criteria:
                    counts[c.cpe.key] = counts.get(c.cpe.key, 0) + 1
                    seen = out.setdefault(c.cpe.key, set())
                    for v in (c.cpe.version, c.start_including, c.start_excluding, c.end_including, c.end_excluding):
                        if v and v not in ("*", "-"):
                            seen.add(v.replace("\\", ""))
    return {k: sorted(v) for k, v in out.items() if v}, counts


def make_inventory(
    n: int, per_asset: int, records: list[CveRecord], s: float, rng: random.Random
) -> list[InventoryItem]:
    """N assets × per_asset CPEs drawn by Zipf over keys, 1–8 distinct versions per product (geometric).

    The first assets also run the known-answer services (OpenSSH 9.2p1, nginx 1.22.1) as nmap reports them.
    """
    versions, counts = key_versions(records)
    # The same Zipf ranking as the records: the products with most CVEs (kernels, OpenSSH) are the most installed.
    keys = sorted(versions, key=lambda k: (-counts[k], k))
    cum = zipf_cumulative(len(keys), s)
    chosen: dict[Key, list[str]] = {}
    items = []
    for a in range(n):
        for j, key in enumerate(rng.choices(keys, cum_weights=cum, k=per_asset)):
            if key not in chosen:
                count = min(8, 1 + int(rng.expovariate(0.5)))
                chosen[key] = rng.sample(versions[key], min(count, len(versions[key])))
            version = rng.choice(chosen[key])
            vendor = "igor_sysoev" if key[1:] == ("f5", "nginx") else key[1]
            # Network variant: nmap-style 2.2 URIs so the normalisation cost is timed too.
            items.append(
                InventoryItem(
                    f"asset-{a}",
                    f"asset-{a}/{j}",
                    key[2],
                    version,
                    cpe=f"cpe:/{key[0]}:{vendor}:{key[2]}:{_uri(version)}",
                    source="scan:nmap",
                )
            )
    for a in range(min(n, 3)):
        for name, product, version, cpe in GOLDEN:
            items.append(
                InventoryItem(f"asset-{a}", f"asset-{a}/{name}", product, version, cpe=cpe, source="scan:nmap")
            )
    return items


def _uri(version: str) -> str:
    return version.replace(":", "%3a").replace(" ", "%20")


def make_delta(records: list[CveRecord], count: int, rng: random.Random) -> list[CveRecord]:
    """A day's modified set: `count` records re-stamped, a bound changed on 10 % of them (notes §6.3 step 5)."""
    out = []
    for record in rng.sample(records, min(count, len(records))):
        changed = replace(record, last_modified="2026-11-27T00:00:00.000")
        if rng.random() < 0.1:
            changed = replace(changed, configurations=tuple(_shift_bound(c) for c in changed.configurations))
        out.append(changed)
    return out


def _shift_bound(conf: Configuration) -> Configuration:
    nodes = []
    for node in conf.nodes:
        crits = tuple(
            replace(c, end_excluding=c.end_including, end_including=None) if c.end_including else c
            for c in node.criteria
        )
        nodes.append(Node(node.operator, node.negate, crits))
    return Configuration(conf.operator, conf.negate, tuple(nodes))
