"""eCFR versioner JSON (`/api/versioner/v1/versions/title-45.json?part=164`) → one watch item per amendment of a
part: the sections it changed on that date."""

from __future__ import annotations

import re
from typing import Any

from .errors import MAX_FEED_BYTES, FeedError, expect, load_json, pointer, required
from .items import CfrRef, FeedItem, ParsedFeed
from .topics import detect_topics

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _changes(rows: list[Any], name: str) -> dict[tuple[int, int, str], list[dict[str, Any]]]:
    """Group the content versions by (title, part, amendment date)."""
    groups: dict[tuple[int, int, str], list[dict[str, Any]]] = {}
    for i, row in enumerate(rows):
        where = pointer(name, "content_versions", i)
        expect(row, dict, where)
        date = required(row, "amendment_date", where)
        if not _DATE.match(date):
            raise FeedError(f"amendment_date {date!r} is not YYYY-MM-DD", pointer(where, "amendment_date"))
        try:
            title, part = int(required(row, "title", where)), int(required(row, "part", where))
        except ValueError:
            raise FeedError("title and part must be numbers", where) from None
        groups.setdefault((title, part, date), []).append(row)
    return groups


def _item(title: int, part: int, date: str, rows: list[dict[str, Any]]) -> FeedItem:
    names = sorted({str(r.get("name") or r.get("identifier") or "") for r in rows})
    substantive = any(bool(r.get("substantive")) for r in rows)
    removed = sorted(str(r.get("identifier") or "") for r in rows if r.get("removed"))
    ref = CfrRef(title, part)
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return FeedItem(
        source="ecfr",
        external_id=f"{ref}@{date}",
        title=f"{ref} amended {date}: {len(rows)} section(s){'' if substantive else ' (editorial)'}",
        url=f"https://www.ecfr.gov/on/{date}/title-{title}/part-{part}",
        summary=shown,
        published=date,
        cfr_refs=(ref,),
        topics=detect_topics((), (ref,)),
        jurisdictions=("US",),
        extra={"sections": names, "substantive": substantive, "removed": removed,
               "issue_date": str(rows[0].get("issue_date") or "")},
    )  # fmt: skip


def parse_ecfr(data: bytes, name: str, max_bytes: int = MAX_FEED_BYTES) -> ParsedFeed:
    """Parse an eCFR versioner `versions` response into one item per (part, amendment date)."""
    doc = expect(load_json(data, name, max_bytes), dict, pointer(name))
    rows = expect(doc.get("content_versions"), list, pointer(name, "content_versions"))
    meta = doc.get("meta") if isinstance(doc.get("meta"), dict) else {}
    groups = _changes(rows, name)
    items = tuple(_item(t, p, d, r) for (t, p, d), r in sorted(groups.items(), key=lambda kv: kv[0][2], reverse=True))
    latest = str(meta.get("latest_amendment_date") or "")
    return ParsedFeed("ecfr", latest, f"eCFR title {meta.get('title', '')}".strip(), items)
