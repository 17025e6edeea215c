"""RSS 2.0 and Atom feeds (CISA advisories, NIST CSRC publications, EUR-Lex) → watch items. XML goes through the
platform's defused parser: no DTDs, no entities, no external references."""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from tandem.platform.safety.xml import parse_xml

from .errors import MAX_FEED_BYTES, FeedError, plain
from .items import FeedItem, ParsedFeed
from .topics import EU_TOPICS, detect_topics

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
# Which watch source an RSS/Atom feed is, by the host of its channel link.
_HOSTS = (("cisa.gov", "cisa-advisories"), ("csrc.nist.gov", "nist-csrc"), ("nist.gov", "nist-csrc"),
          ("europa.eu", "eur-lex"))  # fmt: skip


def source_of(link: str, fallback: str = "rss") -> str:
    """Return the watch source a feed belongs to, from its channel link's host."""
    host = (urlsplit(link).hostname or "").lower()
    return next((src for suffix, src in _HOSTS if host == suffix or host.endswith("." + suffix)), fallback)


def _date(raw: str) -> str:
    """Return an RFC 822 (RSS) or RFC 3339 (Atom) date as ISO 8601 UTC; unreadable dates are kept as given."""
    raw = raw.strip()
    if not raw:
        return ""
    try:
        parsed = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        try:
            parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            return raw[:40]
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).isoformat(timespec="seconds")


def _text(el: ET.Element | None) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def _item(source: str, title: str, link: str, ident: str, summary: str, published: str, where: str) -> FeedItem:
    if not title and not link:
        raise FeedError("entry has neither a title nor a link", where)
    # Items without a guid/id are keyed by their link (or a hash of their title when they have no link either).
    key = ident or link or "sha1:" + hashlib.sha1(title.encode(), usedforsecurity=False).hexdigest()
    topics = detect_topics((title, summary))
    # EUR-Lex items are EU acts; other feeds that cite an EU act are about it, not from the EU.
    eu = source == "eur-lex" or bool(set(topics) & EU_TOPICS)
    return FeedItem(
        source=source,
        external_id=key[:300],
        title=plain(title, 500) or link[:500],
        url=link[:1000],
        summary=plain(summary),
        published=_date(published),
        topics=topics,
        jurisdictions=("EU",) if eu else (),
    )


def _rss(root: ET.Element, name: str, source: str | None) -> ParsedFeed:
    channel = root.find("channel")
    if channel is None:
        raise FeedError("RSS document has no <channel>", name)
    src = source or source_of(_text(channel.find("link")))
    items = []
    for i, el in enumerate(channel.findall("item")):
        where = f"{name}#/rss/channel/item[{i + 1}]"
        published = _text(el.find("pubDate")) or _text(el.find(f"{DC}date"))
        items.append(_item(src, _text(el.find("title")), _text(el.find("link")), _text(el.find("guid")),
                           _text(el.find("description")), published, where))  # fmt: skip
    return ParsedFeed(src, _date(_text(channel.find("lastBuildDate"))), _text(channel.find("title")), tuple(items))


def _atom_link(el: ET.Element) -> str:
    links = el.findall(f"{ATOM}link")
    best = next((ln for ln in links if ln.get("rel", "alternate") == "alternate"), links[0] if links else None)
    return (best.get("href") or "").strip() if best is not None else ""


def _atom(root: ET.Element, name: str, source: str | None) -> ParsedFeed:
    src = source or source_of(_atom_link(root))
    items = []
    for i, el in enumerate(root.findall(f"{ATOM}entry")):
        where = f"{name}#/feed/entry[{i + 1}]"
        summary = _text(el.find(f"{ATOM}summary")) or _text(el.find(f"{ATOM}content"))
        published = _text(el.find(f"{ATOM}published")) or _text(el.find(f"{ATOM}updated"))
        items.append(_item(src, _text(el.find(f"{ATOM}title")), _atom_link(el), _text(el.find(f"{ATOM}id")),
                           summary, published, where))  # fmt: skip
    return ParsedFeed(src, _date(_text(root.find(f"{ATOM}updated"))), _text(root.find(f"{ATOM}title")), tuple(items))


def parse_rss(data: bytes, name: str, source: str | None = None, max_bytes: int = MAX_FEED_BYTES) -> ParsedFeed:
    """Parse an RSS 2.0 or Atom 1.0 document; `source` overrides the source read from the channel link."""
    root = parse_xml(data, name, max_bytes)
    if root.tag == "rss":
        return _rss(root, name, source)
    if root.tag == f"{ATOM}feed":
        return _atom(root, name, source)
    raise FeedError(f"root element <{root.tag}> is neither RSS 2.0 <rss> nor Atom <feed>", f"{name}:1")
