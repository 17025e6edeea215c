"""Demo data of the watch: the shipped feed samples, imported and matched against Northwind Health."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tandem.reporting.queries import watch as queries
from tandem.reporting.watch import service
from tandem.reporting.watch.schemas import TriageIn

SAMPLES = Path(__file__).parent / "samples"
FILES = (
    ("kev", "kev-2025.08.25-slice.json"),
    ("csaf", "va-24-254-01.json"),
    ("csaf", "icsa-24-081-01.json"),
    ("rss", "cisa-advisories.xml"),
    ("rss", "nist-csrc-publications.rss"),
    ("rss", "eur-lex.atom"),
    ("federal-register", "federal-register-documents.json"),
    ("ecfr", "ecfr-title-45-part-164-versions.json"),
)


def import_samples(session: Session) -> int:
    """Import every shipped sample (CSAF with its .sha512); return how many items are new."""
    new = 0
    for fmt, name in FILES:
        path = SAMPLES / name
        beside = path.with_name(name + ".sha512")
        checksum = beside.read_bytes() if beside.is_file() else None
        new += service.import_document(session, None, fmt, path.read_bytes(), name, checksum).new
    return new


def load_demo(session: Session, org: Any) -> None:
    """Import the samples and triage one item, so the demo watch list shows matches and a decision."""
    import_samples(session)
    owner = queries.person_with_title(session, "Head of Security")
    rule = service.find_item(session, None, "2024-30983")  # the proposed HIPAA Security Rule update
    service.triage(session, None, rule.id, TriageIn(
        status="relevant", owner_id=owner, task="Compare the proposed Security Rule changes with our HIPAA controls",
        task_due=dt.date.today() + dt.timedelta(days=30),
        notes="Comment period closed 2025-03-07; watch for the final rule."))  # fmt: skip
    webp = service.find_item(session, None, "CVE-2023-4863")  # libwebp in Chrome 116 on every workstation
    service.triage(session, None, webp.id, TriageIn(
        status="relevant", owner_id=owner, task="Confirm Chrome is past 116.0.5845.187 on all workstations",
        task_due=dt.date.today() + dt.timedelta(days=7)))  # fmt: skip
    advantech = service.find_item(session, None, "ICSA-24-081-01", "csaf")
    service.triage(session, None, advantech.id, TriageIn(status="not_relevant", notes="No Advantech SCADA here."))
