"""The data domain through its adapters: REST (queue, run, read, classify), the catalog page, the CLI."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from tandem.data.settings import get_data_settings
from tandem.platform.jobs import service as jobs
from tests.support.live import Live


def _share(name: str) -> Path:
    folder = get_data_settings().roots()[0] / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "patients.csv").write_text(
        "name,ssn,dob,email\n"
        "Maria Lopez,219-09-9999,1984-02-29,maria@example.org\n"
        "John Smith,536-22-8811,1979-11-02,js@example.net\n"
    )
    (folder / "notes.txt").write_text("Call Maria Lopez about card 4111 1111 1111 1111 before Friday.\n")
    return folder


def _run_queued(live: Live, job_id: str) -> None:
    claimed = jobs.claim_one(live.db, uuid.UUID(job_id))
    assert claimed is not None
    assert jobs.run_job(live.db, claimed) == "succeeded"


def test_scan_through_the_api_finds_masked_values_and_feeds_the_catalog(live: Live) -> None:
    folder = _share(f"share-{uuid.uuid4().hex[:6]}")
    store = f"Scanned share {folder.name}"
    with live.client("ciso") as client:
        queued = client.post("/api/v1/data/scans", json={"source": str(folder), "store_name": store})
        assert queued.status_code == 202, queued.text
        _run_queued(live, queued.json()["job_id"])
        detail = client.get(f"/api/v1/data/scans/{queued.json()['scan']['id']}").json()
        catalog = client.get("/api/v1/data/catalog").json()
    text = json.dumps(detail)
    assert "US_SSN" in text and "219-09-9999" not in text and "4111 1111 1111 1111" not in text
    assert store in json.dumps(catalog)


def test_scans_outside_the_roots_are_refused_with_a_location(live: Live) -> None:
    with live.client("ciso") as client:
        response = client.post("/api/v1/data/scans", json={"source": "/etc", "store_name": "nope"})
    assert response.status_code == 422
    assert any(e["location"].endswith("source") for e in response.json()["errors"])


def test_viewers_read_the_catalog_but_cannot_scan(live: Live) -> None:
    with live.client("viewer") as client:
        assert client.get("/api/v1/data/catalog").status_code == 200
        assert client.post("/api/v1/data/scans", json={"source": "x", "store_name": "y"}).status_code == 403


def test_catalog_page_renders(live: Live) -> None:
    page = live.login("ciso-user").get("/data")
    assert page.status_code == 200 and "<h1>" in page.text
