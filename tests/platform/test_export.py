"""Every list exports: the export middleware follows cursors, escapes CSV formulas, encodes nested values, keeps
the caller's permissions and refuses what it cannot export completely."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

import httpx
from fastapi import FastAPI, HTTPException, Request
from starlette.testclient import TestClient

from tandem.inventory import service as inventory
from tandem.inventory.kinds import KINDS
from tandem.platform.api.export import ExportMiddleware, filename
from tandem.platform.db.uow import unit_of_work
from tests.support.live import Live

ROWS = [{"id": i, "name": name, "tags": {"k": i}} for i, name in enumerate(["plain", "=1+2", "@SUM(A1)", "-3", "ok"])]


def _toy(max_items: int = 100) -> TestClient:
    """A list of five rows served two per page behind the middleware; /one is not a list."""
    app = FastAPI()

    @app.get("/api/v1/toys")
    def toys(request: Request, limit: int = 2, cursor: int = 0) -> dict[str, Any]:
        if request.headers.get("authorization") != "Bearer ok":
            raise HTTPException(401, "sign in")
        if limit > 2:
            raise HTTPException(422, "limit too large")  # the middleware falls back to the list's own page size
        nxt = cursor + limit
        return {"items": ROWS[cursor:nxt], "next_cursor": str(nxt) if nxt < len(ROWS) else None}

    @app.get("/api/v1/one")
    def one() -> dict[str, Any]:
        return {"id": 1}

    app.add_middleware(ExportMiddleware, max_items=max_items)
    return TestClient(app, headers={"Authorization": "Bearer ok"})


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_follows_every_cursor_and_escapes_formulas() -> None:
    response = _toy().get("/api/v1/toys?export=csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="toys.csv"'
    rows = _csv(response.text)
    assert [r["name"] for r in rows] == ["plain", "'=1+2", "'@SUM(A1)", "'-3", "ok"]
    assert json.loads(rows[1]["tags"]) == {"k": 1} and rows[3]["id"] == "3"


def test_json_export_is_the_whole_list_and_keeps_filters_and_start() -> None:
    client = _toy()
    assert client.get("/api/v1/toys?export=json").json() == ROWS
    assert client.get("/api/v1/toys?export=json&cursor=2").json() == ROWS[2:]


def test_refusals_are_located_and_errors_pass_through() -> None:
    client = _toy(max_items=3)
    too_many = client.get("/api/v1/toys?export=csv")
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["location"] == "query.export"
    assert "narrow it" in too_many.json()["detail"]
    assert client.get("/api/v1/toys?export=xlsx").status_code == 422
    not_list = _toy().get("/api/v1/one?export=csv")
    assert not_list.status_code == 422 and "not answer a list" in not_list.json()["detail"]
    anonymous = TestClient(client.app).get("/api/v1/toys?export=csv")
    assert anonymous.status_code == 401  # the list's own answer, unchanged


def test_filename_is_safe() -> None:
    assert filename("/api/v1/inventory/data-stores", "csv") == "inventory-data-stores.csv"
    assert filename('/api/v1/a"b/../c', "json") == "a-b-..-c.json"


def _apps(live: Live, unit: str, names: list[str]) -> None:
    kind = KINDS["applications"]
    with unit_of_work(live.db) as session:
        for name in names:
            data = kind.create.model_validate({"name": name, "org_unit_id": str(live.units[unit])})
            inventory.create_record(session, None, kind, data)


def test_live_lists_export_with_the_callers_scope(live: Live) -> None:
    tag = uuid.uuid4().hex[:6]
    _apps(live, "it", [f"=cmd|' /C calc'!A0 {tag}", f"it-b {tag}", f"it-c {tag}"])
    _apps(live, "finance", [f"fin {tag}"])
    with live.client("admin") as admin:
        got = admin.get(
            "/api/v1/inventory/applications", params={"q": tag, "limit": "1", "sort": "name", "export": "csv"}
        )
    assert got.status_code == 200, got.text
    names = sorted(r["name"] for r in _csv(got.text))
    assert names == sorted([f"'=cmd|' /C calc'!A0 {tag}", f"it-b {tag}", f"it-c {tag}", f"fin {tag}"])
    with live.client("finance-viewer") as viewer:
        scoped = viewer.get("/api/v1/inventory/applications", params={"q": tag, "export": "json"})
        assert [r["name"] for r in scoped.json()] == [f"fin {tag}"]
    page = live.login("admin-user")
    listing = page.get("/inventory/applications", params={"q": tag})
    assert "export=csv" in listing.text and "export=json" in listing.text
    web = page.get("/inventory/applications", params={"q": tag, "export": "json"})
    assert web.status_code == 200 and len(web.json()) == 4
    assert page.get("/home/cio", params={"export": "csv"}).status_code == 404  # no list behind this page
    assert httpx.get(f"{live.base_url}/api/v1/inventory/applications?export=csv").status_code == 401
