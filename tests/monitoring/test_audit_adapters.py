"""Network audits through the REST API (with an evidence upload), the web pages and `tandem network audit …`."""

from __future__ import annotations

import uuid

from typer.testing import CliRunner

from tandem.monitoring import cli
from tandem.platform.db.uow import set_database
from tandem.platform.errors import InvalidInput
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


def test_api_edits_cancels_deletes_and_copies_checklists(live: Live) -> None:
    with live.client("security_analyst") as client:
        template = client.post(f"{BASE}/checklists/template").json()
        copy = client.post(f"{BASE}/checklists/{template['id']}/copy", json={"name": f"Ours {uuid.uuid4().hex[:4]}"})
        assert copy.status_code == 201, copy.text
        mine = copy.json()
        items = [mine["items"][1], mine["items"][0], {"key": "wifi-guest", "text": "Guest Wi-Fi isolated"}]
        patched = client.patch(f"{BASE}/checklists/{mine['id']}", json={"items": items})
        assert patched.status_code == 200 and [i["key"] for i in patched.json()["items"]][2] == "wifi-guest"
        bad = client.patch(f"{BASE}/checklists/{mine['id']}", json={"items": [{"key": "Bad Key", "text": "x"}]})
        assert bad.status_code == 422 and "items" in bad.text
        audit = client.post(f"{BASE}/audits", json={"checklist_id": mine["id"], "title": "API edit"}).json()
        edited = client.patch(f"{BASE}/audits/{audit['id']}", json={"title": "API edited", "due_on": "2031-03-01"})
        assert edited.status_code == 200 and edited.json()["title"] == "API edited", edited.text
        assert client.patch(f"{BASE}/audits/{audit['id']}", json={"status": "done"}).status_code == 422
        client.post(f"{BASE}/audits/{audit['id']}/results", data={"item_key": "wifi-guest", "result": "pass"})
        assert client.delete(f"{BASE}/audits/{audit['id']}").status_code == 409  # has results: cancel instead
        cancelled = client.patch(f"{BASE}/audits/{audit['id']}", json={"status": "cancelled"})
        assert cancelled.json()["status"] == "cancelled"
        assert client.delete(f"{BASE}/checklists/{mine['id']}").status_code == 409  # an audit runs it
        spare = client.post(f"{BASE}/audits", json={"checklist_id": mine["id"]}).json()
        assert client.delete(f"{BASE}/audits/{spare['id']}").status_code == 204
        assert client.get(f"{BASE}/audits/{spare['id']}").status_code == 404
    with live.client("viewer") as viewer:
        assert viewer.patch(f"{BASE}/audits/{audit['id']}", json={"title": "x"}).status_code == 403
        assert viewer.delete(f"{BASE}/audits/{audit['id']}").status_code == 403
        assert viewer.post(f"{BASE}/checklists/{mine['id']}/copy", json={"name": "v"}).status_code == 403


def test_web_and_cli_edit_and_delete(live: Live) -> None:
    web = live.login("security_analyst-user")
    csrf = web.get("/monitoring/audits").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    web.post("/monitoring/audits", data={"csrf_token": csrf, "action": "template"})
    checklist_id = web.get("/monitoring/audits").text.split('<option value="', 1)[1].split('"', 1)[0]
    made = web.post("/monitoring/audits", data={"csrf_token": csrf, "checklist_id": checklist_id, "title": "w"})
    audit_url = made.headers["location"].split("?", 1)[0]
    assert 'name="title" value="w"' in web.get(f"{audit_url}/edit").text
    form = {
        "csrf_token": csrf,
        "title": "web edited",
        "asset_ids": "",
        "assignee": "",
        "due_on": "",
        "status": "planned",
    }
    assert web.post(f"{audit_url}/edit", data=form).status_code == 303
    assert "Audit web edited" in web.get(audit_url).text
    assert web.post(f"{audit_url}/edit", data={**form, "title": "x", "csrf_token": "forged"}).status_code == 403
    bad = web.post(f"{audit_url}/edit", data={**form, "due_on": "someday"})
    assert bad.status_code == 422 and "due_on" in bad.text
    unconfirmed = web.post(f"{audit_url}/delete", data={"csrf_token": csrf, "action": "delete"})
    assert unconfirmed.status_code == 422 and "tick the box" in unconfirmed.text
    page = web.get(f"/monitoring/checklists/{checklist_id}")
    assert page.status_code == 200 and "firewall-rules | Firewall rules reviewed" in page.text
    copy = {"csrf_token": csrf, "action": "copy", "copy_name": f"Web copy {uuid.uuid4().hex[:4]}"}
    copied = web.post(f"/monitoring/checklists/{checklist_id}", data=copy)
    assert copied.status_code == 303
    copy_url = copied.headers["location"].split("?", 1)[0]
    saved = web.post(copy_url, data={"csrf_token": csrf, "action": "save", "name": "Web copy edited",
                                     "description": "", "items": "vpn | VPN uses MFA\nDNS logged"})  # fmt: skip
    assert saved.status_code == 303 and "dns-logged" in web.get(copy_url).text
    broken = web.post(copy_url, data={"csrf_token": csrf, "action": "save", "name": "n", "items": "-x | y | z"})
    assert broken.status_code == 422 and "line 1" in broken.text
    runner = CliRunner()
    set_database(live.db)
    try:
        audit_id = audit_url.rsplit("/", 1)[1]
        done = runner.invoke(cli.app, ["audit", "edit", audit_id, "--title", "cli edited", "--due", "2031-01-02"])
        assert done.exit_code == 0 and "cli edited" in done.output and "2031-01-02" in done.output, done.output
        wrong = runner.invoke(cli.app, ["audit", "edit", audit_id, "--status", "done"])
        assert isinstance(wrong.exception, InvalidInput) and wrong.exception.errors[0].location == "status"
        refused = runner.invoke(cli.app, ["audit", "delete", audit_id])
        assert refused.exit_code != 0 and "--yes" in repr(refused.exception)
        gone = runner.invoke(cli.app, ["audit", "delete", audit_id, "--yes"])
        assert gone.exit_code == 0, gone.output
        assert web.get(audit_url).status_code == 404
        shown = runner.invoke(cli.app, ["audit", "checklist-show", checklist_id])
        assert shown.exit_code == 0 and "backups-tested | Backups tested" in shown.output
    finally:
        set_database(None)
