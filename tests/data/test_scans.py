"""Scans over a real database: files and SQLite, incremental re-scan, diff, resume, classification, catalog."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tandem.data import catalog, demo_data, runner, service
from tandem.data.schemas import ClassifyIn, ScanCreate
from tandem.platform.auth import service as auth
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.errors import Conflict, InvalidInput


def _unit(session: Session) -> uuid.UUID:
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    return auth.create_unit(session, None, f"Data-{uuid.uuid4().hex[:6]}", root.id).id


def _scan(session: Session, source: str, **kw: object) -> uuid.UUID:
    scan = service.create_scan(session, CONSOLE, ScanCreate(source=source, **kw), queue=False)  # type: ignore[arg-type]
    runner.run_scan(scan.id, runner.inline(session))
    return scan.id


def test_file_scan_incremental_diff_and_classification(session: Session, roots: Path) -> None:
    unit = _unit(session)
    share = roots / "share"
    demo_data.write_files(share, demo_data.share_files())
    store_name = f"Share {uuid.uuid4().hex[:6]}"
    first = service.get_scan(session, CONSOLE, _scan(session, "share", store_name=store_name, org_unit_id=unit))
    assert first.status == "succeeded" and first.objects_scanned == first.objects_total >= 25
    assert first.type_counts["US_SSN"] > 0 and first.type_counts["CREDIT_CARD"] > 0
    demo_data.write_files(share, demo_data.marketing_leak())
    second = service.get_scan(session, CONSOLE, service.rescan(session, CONSOLE, first.id).id)
    runner.run_scan(second.id, runner.inline(session))
    assert second.objects_skipped == first.objects_total and second.objects_scanned == 1
    change = service.diff_scans(session, CONSOLE, second.id)
    assert {"object": "marketing/campaign-export.csv", "type": "US_SSN", "before": 0, "after": 15} in change["appeared"]
    assert any(line.startswith("US_SSN appeared in") for line in change["headline"])
    hint = catalog.suggestion(session, CONSOLE, first.data_store_id)
    assert hint["classification"] == "restricted" and "government-id" in hint["data_categories"]
    store = catalog.classify_store(session, CONSOLE, first.data_store_id, ClassifyIn())
    assert store.source == f"discovered by scan {second.id}" and "payment-card" in store.data_categories
    corrected = catalog.classify_store(
        session, CONSOLE, first.data_store_id, ClassifyIn(data_categories=["contact"], classification="confidential")
    )
    assert corrected.data_categories == ["contact"] and corrected.classification == "confidential"
    row = next(r for r in catalog.matrix(session, CONSOLE)["rows"] if r["data_store_id"] == first.data_store_id)
    assert row["cells"]["government-id"] > 0


def test_sqlite_scan_per_column(session: Session, roots: Path) -> None:
    demo_data.billing_db(roots / "billing.db")
    scan_id = _scan(
        session,
        f"sqlite:///{roots / 'billing.db'}",
        store_name=f"Billing {uuid.uuid4().hex[:6]}",
        org_unit_id=_unit(session),
    )
    objects = {(o.path, o.column): o for o in service.scan_objects(session, CONSOLE, scan_id)}
    assert objects[("invoices", "card_number")].type_counts == {"CREDIT_CARD": 200}
    assert objects[("customers", "email")].type_counts.get("EMAIL") == 120
    assert all("@" not in s or "*" in s for o in objects.values() for v in o.samples.values() for s in v)


def test_refusals_cancel_and_resume(session: Session, roots: Path) -> None:
    with pytest.raises(InvalidInput):
        service.create_scan(session, CONSOLE, ScanCreate(source="/etc"), queue=False)
    with pytest.raises(InvalidInput):
        service.create_scan(session, CONSOLE, ScanCreate(source="postgresql://u@10.9.8.7/x"), queue=False)
    (roots / "a.txt").write_text("call 617-555-0199")
    scan = service.create_scan(
        session, CONSOLE, ScanCreate(source="a.txt", store_name=f"S {uuid.uuid4().hex[:6]}", org_unit_id=_unit(session))
    )
    first_job = scan.job_id
    assert first_job is not None
    assert service.cancel_scan(session, CONSOLE, scan.id).status == "cancelled"
    resumed = service.resume_scan(session, CONSOLE, scan.id)
    assert resumed.status == "queued" and resumed.job_id != first_job
    with pytest.raises(Conflict):
        service.resume_scan(session, CONSOLE, scan.id)
