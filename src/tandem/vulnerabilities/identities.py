"""Software identities: what makes two inventory items "the same software version" for matching.

Two items share a version when their CPEs normalise to the same target (CPE, compared version, distro build,
normalisation steps) and their purls to the same package coordinates: the matcher then says the same about both,
except for AND/platform configurations, which depend on the rest of the asset and are stored per item.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from tandem.vulnerabilities.feeds.aliases import AliasTable
from tandem.vulnerabilities.feeds.inventory import InventoryItem, cpe_target, package_ref


@dataclass(frozen=True, slots=True)
class Identity:
    """A software version's stable key (a hash of everything matching reads) and a readable form."""

    key_hash: str
    text: str


class Identities:
    """Compute identities of inventory rows, once per distinct (CPE, version, purl)."""

    def __init__(self, aliases: AliasTable | None = None) -> None:
        self.aliases = aliases or AliasTable()
        self._cache: dict[tuple[str | None, str, str | None], Identity | None] = {}

    def of(self, row: Any) -> Identity | None:
        """Return the identity of an inventory software row (None when nothing in it can be matched)."""
        raw = (row.cpe, row.version or "", row.purl)
        if raw not in self._cache:
            self._cache[raw] = self._compute(row.cpe, row.version or "", row.purl)
        return self._cache[raw]

    def _compute(self, cpe: str | None, version: str, purl: str | None) -> Identity | None:
        item = InventoryItem("", "", "", version, cpe, purl)
        target = cpe_target(item, self.aliases)
        ref = package_ref(0, item)
        if target is None and ref is None:
            return None
        parts: list[str] = []
        if target is not None:
            distro = f" ({target.distro})" if target.distro else ""
            parts.append(f"{target.cpe.to_fs()} @ {target.range_version}{distro}")
        if ref is not None:
            parts.append(f"{ref.family}{'/' + ref.release if ref.release else ''}:{ref.name}@{ref.version}")
        basis = repr((target, ref))
        return Identity(hashlib.sha256(basis.encode()).hexdigest(), " + ".join(parts)[:2000])
