"""Match watch items to what the organisation cares about: the frameworks it uses, the jurisdictions of its data
stores, and the vendors and products in its inventory. Every match carries the reason shown to the user."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property

from tandem.platform.geo import EU_COUNTRIES

from .items import FeedItem
from .topics import EU_TOPICS, framework_topics

# Words that say nothing about which product is meant ("IOS and IOS XE Software", "Confluence Server").
_GENERIC = frozenset(["and", "or", "the", "for", "of", "software", "server", "data", "center", "edition", "enterprise"])
# KEV and CISA name Chrome's vulnerabilities after its engine, Chromium.
_SYNONYMS = {"chromium": "chrome"}
_TOKEN = re.compile(r"[a-z0-9]+")
_DIGITS = re.compile(r"^\d[\d.]*$")


@dataclass(frozen=True, slots=True)
class Software:
    """A software component the organisation runs (name, vendor text, CPE vendor and product)."""

    label: str
    name: str
    vendor: str = ""
    cpe_vendor: str = ""
    cpe_product: str = ""


@dataclass(frozen=True, slots=True)
class Framework:
    """A compliance framework in the library, and whether an assessment uses it."""

    key: str
    name: str
    assessed: bool = False


@dataclass(frozen=True)
class OrgProfile:
    """What the organisation cares about, read from the other domains."""

    frameworks: tuple[Framework, ...] = ()
    store_countries: dict[str, tuple[str, ...]] = field(default_factory=dict)  # country → data store names
    vendors: tuple[str, ...] = ()
    software: tuple[Software, ...] = ()

    @cached_property
    def _index(self) -> _Index:
        return _Index.build(self)


@dataclass(frozen=True, slots=True)
class Match:
    """Why an item matters: kind (framework, jurisdiction, product, vendor), what it matched and the reason."""

    kind: str
    target: str
    reason: str


def compact(text: str) -> str:
    """Return lower-case letters and digits only: "Red Hat" and "redhat" compare equal."""
    return "".join(_TOKEN.findall(text.lower()))


def tokens(text: str) -> frozenset[str]:
    """Return the significant words of a product name (no versions, no generic words; synonyms folded)."""
    out = set()
    for tok in _TOKEN.findall(text.lower().replace("_", " ")):
        if _DIGITS.match(tok) or tok in _GENERIC:
            continue
        out.add(_SYNONYMS.get(tok, tok))
        stripped = tok.rstrip("0123456789")  # "log4j2" also reads as "log4j"
        if len(stripped) >= 3 and stripped != tok:
            out.add(stripped)
    return frozenset(out)


def same_vendor(a: str, b: str) -> bool:
    """Return whether two vendor names mean the same company ("Apache" ~ "Apache Software Foundation")."""
    ca, cb = compact(a), compact(b)
    return bool(ca and cb) and _vendor_close(ca, cb)


def _vendor_close(ca: str, cb: str) -> bool:
    return ca == cb or (min(len(ca), len(cb)) >= 3 and (ca.startswith(cb) or cb.startswith(ca)))


def _close_keys(wanted: str, keys: list[str]) -> set[str]:
    """Return the sorted keys that are `wanted`, a 3+ character prefix of it, or that it prefixes (bisect, no scan)."""
    if not wanted:
        return set()
    found = {k for k in (wanted[:n] for n in range(3, len(wanted) + 1)) if _present(keys, k)}
    if _present(keys, wanted):
        found.add(wanted)
    if len(wanted) >= 3:
        at = bisect.bisect_left(keys, wanted)
        while at < len(keys) and keys[at].startswith(wanted):
            found.add(keys[at])
            at += 1
    return found


def _present(keys: list[str], key: str) -> bool:
    at = bisect.bisect_left(keys, key)
    return at < len(keys) and keys[at] == key


@dataclass
class _Index:
    """The profile prepared once: software product keys grouped by compact vendor name, suppliers compacted."""

    by_vendor: dict[str, list[tuple[Software, list[frozenset[str]]]]]
    suppliers: dict[str, list[str]]  # compact name → supplier names
    mention: re.Pattern[str] | None
    vendor_keys: list[str] = field(default_factory=list)
    supplier_keys: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, profile: OrgProfile) -> _Index:
        by_vendor: dict[str, list[tuple[Software, list[frozenset[str]]]]] = {}
        for sw in profile.software:
            vendor_words = tokens(sw.vendor) | tokens(sw.cpe_vendor)
            keys = [k for k in (tokens(sw.cpe_product), tokens(sw.name) - vendor_words) if k]
            for vendor in {compact(sw.vendor), compact(sw.cpe_vendor)} - {""}:
                by_vendor.setdefault(vendor, []).append((sw, keys))
        names = [v for v in profile.vendors if compact(v)]
        mention = re.compile("|".join(rf"\b{re.escape(v)}\b" for v in names), re.I) if names else None
        suppliers: dict[str, list[str]] = {}
        for name in names:
            suppliers.setdefault(compact(name), []).append(name)
        return cls(by_vendor, suppliers, mention, sorted(by_vendor), sorted(suppliers))

    def software_of(self, vendor: str) -> list[tuple[Software, list[frozenset[str]]]]:
        """Return the software (with product keys) of every vendor name close to `vendor`."""
        return [
            entry for key in sorted(_close_keys(compact(vendor), self.vendor_keys)) for entry in self.by_vendor[key]
        ]

    def suppliers_of(self, vendor: str) -> list[str]:
        """Return the suppliers whose name is close to `vendor`."""
        return [
            name for key in sorted(_close_keys(compact(vendor), self.supplier_keys)) for name in self.suppliers[key]
        ]


def _product_matches(item: FeedItem, index: _Index) -> list[Match]:
    out: dict[str, Match] = {}
    for product in item.products:
        advertised = tokens(product.product)
        if not advertised:
            continue
        for sw, keys in index.software_of(product.vendor):
            if sw.label not in out and any(key <= advertised or advertised <= key for key in keys):
                named = f"{product.vendor} {product.product}".strip()
                out[sw.label] = Match("product", sw.label, f"{named} — the inventory runs {sw.label}")
    return list(out.values())


def _vendor_matches(item: FeedItem, index: _Index) -> list[Match]:
    out: dict[str, Match] = {}
    for product in item.products:
        for vendor in index.suppliers_of(product.vendor):
            reason = f"advisory names vendor {product.vendor}; {vendor} is a supplier"
            out.setdefault(vendor, Match("vendor", vendor, reason))
    if not item.products and index.mention is not None:
        found = {m.group(0).lower() for m in index.mention.finditer(f"{item.title} {item.summary}")}
        for names in index.suppliers.values():
            for vendor in names:
                if vendor.lower() in found:
                    out.setdefault(vendor, Match("vendor", vendor, f"mentions {vendor}, a supplier in the inventory"))
    return list(out.values())


def _framework_matches(item: FeedItem, profile: OrgProfile) -> list[Match]:
    out = []
    for fw in profile.frameworks:
        shared = [t for t in framework_topics(fw.key, fw.name) if t in item.topics]
        if shared:
            use = "assessed" if fw.assessed else "in the framework library"
            cited = ", ".join(str(r) for r in item.cfr_refs) or ", ".join(shared)
            out.append(Match("framework", fw.name, f"touches {', '.join(shared)} ({cited}); {fw.name} is {use}"))
    return out


def _jurisdiction_matches(item: FeedItem, profile: OrgProfile) -> list[Match]:
    if not item.topics:
        return []  # a jurisdiction alone (any US rule, any EU act) is too broad to flag
    out = []
    for juris in item.jurisdictions:
        countries = sorted(EU_COUNTRIES & set(profile.store_countries)) if juris == "EU" else (
            [juris] if juris in profile.store_countries else [])  # fmt: skip
        if juris == "EU" and not set(item.topics) & EU_TOPICS:
            continue
        stores = [s for c in countries for s in profile.store_countries[c]]
        if stores:
            where = ", ".join(countries)
            shown = ", ".join(stores[:4]) + (f" and {len(stores) - 4} more" if len(stores) > 4 else "")
            out.append(Match("jurisdiction", juris, f"{juris} rule on {', '.join(item.topics)}; data stores in "
                                                    f"{where}: {shown}"))  # fmt: skip
    return out


def match_item(item: FeedItem, profile: OrgProfile) -> list[Match]:
    """Return every reason the item matters to the organisation (empty: not matched)."""
    index = profile._index
    products = _product_matches(item, index)
    return [
        *_framework_matches(item, profile),
        *_jurisdiction_matches(item, profile),
        # A product the organisation runs says more than its vendor being a supplier; show only the stronger.
        *(products or _vendor_matches(item, index)),
    ]
