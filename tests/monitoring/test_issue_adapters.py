"""Network findings through the REST API, the web pages and the CLI (`tandem network …`) on a live server."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from typer.testing import CliRunner

from tandem.monitoring import cli
from tandem.platform.db.uow import set_database
from tests.support.live import Live

DATA = Path(__file__).parent / "data"
BASE = "/api/v1/monitoring/issues"


def test_api_lists_shows_and_triages(live: Live) -> None:
    runner = CliRunner()
    set_database(live.db)
    try:
        done = runner.invoke(cli.app, ["import", str(DATA / "nmap-localhost-tls-scripts.xml"), "--wait",
                                       "--target", f"api-{uuid.uuid4().hex[:6]}"])  # fmt: skip
        assert done.exit_code == 0, done.output
        listed = runner.invoke(cli.app, ["findings", "--rule", "tls-protocol", "--format", "json"])
        assert listed.exit_code == 0, listed.output
        rows = json.loads(listed.stdout)
        assert rows and rows[0]["status"] == "open"
        issue_id = rows[0]["id"]
        bad = runner.invoke(cli.app, ["triage", issue_id, "accepted", "--reason", "legacy"])
        assert bad.exit_code != 0 and "until" in str(bad.exception)  # main() turns it into one line
        until = (dt.date.today() + dt.timedelta(days=60)).isoformat()
        ok = runner.invoke(cli.app, ["triage", issue_id, "accepted", "--reason", "legacy", "--until", until])
        assert ok.exit_code == 0 and "accepted" in ok.output, ok.output
    finally:
        set_database(None)
    with live.client("viewer") as viewer:
        assert viewer.get(BASE, params={"status": "accepted"}).status_code == 200
        assert viewer.post(f"{BASE}/{issue_id}/triage", json={"status": "fixed"}).status_code == 403
    with live.client("security_analyst") as client:
        detail = client.get(f"{BASE}/{issue_id}").json()
        assert detail["status"] == "accepted" and detail["sightings"][0]["detail"]
        missing = client.post(f"{BASE}/{issue_id}/triage", json={"status": "false_positive"})
        assert missing.status_code == 422 and "reason" in missing.text
        fixed = client.post(f"{BASE}/{issue_id}/triage", json={"status": "fixed", "reason": "TLS 1.0 disabled"})
        assert fixed.status_code == 200 and fixed.json()["status"] == "fixed"
        assert client.get(BASE, params={"status": "nope"}).status_code == 422
        assert client.get(f"{BASE}/{uuid.uuid4()}").status_code == 404


def test_web_pages_list_filter_and_triage(live: Live) -> None:
    with live.client("security_analyst") as client:
        body = (DATA / "nmap-localhost-tls-scripts.xml").read_bytes()
        queued = client.post("/api/v1/monitoring/scans/imports", params={"file_name": "tls.xml"}, content=body)
        assert queued.status_code == 202
    from tandem.platform.jobs import service as jobs

    job_id = uuid.UUID(queued.json()["job_id"])
    assert jobs.claim_one(live.db, job_id) == job_id and jobs.run_job(live.db, job_id) == "succeeded"
    web = live.login("security_analyst-user")
    page = web.get("/monitoring/findings", params={"severity": "high"})
    assert page.status_code == 200 and "Network findings" in page.text
    assert web.get("/monitoring/findings", params={"status": "nope"}).status_code == 422
    issue_id = page.text.split('href="/monitoring/findings/', 1)[1].split('"', 1)[0]
    detail = web.get(f"/monitoring/findings/{issue_id}")
    assert detail.status_code == 200 and "Scans that reported it" in detail.text
    csrf = detail.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    bad = web.post(f"/monitoring/findings/{issue_id}", data={"csrf_token": csrf, "status": "accepted", "reason": "x"})
    assert bad.status_code == 422 and "until" in bad.text
    ok = web.post(f"/monitoring/findings/{issue_id}", data={"csrf_token": csrf, "status": "false_positive",
                                                            "reason": "lab scanner artefact"})  # fmt: skip
    assert ok.status_code == 303
    assert "false positive" in web.get(f"/monitoring/findings/{issue_id}").text
