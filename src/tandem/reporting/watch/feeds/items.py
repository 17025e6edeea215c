"""What every watch parser returns: feed items in one shape, whatever their source format."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SOURCES = ("kev", "csaf", "cisa-advisories", "nist-csrc", "eur-lex", "rss", "federal-register", "ecfr")
# The formats a side-loaded file may be in; RSS/Atom files are attributed to a source by their channel link.
FORMATS = ("kev", "csaf", "rss", "federal-register", "ecfr")


@dataclass(frozen=True, slots=True)
class Product:
    """A product an advisory names: vendor, product, affected versions and the advisory's status for it."""

    vendor: str
    product: str
    versions: tuple[str, ...] = ()
    status: str = "known_affected"


@dataclass(frozen=True, slots=True)
class CfrRef:
    """A Code of Federal Regulations title and part, e.g. 45 CFR 164."""

    title: int
    part: int

    def __str__(self) -> str:
        return f"{self.title} CFR {self.part}"


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One watch item: an advisory, a KEV entry, a publication, a rule or an amendment."""

    source: str
    external_id: str
    title: str
    url: str = ""
    summary: str = ""
    published: str = ""  # ISO 8601 date or date-time, as precise as the source gives it
    cves: tuple[str, ...] = ()
    products: tuple[Product, ...] = ()
    cvss: float | None = None
    severity: str = ""
    remediations: tuple[str, ...] = ()
    cfr_refs: tuple[CfrRef, ...] = ()
    topics: tuple[str, ...] = ()
    jurisdictions: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed document: its source, its version (KEV catalogVersion, CSAF tracking version, …) and items."""

    source: str
    version: str
    title: str
    items: tuple[FeedItem, ...]
