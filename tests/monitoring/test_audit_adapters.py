"""Network audits through the REST API (with an evidence upload), the web pages and `tandem network audit …`."""

from __future__ import annotations

import uuid

from typer.testing import CliRunner

from tandem.monitoring import cli
from tandem.platform.db.uow import set_database
from tests.support.live import Live

BASE = "/api/v1/monitoring"


def test_api_schedules_records_and_raises_a_finding(live: Live) -> None:
    with live.client("security_analyst") as client:
        checklist = client.post(f"{BASE}/checklists/template").json()
        made = client.post(
            f"{BASE}/audits",
            json={
                "checklist_id": checklist["id"],
                "title": f"Q4 {uuid.uuid4().hex[:4]}",
                "assignee": "security_analyst-user",
                "due_on": "2030-01-31",
            },
        )
        assert made.status_code == 201, made.text
        audit_id = made.json()["id"]
        bad = client.post(f"{BASE}/audits/{audit_id}/results", data={"item_key": "backups-tested", "result": "maybe"})
        assert bad.status_code == 422 and "result" in bad.text
        hostile = client.post(
            f"{BASE}/audits/{audit_id}/results",
            data={"item_key": "backups-tested", "result": "pass"},
            files={"file": ("x.exe", b"MZ\x90\x00binary", "application/x-msdownload")},
        )
        assert hostile.status_code == 422
        ok = client.post(
            f"{BASE}/audits/{audit_id}/results",
            data={"item_key": "backups-tested", "result": "fail", "note": "no restore test this year"},
            files={"file": ("log.txt", b"restore failed\n", "text/plain")},
        )
        assert ok.status_code == 200 and ok.json()["evidence_id"], ok.text
        detail = client.get(f"{BASE}/audits/{audit_id}").json()
        assert detail["status"] == "in_progress" and detail["results"][0]["result"] == "fail"
        found = client.get(f"{BASE}/issues", params={"rule": "audit:backups-tested", "status": "open"}).json()
        assert found["items"] and found["items"][0]["source"] == "audit"
    with live.client("viewer") as viewer:
        assert viewer.get(f"{BASE}/audits").status_code == 200
        assert viewer.post(f"{BASE}/audits", json={"checklist_id": checklist["id"]}).status_code == 403


def test_web_and_cli(live: Live) -> None:
    web = live.login("security_analyst-user")
    page = web.get("/monitoring/audits")
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert web.post("/monitoring/audits", data={"csrf_token": csrf, "action": "template"}).status_code == 303
    page = web.get("/monitoring/audits")
    checklist_id = page.text.split('<option value="', 1)[1].split('"', 1)[0]
    bad = web.post("/monitoring/audits", data={"csrf_token": csrf, "checklist_id": checklist_id, "due_on": "soon"})
    assert bad.status_code == 422 and "due_on" in bad.text
    made = web.post("/monitoring/audits", data={"csrf_token": csrf, "checklist_id": checklist_id, "title": "web"})
    assert made.status_code == 303
    audit_url = made.headers["location"].split("?", 1)[0]
    rec = web.post(
        audit_url,
        data={
            "csrf_token": csrf,
            "item_key": "logging-enabled",
            "result": "pass",
            "evidence_link": "https://siem.example/retention",
        },
    )
    assert rec.status_code == 303
    assert "siem.example" in web.get(audit_url).text
    runner = CliRunner()
    set_database(live.db)
    try:
        audit_id = audit_url.rsplit("/", 1)[1]
        done = runner.invoke(cli.app, ["audit", "record", audit_id, "firewall-rules", "n/a", "--note", "no firewall"])
        assert done.exit_code == 0 and "in_progress" in done.output, done.output
        listed = runner.invoke(cli.app, ["audit", "list", "--format", "json"])
        assert listed.exit_code == 0 and audit_id in listed.stdout
        assert runner.invoke(cli.app, ["audit", "checklists"]).exit_code == 0
    finally:
        set_database(None)
