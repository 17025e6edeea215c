"""The CVE page (web, REST, CLI) and the asset page's vulnerability section, over a real server and database:
advisory, KEV and EPSS facts, affected items with why they matched, paging, and object-level permission."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tandem.inventory import service as inv
from tandem.inventory.kinds import KINDS
from tandem.inventory.schemas import AssetCreate, SoftwareCreate
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.db.uow import set_database, unit_of_work
from tandem.vulnerabilities import cli, ingest, matching
from tests.support.live import Live

DATA = Path(__file__).parent / "data"
CHROME = "cpe:2.3:a:google:chrome:116.0.5845.100:*:*:*:*:*:*:*"
CVE = "CVE-2023-4863"
API = "/api/v1/vulnerabilities"


@pytest.fixture(scope="module")
def world(live: Live) -> dict[str, Any]:
    """Two IT workstations running a Chrome build before the WebP fix, with NVD, KEV and EPSS imported and matched."""
    out: dict[str, Any] = {"assets": [], "software": []}
    with unit_of_work(live.db) as session:
        for _ in range(2):
            host = f"ws-{uuid.uuid4().hex[:8]}"
            asset = inv.create_record(session, CONSOLE, KINDS["assets"],
                                      AssetCreate(hostname=host, org_unit_id=live.units["it"]))  # fmt: skip
            data = SoftwareCreate(name="Chrome", version="116.0.5845.100", cpe=CHROME, asset_id=asset.id,
                                  org_unit_id=live.units["it"])  # fmt: skip
            sw = inv.create_record(session, CONSOLE, KINDS["software"], data)
            out["assets"].append((str(asset.id), host))
            out["software"].append(str(sw.id))
        for kind, rel in (("nvd", f"nvd/{CVE}.json"), ("kev", "kev/kev-excerpt.csv"),
                          ("epss", "epss/epss_scores-2026-09-29-excerpt.csv")):  # fmt: skip
            ingest.import_feed(session, kind, (DATA / rel).read_bytes(), rel, "test")
        matching.match_now(session, "full")
    return out


def _ours(items: list[dict[str, Any]], world: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for i in items if i["software_id"] in world["software"]]


def test_cve_api_shows_kev_epss_and_why_each_item_matched(live: Live, world: dict[str, Any]) -> None:
    with live.client("viewer") as client:
        body = client.get(f"{API}/cves/{CVE.lower()}").json()
        assert body["id"] == CVE and body["kev"]["due_date"] == "2023-10-04" and body["kev"]["ransomware"] is False
        assert body["advisory"]["cvss"] is not None and "libwebp" in body["advisory"]["description"]
        mine = _ours(body["affected"]["items"], world)
        assert len(mine) == 2 and body["affected"]["statuses"]["open"] >= 2
        for item in mine:
            assert "google:chrome" in item["criterion"] and item["range"] and item["matched_version"]
            assert item["status"] == "open" and 0 < item["confidence"] <= 1 and item["kev"]
            assert body["affected"]["asset_labels"][item["asset_id"]] in {h for _, h in world["assets"]}
        # Paged: one item per page, the two pages together are the whole list.
        first = client.get(f"{API}/cves/{CVE}", params={"limit": 1}).json()["affected"]
        second = client.get(f"{API}/cves/{CVE}", params={"limit": 1, "cursor": first["next_cursor"]}).json()
        assert first["next_cursor"] and first["items"][0]["id"] != second["affected"]["items"][0]["id"]
        # Known to KEV only (no NVD record stored): the facts still show, nothing is affected.
        kev_only = client.get(f"{API}/cves/CVE-2025-49704").json()
        assert kev_only["advisory"] is None and kev_only["kev"]["ransomware"] is True
        assert kev_only["affected"] == {"items": [], "next_cursor": None, "statuses": {}, "asset_labels": {}}
        assert client.get(f"{API}/cves/CVE-2099-0001").status_code == 404
        bad = client.get(f"{API}/cves/not-a-cve")
        assert bad.status_code == 422 and bad.json()["errors"][0]["location"] == "path.cve_id"
        assert client.get(f"{API}/cves/{CVE}", params={"colour": "red"}).status_code == 422


def test_user_of_another_unit_sees_the_advisory_but_no_affected_item(live: Live, world: dict[str, Any]) -> None:
    with live.client("viewer") as client:
        finding_id = _ours(client.get(f"{API}/cves/{CVE}").json()["affected"]["items"], world)[0]["id"]
    with live.client("finance-viewer") as client:
        body = client.get(f"{API}/cves/{CVE}").json()
        assert body["kev"]["due_date"] == "2023-10-04" and body["advisory"]["id"] == CVE
        assert _ours(body["affected"]["items"], world) == [] and body["affected"]["asset_labels"] == {}
        assert client.get(f"{API}/findings/{finding_id}").status_code == 404
        asset_id = world["assets"][0][0]
        assert client.get(f"{API}/findings", params={"asset_id": asset_id}).json()["items"] == []
    page = live.login("finance-viewer").get(f"/vulnerabilities/cves/{CVE}")
    assert page.status_code == 200 and "No affected software that you may see" in page.text
    assert world["assets"][0][1] not in page.text


def test_findings_filter_by_asset(live: Live, world: dict[str, Any]) -> None:
    asset_id = world["assets"][0][0]
    with live.client("viewer") as client:
        items = client.get(f"{API}/findings", params={"asset_id": asset_id, "status": "open"}).json()["items"]
    assert items and {i["asset_id"] for i in items} == {asset_id}
    assert {i["software_id"] for i in items} == {world["software"][0]}


def test_web_cve_page_findings_list_and_asset_section(live: Live, world: dict[str, Any]) -> None:
    client = live.login("viewer-user")
    page = client.get(f"/vulnerabilities/cves/{CVE}")
    assert page.status_code == 200
    assert "due 2023-10-04" in page.text and "EPSS" in page.text and "CVSS" in page.text
    asset_id, host = world["assets"][0]
    assert f'href="/inventory/assets/{asset_id}">{host}</a>' in page.text
    assert "/vulnerabilities/findings/" in page.text and "google:chrome" in page.text
    listing = client.get("/vulnerabilities", params={"asset_id": asset_id})
    assert listing.status_code == 200 and f'href="/vulnerabilities/cves/{CVE}"' in listing.text
    assert "Only findings on this asset" in listing.text and f'value="{asset_id}"' in listing.text
    finding_url = listing.text.split('href="/vulnerabilities/findings/', 1)[1].split('"', 1)[0]
    finding = client.get(f"/vulnerabilities/findings/{finding_url}")
    assert finding.status_code == 200 and f'href="/vulnerabilities/cves/{CVE}"' in finding.text
    asset_page = client.get(f"/inventory/assets/{asset_id}")
    assert asset_page.status_code == 200 and "From other areas" in asset_page.text
    assert f"{CVE} on Chrome 116.0.5845.100" in asset_page.text
    assert f'href="/vulnerabilities?asset_id={asset_id}"' in asset_page.text and "All 1 open" in asset_page.text
    assert client.get("/vulnerabilities/cves/bogus").status_code == 422


def test_cli_show(live: Live, world: dict[str, Any]) -> None:
    set_database(live.db)
    try:
        runner = CliRunner()
        shown = runner.invoke(cli.app, ["show", CVE, "--format", "json"])
        assert shown.exit_code == 0, shown.output
        body = json.loads(shown.stdout)
        assert body["kev"]["due_date"] == "2023-10-04" and len(_ours(body["affected"]["items"], world)) == 2
        table = runner.invoke(cli.app, ["show", CVE, "--status", "open"])
        assert table.exit_code == 0, table.output
        assert "KEV: added 2023-09-13, due 2023-10-04" in table.stdout and "EPSS" in table.stdout
        listed = runner.invoke(cli.app, ["list", "--kev", "--format", "json"])
        assert listed.exit_code == 0 and any(r["advisory_id"] == CVE for r in json.loads(listed.stdout))
    finally:
        set_database(None)
