"""Northwind Health's sensitive data: a synthetic file share and two SQLite databases, scanned through the service."""

from __future__ import annotations

import os
import time
from typing import Any

from sqlalchemy.orm import Session

from tandem.data import demo_data, runner, service
from tandem.data.schemas import ScanCreate
from tandem.data.settings import get_data_settings
from tandem.inventory import service as inventory
from tandem.inventory.schemas import DataStoreCreate
from tandem.platform.errors import NotFound

SHARE = "northwind-share"
SHARE_STORE = "Northwind file share"


def _store(session: Session, name: str, kind: str, unit: Any, location: str) -> Any:
    """Find a demo inventory store by name, or create it."""
    try:
        return inventory.resolve_ref(session, None, f"data_store:{name}")[1]
    except NotFound:
        data = DataStoreCreate(name=name, kind=kind, org_unit_id=unit, location=location, country="US")
        return inventory.create_record(session, None, service.STORES, data)


def _scan(session: Session, source: str, store: Any, name: str) -> Any:
    scan = service.create_scan(session, None, ScanCreate(source=source, data_store_id=store.id, name=name), queue=False)
    runner.run_scan(scan.id, runner.inline(session))
    return scan


def load_demo(session: Session, org: Any) -> None:
    """Write the sources under scan-sources/, link them to inventory stores, scan them, then show a diff."""
    root = get_data_settings().roots()[0]
    share = root / SHARE
    (share / "marketing" / "campaign-export.csv").unlink(missing_ok=True)
    demo_data.write_files(share, demo_data.share_files())
    demo_data.billing_db(root / "billing.db")
    demo_data.ehr_db(root / "ehr.db")
    units = getattr(org, "units", {})
    it_unit = units["IT"].id if "IT" in units else org.root.id
    share_store = _store(session, SHARE_STORE, "file-share", it_unit, str(share))
    _scan(
        session,
        f"sqlite:///{root / 'billing.db'}",
        _store(session, "Billing database", "database", it_unit, ""),
        "Billing database sampling",
    )
    _scan(
        session,
        f"sqlite:///{root / 'ehr.db'}",
        _store(session, "EHR database", "database", it_unit, ""),
        "EHR database sampling",
    )
    _scan(session, str(share), share_store, "File share weekly scan")
    # A week later someone drops a campaign export with SSNs on the share: the re-scan reads only that file.
    demo_data.write_files(share, demo_data.marketing_leak())
    later = time.time() + 1
    os.utime(share / "marketing" / "campaign-export.csv", (later, later))
    _scan(session, str(share), share_store, "File share weekly scan")
