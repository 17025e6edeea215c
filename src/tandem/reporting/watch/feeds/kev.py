"""CISA Known Exploited Vulnerabilities catalogue (JSON, CC0) → one watch item per entry, and the delta against
the catalogue version seen last."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from .errors import MAX_FEED_BYTES, FeedError, expect, load_json, plain, pointer, required
from .items import FeedItem, ParsedFeed, Product

_CVE_ID = re.compile(r"^CVE-[0-9]{4}-[0-9]{4,19}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NVD_URL = "https://nvd.nist.gov/vuln/detail/"


@dataclass(frozen=True, slots=True)
class KevDelta:
    """What a catalogue adds to what was seen: the new items, and whether its version is newer at all."""

    version: str
    newer: bool
    new: tuple[FeedItem, ...]


def _item(row: dict[str, object], where: str) -> FeedItem:
    cve = required(row, "cveID", where)
    if not _CVE_ID.match(cve):
        raise FeedError(f"cveID {cve!r} is not a CVE id", pointer(where, "cveID"))
    added, due = required(row, "dateAdded", where), required(row, "dueDate", where)
    for label, value in (("dateAdded", added), ("dueDate", due)):
        if not _DATE.match(value):
            raise FeedError(f"{label} {value!r} is not YYYY-MM-DD", pointer(where, label))
    vendor, product = str(row.get("vendorProject") or "").strip(), str(row.get("product") or "").strip()
    ransomware = str(row.get("knownRansomwareCampaignUse") or "").strip().lower() == "known"
    cwes = row.get("cwes") or []
    return FeedItem(
        source="kev",
        external_id=cve,
        title=f"{cve}: {plain(str(row.get('vulnerabilityName') or ''), 400) or vendor + ' ' + product}",
        url=NVD_URL + cve,
        summary=plain(str(row.get("shortDescription") or "")),
        published=added,
        cves=(cve,),
        products=(Product(vendor, product),) if vendor or product else (),
        remediations=(plain(str(row.get("requiredAction") or ""), 1000),),
        extra={
            "due_date": due,
            "ransomware": ransomware,
            "cwes": [str(c) for c in cwes] if isinstance(cwes, list) else [],
            "notes": plain(str(row.get("notes") or ""), 2000),
        },
    )


def parse_kev(data: bytes, name: str, max_bytes: int = MAX_FEED_BYTES) -> ParsedFeed:
    """Parse `known_exploited_vulnerabilities.json` into one item per catalogue entry."""
    doc = expect(load_json(data, name, max_bytes), dict, pointer(name))
    version = str(doc.get("catalogVersion") or "").strip()
    if not version:
        raise FeedError("missing catalogVersion: not a KEV catalogue", pointer(name, "catalogVersion"))
    rows = expect(doc.get("vulnerabilities"), list, pointer(name, "vulnerabilities"))
    items: dict[str, FeedItem] = {}
    for i, row in enumerate(rows):
        where = pointer(name, "vulnerabilities", i)
        item = _item(expect(row, dict, where), where)
        items[item.external_id] = item
    count = doc.get("count")
    if isinstance(count, int) and count != len(rows):
        raise FeedError(f"count says {count} entries but the catalogue holds {len(rows)}", pointer(name, "count"))
    return ParsedFeed("kev", version, str(doc.get("title") or "CISA KEV"), tuple(items.values()))


def kev_delta(feed: ParsedFeed, last_version: str | None, known_ids: Collection[str]) -> KevDelta:
    """Return the entries not seen before; versions are YYYY.MM.DD, so they compare as text."""
    newer = last_version is None or feed.version > last_version
    new = tuple(item for item in feed.items if item.external_id not in known_ids)
    return KevDelta(feed.version, newer, new)
