"""CISA Known Exploited Vulnerabilities catalogue (JSON or CSV, CC0) → entries keyed by CVE id."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from tandem.platform.safety.errors import TooLarge

from .errors import MAX_FEED_BYTES, FeedError, expect, load_json, pointer, text

_CVE_ID = re.compile(r"^CVE-[0-9]{4}-[0-9]{4,19}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CSV_COLUMNS = (
    "cveID",
    "vendorProject",
    "product",
    "vulnerabilityName",
    "dateAdded",
    "shortDescription",
    "requiredAction",
    "dueDate",
    "knownRansomwareCampaignUse",
    "notes",
    "cwes",
)


@dataclass(frozen=True, slots=True)
class KevEntry:
    """One catalogue entry; vendor/product are free text, so join on `cve_id` only."""

    cve_id: str
    vendor_project: str
    product: str
    name: str
    date_added: str
    due_date: str
    ransomware: bool
    required_action: str
    cwes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class KevCatalog:
    """A catalogue snapshot: version, release date and entries by CVE id."""

    version: str | None
    released: str | None
    entries: dict[str, KevEntry]


def _entry(row: dict[str, Any], where: str, cwes: tuple[str, ...]) -> KevEntry:
    cve_id = text(row, "cveID", where).strip()
    if not _CVE_ID.match(cve_id):
        raise FeedError(f"cveID {cve_id!r} is not a CVE id", where)
    added, due = text(row, "dateAdded", where), text(row, "dueDate", where)
    for label, value in (("dateAdded", added), ("dueDate", due)):
        if not _DATE.match(value):
            raise FeedError(f"{label} {value!r} is not YYYY-MM-DD", where)
    return KevEntry(
        cve_id=cve_id,
        vendor_project=str(row.get("vendorProject", "")),
        product=str(row.get("product", "")),
        name=str(row.get("vulnerabilityName", "")),
        date_added=added,
        due_date=due,
        ransomware=str(row.get("knownRansomwareCampaignUse", "")).strip().lower() == "known",
        required_action=str(row.get("requiredAction", "")),
        cwes=cwes,
    )


def parse_kev_json(data: bytes | str, name: str) -> KevCatalog:
    """Parse `known_exploited_vulnerabilities.json`."""
    doc = expect(load_json(data, name), dict, name)
    rows = expect(doc.get("vulnerabilities"), list, pointer(name, "vulnerabilities"))
    entries = {}
    for i, row in enumerate(rows):
        where = pointer(name, "vulnerabilities", i)
        entry = _entry(expect(row, dict, where), where, tuple(row.get("cwes") or ()))
        entries[entry.cve_id] = entry
    return KevCatalog(doc.get("catalogVersion"), doc.get("dateReleased"), entries)


def parse_kev_csv(data: bytes | str, name: str, max_bytes: int = MAX_FEED_BYTES) -> KevCatalog:
    """Parse `known_exploited_vulnerabilities.csv` (same 11 columns; `cwes` comma-joined in one field)."""
    if len(data) > max_bytes:
        raise TooLarge(f"CSV exceeds the {max_bytes}-byte limit", name)
    body = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    reader = csv.DictReader(io.StringIO(body, newline=""))
    missing = [c for c in _CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise FeedError(f"KEV CSV lacks columns {', '.join(missing)}", f"{name}:1")
    entries = {}
    for row in reader:
        where = f"{name}:{reader.line_num}"
        cwes = tuple(c.strip() for c in (row.get("cwes") or "").split(",") if c.strip())
        entry = _entry(row, where, cwes)
        entries[entry.cve_id] = entry
    return KevCatalog(None, None, entries)
