"""Evidence files, review follow-ups into the risk register, access scope and playbook editing over real HTTP
(and the same commands from the CLI, in-process on the live database)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from typer.testing import CliRunner

from tandem.incidents import cli
from tandem.platform.db.uow import set_database
from tandem.platform.errors import InvalidInput
from tests.support.live import Live

BASE = "/api/v1/incidents"


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_evidence_follow_ups_and_access_scope_over_the_api(live: Live, tmp_path: Path) -> None:
    with live.client("ciso") as api:
        title = f"Encrypted shares {uuid.uuid4().hex[:4]}"
        body = {"title": title, "type": "ransomware", "org_unit_id": str(live.units["it"])}
        made = api.post(f"{BASE}/incidents", json=body)
        url = f"{BASE}/incidents/{made.json()['id']}"
        kept = api.post(f"{url}/evidence", files={"file": ("note.txt", b"pay us\n", "text/plain")},
                        data={"title": "Ransom note"})  # fmt: skip
        assert kept.status_code == 201, kept.text
        bad = api.post(f"{url}/evidence", files={"file": ("x.txt", b"<html><script>1</script>", "text/plain")})
        assert bad.status_code == 422 and bad.json()["errors"][0]["location"] == "file"
        assert [f["title"] for f in api.get(f"{url}/evidence").json()] == ["Ransom note"]
        got = api.get(f"{url}/evidence/{kept.json()['id']}/file")
        assert got.content == b"pay us\n" and got.headers["content-disposition"].startswith("attachment")
        assert got.headers["content-security-policy"] == "sandbox"
        nobody = api.post(f"{url}/scope", json={"kind": "account", "id": str(uuid.uuid4())})
        assert nobody.status_code == 422 and nobody.json()["errors"][0]["location"] == "body.id"
        early = api.post(f"{url}/review/risks", json={"title": "EDR", "scenario_title": "Ransomware"})
        assert early.status_code == 422
        assert api.patch(url, json={"status": "stable"}).status_code == 200
        link = api.post(f"{url}/review/risks", json={"title": "EDR everywhere", "scenario_title": "Ransomware"})
        assert link.status_code == 201, link.text
        assert api.get(f"/api/v1/risk/scenarios/{link.json()['scenario_id']}").status_code == 200
        assert [r["title"] for r in api.get(f"{url}/review/risks").json()] == ["EDR everywhere"]
    with live.client("finance-admin") as api:
        assert api.get(f"{url}/evidence/{kept.json()['id']}/file").status_code == 404
    browser = live.login("ciso-user")
    try:
        page = browser.get(f"/incidents/{made.json()['id']}")
        assert page.status_code == 200 and "EDR everywhere" in page.text and 'action="/incidents/' in page.text
        assert "Ransom note" in page.text and 'name="scenario_title"' in page.text  # evidence; the follow-up form
    finally:
        browser.close()
    note = tmp_path / "egress.csv"
    note.write_text("ts,bytes\n2025-03-03T09:00,0\n")
    set_database(live.db)  # the CLI in-process, on the live server's database
    try:
        kept_cli = CliRunner().invoke(cli.app, ["evidence", title, str(note), "--title", "Egress log"])
        assert kept_cli.exit_code == 0 and "SHA-256" in kept_cli.output, kept_cli.output
        shown = CliRunner().invoke(cli.app, ["proposal", title, "--format", "json"])
        assert shown.exit_code == 0 and json.loads(shown.output) == []  # nothing in scope
        linked = CliRunner().invoke(cli.app, ["follow-up", title, "--title", "Offline backups",
                                              "--new-scenario", "Backups encrypted too"])  # fmt: skip
        assert linked.exit_code == 0 and "Backups encrypted too" in linked.output, linked.output
        both = CliRunner().invoke(cli.app, ["follow-up", title, "--title", "x", "--scenario", str(uuid.uuid4())])
        assert isinstance(both.exception, InvalidInput)
    finally:
        set_database(None)


def test_playbooks_are_edited_in_the_browser_form(live: Live) -> None:
    client = live.login("ciso-user")
    try:
        page = client.get(f"/incidents/playbooks?unit={live.units['it']}")
        assert page.status_code == 200 and "Isolate affected hosts" in page.text
        form = {"csrf_token": _csrf(page.text), "org_unit_id": str(live.units["it"]), "incident_type": "malware",
                "name": "IT malware", "action": "save"}  # fmt: skip
        bad = client.post("/incidents/playbooks", data={**form, "tasks": "Reimage | janitor | soon"})
        assert bad.status_code == 422 and "must be one of commander" in bad.text and "Reimage | janitor" in bad.text
        saved = client.post("/incidents/playbooks", data={**form, "tasks": "Reimage the host | commander | 8"})
        assert saved.status_code == 303
        page = client.get(f"/incidents/playbooks?unit={live.units['it']}")
        assert "(IT malware)" in page.text and "Reimage the host | commander | 8" in page.text
        reset = client.post("/incidents/playbooks", data={**form, "tasks": "", "action": "reset"})
        assert reset.status_code == 303 and "(IT malware)" not in client.get("/incidents/playbooks").text
    finally:
        client.close()
