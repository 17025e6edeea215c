"""The array-based CPE path against an independent oracle: the `cpe` package (NISTIR 7696) decides names, the
scalar comparator decides ranges, plain booleans decide configurations per asset, on generated NVD records."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import replace
from functools import cmp_to_key
from typing import Any

import pytest
from cpe import CPE as OracleCpe
from cpe.cpe2_3_wfn import CPE2_3_WFN
from cpe.cpeset2_3 import CPESet2_3

from tandem.vulnerabilities.feeds import AliasTable, CveRecord, InventoryItem, Matcher, parse_nvd
from tandem.vulnerabilities.feeds.cpe import ANY, NA, unescape
from tandem.vulnerabilities.feeds.inventory import CpeTarget, cpe_target
from tandem.vulnerabilities.feeds.nvd import CpeCriterion
from tandem.vulnerabilities.feeds.versions import compare_versions

PRODUCTS = [("a", "acme", "web"), ("a", "acme", "db"), ("o", "acme", "os"), ("h", "acme", "box"), ("a", "zeta", "lib")]
VERSIONS = ["1.0", "1.0.0", "1.2", "1.2.5", "1.10", "2.0-rc1", "2.0", "2.0.1", "2.4.5", "2.4.49", "9.2p1", "10"]
_WFN: dict[str, CPE2_3_WFN] = {}


def _criterion(rng: random.Random, product: tuple[str, str, str], vulnerable: bool) -> dict[str, Any]:
    kind = rng.choice(["range", "range", "literal", "any", "na", "update", "target_sw"])
    version, update, target_sw = "*", "*", "*"
    out: dict[str, Any] = {"vulnerable": vulnerable}
    if kind == "range":
        low, high = sorted(rng.sample(VERSIONS, 2), key=cmp_to_key(compare_versions))
        if rng.random() < 0.7:
            out[rng.choice(["versionStartIncluding", "versionStartExcluding"])] = low
        out[rng.choice(["versionEndIncluding", "versionEndExcluding"])] = high
    elif kind == "literal":
        version = rng.choice(VERSIONS)
    elif kind == "na":
        version = NA
    elif kind == "update":
        version, update = rng.choice(["9.2", "1.2"]), rng.choice(["p1", NA, "beta"])
    elif kind == "target_sw":
        target_sw = rng.choice(["node.js", "wordpress"])
    out["criteria"] = f"cpe:2.3:{':'.join(product)}:{version}:{update}:*:*:*:{target_sw}:*:*"
    return out


def _record(rng: random.Random, n: int) -> dict[str, Any]:
    shape = rng.choice(["or", "or", "or", "and_platform", "and_node", "negate", "two_configs"])

    def node(vulnerable: bool = True, operator: str = "OR", negate: bool = False) -> dict[str, Any]:
        crits = [_criterion(rng, rng.choice(PRODUCTS), vulnerable) for _ in range(rng.randint(1, 3))]
        return {"operator": operator, "negate": negate, "cpeMatch": crits}

    configs: list[dict[str, Any]]
    if shape == "or":
        configs = [{"nodes": [node()]}]
    elif shape == "and_platform":
        configs = [{"operator": "AND", "nodes": [node(), node(vulnerable=False)]}]
    elif shape == "and_node":
        configs = [{"nodes": [node(operator="AND")]}]
    elif shape == "negate":
        configs = [{"operator": "AND", "nodes": [node(), node(vulnerable=False, negate=True)]}]
    else:
        configs = [{"nodes": [node()]}, {"operator": "AND", "nodes": [node(), node(vulnerable=False)]}]
    return {"id": f"CVE-2099-{n:05d}", "vulnStatus": "Analyzed", "descriptions": [], "configurations": configs}


def _inventory(rng: random.Random, assets: int) -> list[InventoryItem]:
    items = []
    for a in range(assets):
        for j in range(rng.randint(1, 5)):
            part, vendor, product = rng.choice(PRODUCTS)
            version = rng.choice([*VERSIONS, "1.5", "2.4.10", NA])
            if rng.random() < 0.3 and version != NA:
                cpe = f"cpe:/{part}:{vendor}:{product}:{version}"  # nmap's 2.2 URI
            else:
                update = rng.choice(["*", "*", "p1", NA])
                target_sw = rng.choice(["*", "*", "node.js"])
                cpe = f"cpe:2.3:{part}:{vendor}:{product}:{version}:{update}:*:*:*:{target_sw}:*:*"
            items.append(InventoryItem(f"asset-{a}", f"asset-{a}/{j}", product, "", cpe=cpe))
    return items


def _wfn(fs: str) -> CPE2_3_WFN:
    if fs not in _WFN:
        _WFN[fs] = CPE2_3_WFN(OracleCpe(fs).as_wfn())
    return _WFN[fs]


def _oracle_hit(crit: CpeCriterion, target: CpeTarget | None) -> bool:
    if target is None or crit.cpe.key != target.cpe.key:
        return False  # the package would say DISJOINT on part, vendor or product; skip its slow parse
    source = crit.cpe
    if target.cpe.version == NA and source.version != NA:
        return False  # documented choice: a versionless item meets only NA criteria, never "every version"
    if (
        source.version not in (ANY, NA)
        and compare_versions(unescape(source.version), unescape(target.cpe.version)) == 0
    ):
        # Documented extension: literal versions compare under the tolerant key (1.0 == 1.0.0).
        source = replace(source, version=target.cpe.version)
    if not CPESet2_3.cpe_superset(_wfn(source.to_fs()), _wfn(target.cpe.to_fs())):
        return False
    if crit.cpe.version != ANY:
        return True
    v = target.range_version
    return not (
        (crit.start_including and compare_versions(v, crit.start_including) < 0)
        or (crit.start_excluding and compare_versions(v, crit.start_excluding) <= 0)
        or (crit.end_including and compare_versions(v, crit.end_including) > 0)
        or (crit.end_excluding and compare_versions(v, crit.end_excluding) >= 0)
    )


def _oracle(records: list[CveRecord], items: list[InventoryItem]) -> set[tuple[str, str, str, tuple[str, ...]]]:
    by_asset: dict[str, list[InventoryItem]] = defaultdict(list)
    for item in items:
        by_asset[item.asset_id].append(item)
    targets = {item.software_id: cpe_target(item, AliasTable()) for item in items}
    out = set()
    for record in records:
        for asset_items in by_asset.values():
            hits = [
                (item, ci, ni, pi, crit)
                for ci, conf in enumerate(record.configurations)
                for ni, node in enumerate(conf.nodes)
                for pi, crit in enumerate(node.criteria)
                for item in asset_items
                if _oracle_hit(crit, targets[item.software_id])
            ]
            if not hits:
                continue  # only assets with some hit are evaluated, as in the matcher
            met = {(ci, ni, pi) for _, ci, ni, pi, _ in hits}
            claimed: set[str] = set()
            for ci, conf in enumerate(record.configurations):
                nodes = [
                    ((all if n.operator == "AND" else any)((ci, ni, pi) in met for pi in range(len(n.criteria))))
                    != n.negate
                    for ni, n in enumerate(conf.nodes)
                ]
                if not (nodes and (all(nodes) if conf.operator == "AND" else any(nodes)) != conf.negate):
                    continue
                platform = tuple(sorted({c.criteria for _, c_i, _, _, c in hits if c_i == ci and not c.vulnerable}))
                for item, c_i, _, _, crit in hits:
                    if c_i == ci and crit.vulnerable and item.software_id not in claimed:
                        claimed.add(item.software_id)
                        out.add((item.software_id, record.id, crit.criteria, platform))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_fast_path_agrees_with_the_oracle_on_generated_records(seed: int) -> None:
    rng = random.Random(seed)
    docs = [_record(rng, n) for n in range(150)]
    records = parse_nvd(json.dumps({"vulnerabilities": [{"cve": d} for d in docs]}).encode(), "gen.json")
    items = _inventory(rng, 25)
    found = Matcher(records).match(items)
    got = {(m.item.software_id, m.advisory_id, m.criterion, m.platform) for m in found}
    assert got == _oracle(records, items)
    assert len(got) > 20  # the generator produces real work, not an empty agreement


def test_bounds_inclusive_exclusive_and_unknown_versions() -> None:
    doc = {
        "id": "CVE-2099-1000",
        "vulnStatus": "Analyzed",
        "configurations": [
            {
                "nodes": [
                    {
                        "operator": "OR",
                        "cpeMatch": [
                            {
                                "vulnerable": True,
                                "criteria": "cpe:2.3:a:acme:web:*:*:*:*:*:*:*:*",
                                "versionStartExcluding": "2.4.5",
                                "versionEndIncluding": "2.4.49",
                            }
                        ],
                    }
                ]
            }
        ],
    }
    matcher = Matcher(parse_nvd(json.dumps(doc).encode(), "b.json"))
    verdicts = {}
    for version in ["2.4.5", "2.4.6", "2.4.10", "2.4.49", "2.4.49.0", "2.4.50", "2.5", "2.4.5-rc1"]:
        item = InventoryItem("h", version, cpe=f"cpe:2.3:a:acme:web:{version}:*:*:*:*:*:*:*")
        verdicts[version] = bool(matcher.match([item]))
    assert verdicts == {
        "2.4.5": False,  # excluded lower bound
        "2.4.6": True,  # a version no criterion names falls between the codes
        "2.4.10": True,
        "2.4.49": True,  # included upper bound
        "2.4.49.0": True,  # trailing zeros are equal
        "2.4.50": False,
        "2.5": False,
        "2.4.5-rc1": False,
    }


def test_results_per_version_expand_lazily_to_every_item_and_deltas_reuse_the_inventory() -> None:
    rng = random.Random(9)
    docs = [_record(rng, n) for n in range(120)]
    records = parse_nvd(json.dumps({"vulnerabilities": [{"cve": d} for d in docs]}).encode(), "gen.json")
    # The same software on many assets: matched once per distinct version.
    items = [_rename(it, a) for a in range(30) for it in _inventory(random.Random(a % 4), 1)]
    matcher = Matcher(records)
    prepared = matcher.prepare(items)
    assert len(prepared.versions.versions) < len(items)
    versions = matcher.match_versions(prepared)
    per_item = list(versions.expand())
    index, crit = versions.item_pairs()
    assert versions.item_count() == len(per_item) == len(index)
    assert sorted(zip(index.tolist(), crit.tolist(), strict=True)) == sorted((i, c) for i, _, c, _ in per_item)
    full = {(m.item.software_id, m.advisory_id) for m in matcher.match_prepared(prepared)}
    # A delta: only some records changed, matched against the already prepared inventory.
    changed = records[::7]
    delta = {(m.item.software_id, m.advisory_id) for m in Matcher(changed).match_prepared(prepared)}
    ids = {r.id for r in changed}
    assert delta == {f for f in full if f[1] in ids}


def _rename(item: InventoryItem, asset: int) -> InventoryItem:
    return InventoryItem(f"asset-{asset}", f"asset-{asset}/{item.software_id}", item.name, item.version, item.cpe)
