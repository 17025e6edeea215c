"""The watch through its REST API (live server on loopback) and its CLI (in-process, same database)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tandem.platform.db.uow import set_database
from tandem.reporting import cli
from tests.reporting.watch.conftest import SAMPLES, sample
from tests.support.live import Live

BASE = "/api/v1/reporting/watch"


def test_api_imports_lists_and_triages(live: Live) -> None:
    with live.client("viewer") as viewer:
        assert viewer.get(f"{BASE}/items").status_code == 200
        denied = viewer.post(f"{BASE}/imports", params={"source": "ecfr"}, content=b"{}")
        assert denied.status_code == 403
    with live.client("security_analyst") as client:
        bad = client.post(f"{BASE}/imports", params={"source": "federal-register", "file_name": "fr.json"},
                          content=b'{"results": [{"title": "no number"}]}')  # fmt: skip
        assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
        assert bad.json()["errors"][0]["location"] == "fr.json#/results/0"
        made = client.post(f"{BASE}/imports", params={"source": "federal-register", "file_name": "fr.json"},
                           content=sample("federal-register-documents.json"))  # fmt: skip
        assert made.status_code == 200, made.text
        assert made.json()["new"] + made.json()["already_seen"] == 3
        page = client.get(f"{BASE}/items", params={"source": "federal-register"}).json()
        assert [i["external_id"] for i in page["items"]] == ["2024-30983", "2024-10855", "2024-07915"]  # newest first
        # The matched filter splits the list (what matches depends on what else this server's database holds).
        split = [client.get(f"{BASE}/items", params={"source": "federal-register", "matched": m}).json()["items"]
                 for m in ("true", "false")]  # fmt: skip
        everything = sorted(i["external_id"] for i in page["items"])
        assert sorted(i["external_id"] for part in split for i in part) == everything
        item = page["items"][0]
        triaged = client.patch(f"{BASE}/items/{item['id']}", json={"status": "relevant", "task": "Read the NPRM"})
        assert triaged.status_code == 200 and triaged.json()["triaged_by"] == "security_analyst-user"
        wrong = client.patch(f"{BASE}/items/{item['id']}", json={"status": "maybe"})
        assert wrong.status_code == 422
        assert client.get(f"{BASE}/counts").json()["by_status"]["relevant"] >= 1
        assert client.post(f"{BASE}/fetches").status_code == 409  # no source enabled
        assert client.get(f"{BASE}/items/00000000-0000-0000-0000-000000000001").status_code == 404


def test_cli_imports_a_csaf_file_with_its_checksum_lists_and_triages(live: Live) -> None:
    set_database(live.db)
    try:
        runner = CliRunner()
        path = SAMPLES / "va-24-254-01.json"
        done = runner.invoke(cli.app, ["watch", "import", str(path), "--source", "csaf"])
        assert done.exit_code == 0, done.output
        assert "va-24-254-01.json (SHA-512 verified): 1 items" in done.output
        listed = runner.invoke(cli.app, ["watch", "list", "--source", "csaf", "--format", "json"])
        assert listed.exit_code == 0, listed.output
        assert [r["external_id"] for r in json.loads(listed.stdout)] == ["VA-24-254-01"]
        triaged = runner.invoke(cli.app, ["watch", "triage", "VA-24-254-01", "--status", "not_relevant",
                                          "--notes", "We run no IBM webMethods"])  # fmt: skip
        assert triaged.exit_code == 0 and "VA-24-254-01 is not_relevant" in triaged.output
        shown = json.loads(runner.invoke(cli.app, ["watch", "show", "VA-24-254-01"]).stdout)
        assert (shown["status"], shown["cvss"], shown["notes"]) == ("not_relevant", 9.9, "We run no IBM webMethods")
        bad = runner.invoke(cli.app, ["watch", "import", str(path), "--source", "pdf"])
        assert bad.exit_code != 0
    finally:
        set_database(None)
