"""Synthetic NVD-shaped records and inventories from the real 2.0 sample records (generator + seed, no data)."""

from __future__ import annotations

import random
from dataclasses import replace

from tandem.vulnerabilities.feeds import CveRecord, InventoryItem
from tandem.vulnerabilities.feeds.cpe import Cpe
from tandem.vulnerabilities.feeds.nvd import Configuration, CpeCriterion, Node

Key = tuple[str, str, str]


def zipf_weights(n: int, s: float) -> list[float]:
    """Return Zipf(s) weights over n ranks."""
    return [1.0 / (rank**s) for rank in range(1, n + 1)]


def _remap(crit: CpeCriterion, key: Key) -> CpeCriterion:
    values = list(crit.cpe.values())
    values[0:3] = key
    cpe = Cpe(*values)
    return replace(crit, cpe=cpe, criteria=cpe.to_fs())


def make_records(templates: list[CveRecord], m: int, keys: list[Key], s: float, rng: random.Random) -> list[CveRecord]:
    """Copy template shapes m times, remapping each criterion's (part, vendor, product) onto Zipf keys."""
    shaped = [t for t in templates if t.configurations]
    weights = zipf_weights(len(keys), s)
    out = []
    for i in range(m):
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
                        mapping[old] = old if rng.random() < 0.2 else rng.choices(keys, weights)[0]
                    crits.append(_remap(crit, mapping[old]))
                nodes.append(Node(node.operator, node.negate, tuple(crits)))
            configs.append(Configuration(conf.operator, conf.negate, tuple(nodes)))
        out.append(replace(template, id=f"CVE-9{i // 100000:03d}-{i % 100000:05d}", configurations=tuple(configs)))
    return out


def key_versions(records: list[CveRecord]) -> dict[Key, list[str]]:
    """Collect the version strings each key's criteria mention (literal versions and bounds)."""
    out: dict[Key, set[str]] = {}
    for r in records:
        for conf in r.configurations:
            for node in conf.nodes:
                for c in node.criteria:
                    seen = out.setdefault(c.cpe.key, set())
                    for v in (c.cpe.version, c.start_including, c.start_excluding, c.end_including, c.end_excluding):
                        if v and v not in ("*", "-"):
                            seen.add(v)
    return {k: sorted(v) for k, v in out.items() if v}


def make_inventory(
    n: int, per_asset: int, records: list[CveRecord], s: float, rng: random.Random
) -> list[InventoryItem]:
    """N assets × per_asset CPEs drawn by Zipf over keys, 1–8 distinct versions per product (geometric)."""
    versions = key_versions(records)
    keys = sorted(versions)
    weights = zipf_weights(len(keys), s)
    chosen: dict[Key, list[str]] = {}
    items = []
    for a in range(n):
        for j, key in enumerate(rng.choices(keys, weights, k=per_asset)):
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
                    cpe=f"cpe:/{key[0]}:{vendor}:{key[2]}:{version}",
                    source="scan:nmap",
                )
            )
    return items
