"""Pure parsers and matching of the regulatory and threat watch: bytes in, feed items or located errors out.

No SQLAlchemy, FastAPI, Jinja2 or Typer here (an import-linter contract keeps it so)."""

from __future__ import annotations

from .csaf import parse_csaf, verify_sha512
from .ecfr import parse_ecfr
from .errors import MAX_FEED_BYTES, FeedError
from .federal_register import parse_federal_register
from .items import FORMATS, SOURCES, CfrRef, FeedItem, ParsedFeed, Product
from .kev import KevDelta, kev_delta, parse_kev
from .match import Framework, Match, OrgProfile, Software, match_item
from .rss import parse_rss

__all__ = [
    "FORMATS", "MAX_FEED_BYTES", "SOURCES", "CfrRef", "FeedError", "FeedItem", "Framework", "KevDelta", "Match",
    "OrgProfile", "ParsedFeed", "Product", "Software", "kev_delta", "match_item", "parse", "parse_csaf", "parse_ecfr",
    "parse_federal_register", "parse_kev", "parse_rss", "verify_sha512",
]  # fmt: skip


def parse(
    fmt: str, data: bytes, name: str, checksum: bytes | None = None, max_bytes: int = MAX_FEED_BYTES
) -> ParsedFeed:
    """Parse a feed document of a format (kev, csaf, rss, federal-register, ecfr)."""
    if fmt == "kev":
        return parse_kev(data, name, max_bytes)
    if fmt == "csaf":
        return parse_csaf(data, name, checksum, max_bytes)
    if fmt == "rss":
        return parse_rss(data, name, max_bytes=max_bytes)
    if fmt == "federal-register":
        return parse_federal_register(data, name, max_bytes)
    if fmt == "ecfr":
        return parse_ecfr(data, name, max_bytes)
    raise FeedError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}", "source")
