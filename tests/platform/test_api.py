"""REST conventions: problem responses with located errors, body limits, paging, headers, health."""

from __future__ import annotations

import pytest

from tests.support.live import Live


@pytest.mark.asvs("V2.2.1")
def test_malformed_json_is_a_located_422(live: Live) -> None:
    with live.client("admin") as client:
        response = client.post(
            "/api/v1/auth/org-units", content=b'{"name": ', headers={"content-type": "application/json"}
        )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json; charset=utf-8"
    body = response.json()
    assert body["status"] == 422 and "malformed JSON" in body["detail"]


@pytest.mark.asvs("V2.2.2")
def test_wrong_types_name_the_field(live: Live) -> None:
    with live.client("admin") as client:
        response = client.post("/api/v1/auth/org-units", json={"name": 12, "parent_id": "not-a-uuid"})
    locations = {e["location"] for e in response.json()["errors"]}
    assert response.status_code == 422 and {"body.name", "body.parent_id"} <= locations


@pytest.mark.asvs("V5.2.1")
def test_oversized_body_is_413_before_reading_it(live: Live) -> None:
    big = b"x" * (11 * 1024 * 1024)
    with live.client("admin") as client:
        response = client.post("/api/v1/auth/org-units", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]


@pytest.mark.asvs("V4.1.1")
def test_problem_bodies_for_unknown_paths_and_methods(live: Live) -> None:
    with live.client("admin") as client:
        assert client.get("/api/v1/nothing-here").status_code == 404
        response = client.put("/api/v1/auth/me", json={})
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json; charset=utf-8"


def test_cursor_paging_walks_every_item_once(live: Live) -> None:
    with live.client("admin") as client:
        for i in range(7):
            client.post("/api/v1/auth/org-units", json={"name": f"paging-{i}", "parent_id": str(live.units["it"])})
        seen, cursor = [], None
        while True:
            params = {"limit": 3, "sort": "name", "q": "paging-"}
            if cursor:
                params["cursor"] = cursor
            page = client.get("/api/v1/auth/org-units", params=params).json()
            seen += [i["name"] for i in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 7


def test_cursor_paging_by_timestamp(live: Live) -> None:
    """Lists sorted by a time (the default of many) page on: the cursor's time is read back as a time."""
    with live.client("admin") as client:
        for i in range(5):
            client.post("/api/v1/auth/org-units", json={"name": f"ts-{i}", "parent_id": str(live.units["it"])})
        seen, cursor = [], None
        while True:
            params = {"limit": 2, "sort": "-created_at", "q": "ts-"}
            if cursor:
                params["cursor"] = cursor
            response = client.get("/api/v1/auth/org-units", params=params)
            assert response.status_code == 200, response.text
            seen += [i["name"] for i in response.json()["items"]]
            cursor = response.json()["next_cursor"]
            if cursor is None:
                break
    assert len(seen) == len(set(seen)) == 5


def test_descending_sort_and_bad_list_parameters(live: Live) -> None:
    with live.client("admin") as client:
        names = [i["name"] for i in client.get("/api/v1/auth/org-units", params={"sort": "-name"}).json()["items"]]
        assert names == sorted(names, reverse=True)
        bad = client.get("/api/v1/auth/org-units", params={"sort": "password"})
        assert bad.status_code == 422 and bad.json()["errors"][0]["location"] == "query.sort"
        unknown = client.get("/api/v1/auth/org-units", params={"colour": "red"})
        assert unknown.status_code == 422 and unknown.json()["errors"][0]["location"] == "query.colour"
        assert client.get("/api/v1/auth/org-units", params={"cursor": "garbage!"}).status_code == 422
        assert client.get("/api/v1/auth/org-units", params={"limit": 100000}).status_code == 422


@pytest.mark.asvs("V3.4.3")
@pytest.mark.parametrize(
    "path", ["/healthz", "/login", "/api/v1/auth/me", "/api/openapi.json", "/nope", "/static/app.css"]
)
def test_security_headers_on_every_response(live: Live, path: str) -> None:
    with live.client() as client:
        response = client.get(path)
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp
    assert "charset" in headers.get("content-type", "charset") or response.status_code in (303, 307)


@pytest.mark.asvs("V3.4.2")
def test_no_cors_for_foreign_origins(live: Live) -> None:
    with live.client("admin") as client:
        response = client.get("/api/v1/auth/me", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers


def test_health_and_readiness(live: Live) -> None:
    with live.client() as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").json() == {"status": "ok"}


def test_openapi_is_served_locally_and_docs_use_no_cdn(live: Live) -> None:
    with live.client("viewer") as client:
        spec = client.get("/api/openapi.json").json()
        docs = client.get("/api/docs").text
    assert "/api/v1/auth/org-units" in spec["paths"]
    assert "cdn" not in docs.lower() and '<script src="http' not in docs
