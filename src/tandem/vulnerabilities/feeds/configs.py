"""NVD configuration semantics over criterion hits, evaluated per asset.

A CVE applies when any configuration holds; an AND configuration needs every node on the same asset (the
vulnerable application *and* the `vulnerable:false` platform it runs on); only `vulnerable:true` criteria
name what is affected.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .cpe_index import CriterionHit
from .inventory import InventoryItem
from .nvd import Configuration, CveRecord, Node


@dataclass(frozen=True, slots=True)
class ConfigHit:
    """A vulnerable criterion hit that sits in a satisfied configuration, with the platform hits beside it."""

    hit: CriterionHit
    platform: tuple[str, ...]


def _node_holds(node: Node, ci: int, ni: int, satisfied: set[tuple[int, int, int]]) -> bool:
    present = [(ci, ni, pi) in satisfied for pi in range(len(node.criteria))]
    result = all(present) if node.operator == "AND" else any(present)
    return result != node.negate


def _config_holds(conf: Configuration, ci: int, satisfied: set[tuple[int, int, int]]) -> bool:
    results = [_node_holds(node, ci, ni, satisfied) for ni, node in enumerate(conf.nodes)]
    if not results:
        return False
    result = all(results) if conf.operator == "AND" else any(results)
    return result != conf.negate


def _simple(record: CveRecord) -> bool:
    # The common shape (one OR node per configuration, nothing negated) needs no per-asset evaluation.
    return all(
        len(c.nodes) == 1 and c.nodes[0].operator == "OR" and not c.nodes[0].negate and not c.negate
        for c in record.configurations
    )


def applicable_hits(record: CveRecord, hits: Sequence[CriterionHit], items: Sequence[InventoryItem]) -> list[ConfigHit]:
    """Return the vulnerable hits of `record` whose configuration holds on the hit item's asset."""
    if _simple(record):
        return [ConfigHit(h, ()) for h in hits if h.criterion.criterion.vulnerable]
    by_asset: dict[str, list[CriterionHit]] = defaultdict(list)
    for h in hits:
        by_asset[items[h.target.index].asset_id].append(h)
    out: list[ConfigHit] = []
    for asset_hits in by_asset.values():
        satisfied = {(h.criterion.config, h.criterion.node, h.criterion.position) for h in asset_hits}
        for ci, conf in enumerate(record.configurations):
            if not _config_holds(conf, ci, satisfied):
                continue
            platform = tuple(
                sorted(
                    {
                        h.criterion.criterion.criteria
                        for h in asset_hits
                        if h.criterion.config == ci and not h.criterion.criterion.vulnerable
                    }
                )
            )
            out.extend(
                ConfigHit(h, platform)
                for h in asset_hits
                if h.criterion.config == ci and h.criterion.criterion.vulnerable
            )
    return out
