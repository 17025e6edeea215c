"""Monitoring through its REST API: a scan upload is parsed, queued, run and reconciled; hostile XML is refused."""

from __future__ import annotations

import uuid
from pathlib import Path

from tandem.platform.jobs import service as jobs
from tests.support.live import Live

DATA = Path(__file__).parent / "data"


def test_scan_upload_runs_and_fills_the_shadow_it_queue(live: Live) -> None:
    body = (DATA / "nmap-localhost-baseline.xml").read_bytes()
    with live.client("security_analyst") as client:
        queued = client.post("/api/v1/monitoring/scans/imports", params={"file_name": "baseline.xml"}, content=body)
        assert queued.status_code == 202, queued.text
        job_id = uuid.UUID(queued.json()["job_id"])
        assert jobs.claim_one(live.db, job_id) == job_id
        assert jobs.run_job(live.db, job_id) == "succeeded"
        scans = client.get("/api/v1/monitoring/scans").json()["items"]
        shadow = client.get("/api/v1/monitoring/shadow-it").json()["items"]
    assert scans and shadow


def test_hostile_scan_xml_is_refused_with_a_location(live: Live) -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><nmaprun>&b;</nmaprun>'
    with live.client("security_analyst") as client:
        response = client.post("/api/v1/monitoring/scans/imports", params={"file_name": "evil.xml"}, content=bomb)
    assert response.status_code == 422
    assert "evil.xml" in response.text


def test_viewers_read_but_cannot_import(live: Live) -> None:
    with live.client("viewer") as client:
        assert client.get("/api/v1/monitoring/findings").status_code == 200
        assert client.post("/api/v1/monitoring/scans/imports", content=b"<nmaprun/>").status_code == 403
