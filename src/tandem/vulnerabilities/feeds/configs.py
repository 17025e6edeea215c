"""NVD configuration semantics over criterion hits, evaluated per asset with set operations.

A CVE applies when any configuration holds; an AND configuration needs every node on the same asset (the
vulnerable application *and* the `vulnerable:false` platform it runs on); only `vulnerable:true` criteria
name what is affected. Hits arrive per distinct software version; a version's assets are the assets of every
item running it, so each node becomes the set of assets that satisfy it and configurations intersect or unite
those sets. Only assets with some hit on the record are considered (a negated node never matches a bare asset).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .nvd import Configuration, CveRecord, Node

Assets = frozenset[int]
_NONE: Assets = frozenset()


@dataclass(frozen=True, slots=True)
class CriterionHit:
    """A criterion (by table index and position in the record) satisfied by one distinct software version."""

    version: int
    criterion: int
    config: int
    node: int
    position: int
    vulnerable: bool
    criteria: str


@dataclass(frozen=True, slots=True)
class ConfigHit:
    """A vulnerable hit whose configuration holds on `assets`, with the platform criteria met beside it."""

    version: int
    criterion: int
    assets: Assets
    platform: tuple[str, ...]


def _combine(sets: list[Assets], all_of: bool, universe: Assets) -> Assets:
    if all_of:
        out = universe
        for s in sets:
            out = out & s
        return out
    return frozenset().union(*sets)


def _node_assets(node: Node, ci: int, ni: int, sat: dict[tuple[int, int, int], Assets], universe: Assets) -> Assets:
    sets = [sat.get((ci, ni, pi), _NONE) for pi in range(len(node.criteria))]
    result = _combine(sets, node.operator == "AND", universe)
    return universe - result if node.negate else result


def _config_assets(conf: Configuration, ci: int, sat: dict[tuple[int, int, int], Assets], universe: Assets) -> Assets:
    if not conf.nodes:
        return _NONE
    sets = [_node_assets(node, ci, ni, sat, universe) for ni, node in enumerate(conf.nodes)]
    result = _combine(sets, conf.operator == "AND", universe)
    return universe - result if conf.negate else result


def applicable_hits(
    record: CveRecord, hits: Sequence[CriterionHit], assets_of: Callable[[int], Assets]
) -> list[ConfigHit]:
    """Return the vulnerable hits of `record` restricted to the assets on which their configuration holds.

    Each (version, asset) is claimed once, by the first holding configuration and its first criterion, so a
    finding names one criterion as NVD lists them.
    """
    sat: dict[tuple[int, int, int], set[int]] = defaultdict(set)
    for h in hits:
        sat[(h.config, h.node, h.position)].update(assets_of(h.version))
    frozen = {k: frozenset(v) for k, v in sat.items()}
    universe = frozenset().union(*frozen.values())
    claimed: dict[int, Assets] = {}
    out: list[ConfigHit] = []
    ordered = sorted(hits, key=lambda h: (h.config, h.node, h.position))
    for ci, conf in enumerate(record.configurations):
        holds = _config_assets(conf, ci, frozen, universe)
        if not holds:
            continue
        platform_hits = [h for h in ordered if h.config == ci and not h.vulnerable]
        for h in ordered:
            if h.config != ci or not h.vulnerable:
                continue
            assets = (assets_of(h.version) & holds) - claimed.get(h.version, _NONE)
            if not assets:
                continue
            claimed[h.version] = claimed.get(h.version, _NONE) | assets
            out.extend(_with_platform(h, assets, platform_hits, assets_of))
    return out


def _with_platform(
    h: CriterionHit, assets: Assets, platform_hits: list[CriterionHit], assets_of: Callable[[int], Assets]
) -> list[ConfigHit]:
    if not platform_hits:
        return [ConfigHit(h.version, h.criterion, assets, ())]
    by_asset: dict[int, set[str]] = defaultdict(set)
    for p in platform_hits:
        for a in assets_of(p.version) & assets:
            by_asset[a].add(p.criteria)
    groups: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for a in assets:
        groups[tuple(sorted(by_asset.get(a, ())))].add(a)
    return [ConfigHit(h.version, h.criterion, frozenset(g), platform) for platform, g in groups.items()]
