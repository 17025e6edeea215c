"""Vendor/product alias table: both criteria and inventory are indexed under one canonical (vendor, product)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .cpe import CpeError, parse_fs, unescape
from .errors import expect, load_json, pointer

# Curated renames seen in our own scans and NVD history: nmap still emits igor_sysoev:nginx, NVD moved to f5.
CURATED: dict[tuple[str, str], tuple[str, str]] = {
    ("igor_sysoev", "nginx"): ("f5", "nginx"),
    ("nginx", "nginx"): ("f5", "nginx"),
    ("openssh", "openssh"): ("openbsd", "openssh"),
    ("microsoft", "iis"): ("microsoft", "internet_information_services"),
}


@dataclass
class AliasTable:
    """Map (vendor, product) pairs to their canonical pair; chains are followed to the end."""

    pairs: dict[tuple[str, str], tuple[str, str]] = field(default_factory=lambda: dict(CURATED))

    def canonical(self, vendor: str, product: str) -> tuple[str, str]:
        """Return the canonical (vendor, product) for a pair, itself when it has no alias."""
        pair = (unescape(vendor), unescape(product))
        seen = {pair}
        while pair in self.pairs:
            nxt = self.pairs[pair]
            if nxt in seen:
                break  # a cycle in the data: stop rather than loop
            seen.add(nxt)
            pair = nxt
        return pair

    def add(self, old: tuple[str, str], new: tuple[str, str]) -> None:
        """Record that `old` was renamed to `new` (ignored when identical)."""
        if old != new:
            self.pairs[old] = new


def _renames(product: dict[str, Any]) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    out: list[tuple[tuple[str, str], tuple[str, str]]] = []
    try:
        old = parse_fs(str(product.get("cpeName", "")))
    except CpeError:
        return out
    for dep in product.get("deprecatedBy") or ():
        try:
            new = parse_fs(str(dep.get("cpeName", "")))
        except CpeError:
            continue
        if (old.vendor, old.product) != (new.vendor, new.product):
            out.append(((unescape(old.vendor), unescape(old.product)), (unescape(new.vendor), unescape(new.product))))
    return out


def aliases_from_cpe_dictionary(data: bytes | str, name: str, table: AliasTable | None = None) -> AliasTable:
    """Add vendor/product renames found in `deprecatedBy` links of an NVD CPE API 2.0 page."""
    table = table or AliasTable()
    doc = expect(load_json(data, name), dict, name)
    for i, entry in enumerate(expect(doc.get("products", []), list, pointer(name, "products"))):
        product = expect(
            expect(entry, dict, pointer(name, "products", i)).get("cpe", {}), dict, pointer(name, "products", i, "cpe")
        )
        if product.get("deprecated"):
            for old, new in _renames(product):
                table.add(old, new)
    return table
