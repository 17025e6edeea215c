"""Application costs over HTTP, against a live server: REST reads and writes, exports, imports and web pages."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.support.live import Live

BASE = "/api/v1/inventory"
AMOUNT = "7654321.25"  # distinctive: it must not appear anywhere a viewer looks


def _app(live: Live, **extra: Any) -> dict[str, Any]:
    body = {"name": f"Ledger-{uuid.uuid4().hex[:8]}", "org_unit_id": str(live.units["it"]), **extra}
    body.setdefault("run_cost", {"amount": AMOUNT, "currency": "USD"})
    with live.client("cio") as client:
        made = client.post(f"{BASE}/applications", json=body)
    assert made.status_code == 201, made.text
    return dict(made.json())


def _csrf(page: str) -> str:
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_rest_reads_and_exports_leave_costs_out_for_a_viewer(live: Live) -> None:
    app = _app(live)
    assert app["run_cost"]["amount"] == AMOUNT
    with live.client("viewer") as viewer, live.client("security_analyst") as analyst:
        detail = viewer.get(f"{BASE}/applications/{app['id']}").json()
        assert "run_cost" not in detail and "change_cost" not in detail and detail["name"] == app["name"]
        listed = viewer.get(f"{BASE}/applications", params={"q": app["name"]}).json()["items"]
        assert [i["name"] for i in listed] == [app["name"]] and "run_cost" not in listed[0]
        for fmt in ("csv", "json"):
            exported = viewer.get(f"{BASE}/exports", params={"kind": "applications", "format": fmt})
            listed_export = viewer.get(f"{BASE}/applications", params={"export": fmt, "q": app["name"]})
            for answer in (exported, listed_export):
                assert answer.status_code == 200 and app["name"] in answer.text
                assert "run_cost" not in answer.text and "7654321" not in answer.text
        # Every read role but viewer sees costs.
        seen = analyst.get(f"{BASE}/applications/{app['id']}").json()
        assert seen["run_cost"] == {"amount": AMOUNT, "currency": "USD"} and seen["change_cost"] is None
        assert AMOUNT in analyst.get(f"{BASE}/exports", params={"kind": "applications"}).text


def test_security_analyst_patch_with_a_cost_is_refused_by_name(live: Live) -> None:
    app = _app(live)
    url = f"{BASE}/applications/{app['id']}"
    with live.client("security_analyst") as analyst:
        refused = analyst.patch(
            url, json={"data_classification": "restricted", "run_cost": {"amount": "1", "currency": "USD"}}
        )
        assert refused.status_code == 403, refused.text
        problem = refused.json()
        assert "run_cost" in problem["detail"] and "inventory.costs.edit" in problem["detail"]
        assert problem["errors"][0]["location"] == "body.run_cost"
        assert analyst.get(url).json()["data_classification"] == "internal"  # nothing changed
        same = analyst.patch(url, json={"data_classification": "restricted", "run_cost": app["run_cost"]})
        assert same.status_code == 200 and same.json()["run_cost"]["amount"] == AMOUNT
        ok = analyst.patch(url, json={"data_classification": "confidential"})
        assert ok.status_code == 200 and ok.json()["data_classification"] == "confidential"
    with live.client("it_analyst") as keeper:
        changed = keeper.patch(url, json={"run_cost": {"amount": "10", "currency": "EUR"}})
        assert changed.status_code == 200, changed.text
        assert float(changed.json()["run_cost"]["amount"]) == 10 and changed.json()["run_cost"]["currency"] == "EUR"


def test_import_with_costs_is_refused_whole_with_a_located_error(live: Live) -> None:
    name = f"Imp-{uuid.uuid4().hex[:8]}"
    body = f"name,run_cost_amount,run_cost_currency\n{name}-a,,\n{name}-b,5.00,USD\n".encode()
    params = {"kind": "applications", "file_name": "apps.csv", "unit_id": str(live.units["it"])}
    with live.client("security_analyst") as analyst:
        refused = analyst.post(f"{BASE}/imports", params=params, content=body)
        assert refused.status_code == 403, refused.text
        assert refused.json()["errors"][0]["location"] == "apps.csv:3:2"
        assert "run_cost_amount" in refused.json()["errors"][0]["reason"]
        assert analyst.get(f"{BASE}/applications", params={"q": name}).json()["items"] == []
    with live.client("it_analyst") as keeper:
        assert keeper.post(f"{BASE}/imports", params=params, content=body).json()["added"] == 2


def test_web_pages_hide_costs_from_a_viewer_and_lock_them_for_an_analyst(live: Live) -> None:
    app = _app(live)
    page = f"/inventory/applications/{app['id']}"
    with live.client("it_analyst") as keeper:  # the history then holds a cost change too
        keeper.patch(f"{BASE}/applications/{app['id']}", json={"change_cost": {"amount": "4242.42", "currency": "USD"}})
    viewer = live.login("viewer-user")
    for path in (page, "/inventory/applications", f"/inventory/applications?q={app['name']}"):
        html = viewer.get(path).text
        assert app["name"] in html
        assert "7,654,321" not in html and "7654321" not in html and "4,242" not in html and "4242" not in html
        assert "Run cost" not in html
    cio_page = live.login("cio-user").get(page).text
    assert "7,654,321.25 USD" in cio_page and "Run cost" in cio_page

    analyst = live.login("security_analyst-user")
    form = analyst.get(f"{page}/edit").text
    assert 'name="run_cost_amount"' not in form and "7,654,321.25 USD" in form  # shown, not editable
    fields = {"csrf_token": _csrf(form), "name": app["name"], "org_unit_id": str(live.units["it"])}
    fields |= {"lifecycle_stage": "run", "data_classification": "restricted"}
    saved = analyst.post(f"{page}/edit", data=fields)
    assert saved.status_code == 303, saved.text
    forged = analyst.post(f"{page}/edit", data={**fields, "data_classification": "public", "run_cost_amount": "1"})
    assert forged.status_code == 422 and "run_cost" in forged.text and "inventory.costs.edit" in forged.text
    with live.client("cio") as cio:
        now = cio.get(f"{BASE}/applications/{app['id']}").json()
    assert now["run_cost"]["amount"] == AMOUNT and now["data_classification"] == "restricted"


def test_openapi_lets_cost_fields_be_absent(live: Live) -> None:
    spec = httpx.get(f"{live.base_url}/api/openapi.json", timeout=30)
    schemas = spec.json()["components"]["schemas"]
    reads = [v for k, v in schemas.items() if k.startswith("ApplicationRead")]
    assert reads
    for schema in reads:
        assert not {"run_cost", "change_cost"} & set(schema.get("required", []))
        assert {"run_cost", "change_cost"} <= set(schema["properties"])


def test_web_import_preview_refuses_costs_with_the_location(live: Live) -> None:
    client = live.login("security_analyst-user")
    csrf = _csrf(client.get("/inventory/import").text)
    name = f"WebImp-{uuid.uuid4().hex[:8]}"
    files = {"file": ("apps.csv", f"name,run_cost_amount,run_cost_currency\n{name},5.00,USD\n".encode(), "text/csv")}
    data = {"csrf_token": csrf, "kind": "applications", "unit_id": str(live.units["it"])}
    preview = client.post("/inventory/import", data=data, files=files)
    assert preview.status_code == 422 and "apps.csv:2:2" in preview.text and "inventory.costs.edit" in preview.text
    with live.client("admin") as api:
        assert api.get(f"{BASE}/applications", params={"q": name}).json()["items"] == []
