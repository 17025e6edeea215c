"""Northwind Health's vulnerability data: small real feed excerpts, ingested and matched through the services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tandem.vulnerabilities import ingest, matching

DATA = Path(__file__).parent / "demo_data"
# (file, kind): advisories first, enrichment after. No EPSS: its redistribution terms are not yet confirmed.
FILES = [
    ("CVE-2024-6387.json", "nvd"),
    ("CVE-2021-23017.json", "nvd"),
    ("CVE-2023-4863.json", "nvd"),
    ("cves-13-records-mixed-2026-01.json", "nvd"),
    ("PYSEC-2023-74.json", "osv"),
    ("kev-excerpt.json", "kev"),
]


def load_demo(session: Session, org: Any) -> None:
    """Ingest the sample feeds and match them against the demo inventory's software."""
    for name, kind in FILES:
        ingest.import_feed(session, kind, (DATA / name).read_bytes(), name, "demo")
    matching.match_now(session, "full")
