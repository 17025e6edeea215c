"""Federal Register API JSON (`/api/v1/documents.json` result pages and `/api/v1/documents/{number}.json`
single documents) → one watch item per document, with its CFR references."""

from __future__ import annotations

from typing import Any

from .errors import MAX_FEED_BYTES, FeedError, expect, load_json, plain, pointer, required
from .items import CfrRef, FeedItem, ParsedFeed
from .topics import detect_topics


def _cfr_refs(doc: dict[str, Any], where: str) -> tuple[CfrRef, ...]:
    refs = []
    for i, ref in enumerate(expect(doc.get("cfr_references") or [], list, pointer(where, "cfr_references"))):
        sub = pointer(where, "cfr_references", i)
        expect(ref, dict, sub)
        try:
            refs.append(CfrRef(int(ref.get("title")), int(ref.get("part"))))
        except (TypeError, ValueError):
            raise FeedError("a CFR reference needs a numeric title and part", sub) from None
    return tuple(dict.fromkeys(refs))


def _item(doc: dict[str, Any], where: str) -> FeedItem:
    number = required(doc, "document_number", where)
    title = required(doc, "title", where)
    abstract = plain(str(doc.get("abstract") or ""))
    agencies = [str(a.get("name") or a.get("raw_name") or "") for a in doc.get("agencies") or [] if isinstance(a, dict)]
    refs = _cfr_refs(doc, where)
    excerpts = plain(str(doc.get("excerpts") or ""), 1000)
    return FeedItem(
        source="federal-register",
        external_id=number,
        title=plain(title, 500),
        url=str(doc.get("html_url") or ""),
        summary=abstract,
        published=str(doc.get("publication_date") or ""),
        cfr_refs=refs,
        topics=detect_topics((title, abstract, excerpts, str(doc.get("action") or "")), refs),
        jurisdictions=("US",),
        extra={"type": str(doc.get("type") or ""), "agencies": agencies, "action": str(doc.get("action") or ""),
               "effective_on": str(doc.get("effective_on") or ""),
               "comments_close_on": str(doc.get("comments_close_on") or "")},
    )  # fmt: skip


def parse_federal_register(data: bytes, name: str, max_bytes: int = MAX_FEED_BYTES) -> ParsedFeed:
    """Parse a documents.json result page or a single document's JSON."""
    doc = expect(load_json(data, name, max_bytes), dict, pointer(name))
    if "results" in doc:
        rows = expect(doc["results"], list, pointer(name, "results"))
        items = tuple(_item(expect(r, dict, pointer(name, "results", i)), pointer(name, "results", i))
                      for i, r in enumerate(rows))  # fmt: skip
        return ParsedFeed("federal-register", "", str(doc.get("description") or "Federal Register"), items)
    if "document_number" in doc:
        return ParsedFeed("federal-register", "", "Federal Register", (_item(doc, pointer(name)),))
    raise FeedError("neither a documents.json result page (results) nor a document (document_number)", pointer(name))
