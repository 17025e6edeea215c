"""HTTP: imports with dry run, graph endpoints, exports, and the web pages, against a live server."""

from __future__ import annotations

import uuid

from tests.support.live import Live

BASE = "/api/v1/inventory"


def _n(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_import_dry_run_then_commit_and_export(live: Live) -> None:
    host = _n("h")
    body = f"hostname,criticality,tags\n{host},high,=cmd|' /C calc'!A0\n".encode()
    params = {"kind": "assets", "file_name": "a.csv", "unit_id": str(live.units["it"])}
    with live.client("it_analyst") as client:
        dry = client.post(f"{BASE}/imports", params={**params, "dry_run": "true"}, content=body)
        assert dry.status_code == 200, dry.text
        assert dry.json()["added"] == 1
        assert client.get(f"{BASE}/assets", params={"q": host}).json()["items"] == []
        assert client.post(f"{BASE}/imports", params=params, content=body).json()["added"] == 1
        exported = client.get(f"{BASE}/exports", params={"kind": "assets", "format": "csv"}).text
    assert f"{host},host" in exported and "'=cmd" in exported


def test_bad_import_lists_every_error(live: Live) -> None:
    body = b"hostname,criticality\nok-host,high\nbad host,extreme\n"
    with live.client("admin") as client:
        response = client.post(
            f"{BASE}/imports",
            params={"kind": "assets", "file_name": "bad.csv", "unit_id": str(live.units["it"])},
            content=body,
        )
    assert response.status_code == 422
    assert {e["location"] for e in response.json()["errors"]} == {"bad.csv:3:1", "bad.csv:3:2"}


def test_viewer_cannot_import(live: Live) -> None:
    with live.client("viewer") as client:
        response = client.post(f"{BASE}/imports", params={"kind": "assets"}, content=b"hostname\nx\n")
    assert response.status_code == 403


def test_impact_endpoint_and_pages(live: Live) -> None:
    unit = str(live.units["it"])
    with live.client("admin") as client:
        host = client.post(f"{BASE}/assets", json={"hostname": _n("db"), "org_unit_id": unit}).json()
        app = client.post(f"{BASE}/applications", json={"name": _n("EHR"), "org_unit_id": unit}).json()
        rel = client.post(
            f"{BASE}/relations",
            json={
                "type": "runs_on",
                "source_kind": "application",
                "source_id": app["id"],
                "target_kind": "asset",
                "target_id": host["id"],
                "org_unit_id": unit,
            },
        )
        assert rel.status_code == 201, rel.text
        impact = client.get(f"{BASE}/assets/{host['id']}/impact").json()
        assert [n["label"] for n in impact["nodes"]] == [app["name"]]
        assert client.post(f"{BASE}/assets/{host['id']}/attest", json={"note": "ok"}).status_code == 200
        for path in (
            "/inventory",
            "/inventory/assets?sort=hostname&criticality=medium",
            f"/inventory/assets/{host['id']}",
            f"/inventory/applications/{app['id']}",
            f"/inventory/assets/{host['id']}/graph",
            "/inventory/applications/new",
            f"/inventory/applications/{app['id']}/edit",
            "/inventory/freshness",
            "/inventory/import",
            f"/inventory/relations/{rel.json()['id']}",
        ):
            page = client.get(path)
            assert page.status_code == 200, (path, page.text[:500])
        detail = client.get(f"/inventory/assets/{host['id']}").text
        assert "CIO lens" in detail and "CISO lens" in detail and app["name"] in detail


def test_web_form_shows_located_errors(live: Live) -> None:
    client = live.login("admin-user")
    page = client.get("/inventory/assets/new").text
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/inventory/assets/new",
        data={
            "csrf_token": csrf,
            "hostname": "bad host",
            "org_unit_id": str(live.units["it"]),
            "ip_addresses": "10.0.0.1;nope",
        },
    )
    assert response.status_code == 422
    assert 'id="e-hostname"' in response.text and 'id="e-ip_addresses"' in response.text
    ok = client.post(
        "/inventory/assets/new", data={"csrf_token": csrf, "hostname": _n("good"), "org_unit_id": str(live.units["it"])}
    )
    assert ok.status_code == 303


def test_web_import_preview_and_commit(live: Live) -> None:
    client = live.login("admin-user")
    page = client.get("/inventory/import").text
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    name = _n("Vendor")
    files = {"file": ("vendors.csv", f"name,country\n{name},US\n".encode(), "text/csv")}
    preview = client.post(
        "/inventory/import", data={"csrf_token": csrf, "kind": "vendors", "unit_id": str(live.units["it"])}, files=files
    )
    assert preview.status_code == 200, preview.text[:1000]
    assert "Would add <strong>1</strong>" in preview.text
    token = preview.text.split('name="token" value="', 1)[1].split('"', 1)[0]
    commit = client.post(
        "/inventory/import/commit",
        data={
            "csrf_token": csrf,
            "token": token,
            "kind": "vendors",
            "file_name": "vendors.csv",
            "fmt": "csv",
            "unit_id": str(live.units["it"]),
        },
    )
    assert commit.status_code == 303
    with live.client("admin") as api:
        assert api.get(f"{BASE}/vendors", params={"q": name}).json()["items"][0]["source"] == "import:vendors.csv"
