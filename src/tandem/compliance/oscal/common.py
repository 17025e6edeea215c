"""Shared pieces of the OSCAL documents Tandem writes: metadata, timestamps, uuids, props."""

from __future__ import annotations

import uuid as uuidlib
from datetime import UTC, datetime
from typing import Any

OSCAL_VERSION = "1.2.3"
TANDEM_NS = "urn:tandem:oscal"

JSON = dict[str, Any]


def now_iso() -> str:
    """Return the current UTC time in the OSCAL date-time form (timezone required)."""
    return timestamp(datetime.now(UTC))


def timestamp(moment: datetime) -> str:
    """Format an aware datetime as OSCAL date-time; naive values are taken as UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.isoformat(timespec="seconds")


def new_uuid() -> str:
    """Return a random (version 4) uuid, as OSCAL asks for document and object identity."""
    return str(uuidlib.uuid4())


def metadata(title: str, version: str = "1.0", *, last_modified: datetime | None = None) -> JSON:
    """Return a minimal valid OSCAL metadata object written by Tandem."""
    return {
        "title": title,
        "last-modified": timestamp(last_modified) if last_modified else now_iso(),
        "version": version,
        "oscal-version": OSCAL_VERSION,
    }


def prop(name: str, value: str, *, ns: str | None = None) -> JSON:
    """Return an OSCAL property object (ns given for Tandem's own property names)."""
    out: JSON = {"name": name, "value": value}
    if ns:
        out["ns"] = ns
    return out


def drop_empty(obj: JSON) -> JSON:
    """Remove None values and empty lists, which OSCAL schemas reject (minItems 1)."""
    return {k: v for k, v in obj.items() if v is not None and v != [] and v != ""}
