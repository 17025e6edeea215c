"""ASVS requirements about what the running server accepts and returns: simple cross-site requests, strict types,
repeated parameters, input kept exactly as sent, rate limits on public pages, proxy headers, client-side
technology and third parties, and what an unexpected error shows and logs."""

from __future__ import annotations

import logging
import re
import secrets
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

import tandem
from tandem.platform.audit.models import AuditEntry
from tandem.platform.db.uow import unit_of_work
from tests.support.live import Live

ASSETS = "/api/v1/inventory/assets"
PACKAGE = Path(tandem.__file__).parent


def csrf_of(html: str) -> str:
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def asset_body(live: Live, hostname: str, **extra: object) -> dict[str, object]:
    return {"hostname": hostname, "org_unit_id": str(live.units["root"]), **extra}


@pytest.mark.asvs("V3.5.2")
def test_json_endpoints_refuse_simple_cross_site_requests(live: Live) -> None:
    browser = live.login("admin-user")
    token = csrf_of(browser.get("/home/joint").text)
    hostname = f"simple-{secrets.token_hex(4)}.test"
    body = f'{{"hostname": "{hostname}", "org_unit_id": "{live.units["root"]}"}}'
    attempts: list[
        dict[str, Any]
    ] = [  # the three content types a cross-site form or fetch may send without a preflight
        {"content": body, "headers": {"content-type": "text/plain"}},
        {"data": {"hostname": hostname, "org_unit_id": str(live.units["root"]), "csrf_token": token}},
        {"files": {"x": ("x", b"")}, "data": {"hostname": hostname, "csrf_token": token}},
    ]
    for attempt in attempts:
        response = browser.post(ASSETS, **attempt)
        assert response.status_code in (403, 415, 422), (attempt.get("headers"), response.status_code)
    with live.client("admin") as api:
        assert api.get(ASSETS, params={"q": hostname}).json()["items"] == []


@pytest.mark.asvs("V15.3.5")
def test_identifiers_and_fields_are_strictly_typed(live: Live) -> None:
    with live.client("admin") as api:
        for unit in (1, 1.0, True, [str(live.units["root"])], {"$ne": 1}, "1", ""):
            response = api.post(ASSETS, json={"hostname": "typed.test", "org_unit_id": unit})
            assert response.status_code == 422 and "org_unit_id" in response.text, unit
        for hostname in (["a.test"], {"$gt": ""}, None):
            assert api.post(ASSETS, json=asset_body(live, hostname)).status_code == 422, hostname  # type: ignore[arg-type]
        for item in ("1", "0x1", "null", "%00", "00000000-0000-0000-0000-00000000000g"):
            assert api.get(f"{ASSETS}/{item}").status_code in (404, 422), item


@pytest.mark.asvs("V15.3.7")
def test_repeated_parameters_are_deterministic_and_stay_authorised(live: Live) -> None:
    with live.client("admin") as api:
        for index in range(3):
            assert api.post(ASSETS, json=asset_body(live, f"pollute-{index}.root.test")).status_code == 201
        base = api.get(ASSETS, params=[("q", "pollute-"), ("limit", "1")]).json()["items"]
        polluted = [api.get(ASSETS, params=[("q", "pollute-"), ("limit", "500"), ("limit", "1")]) for _ in range(3)]
        assert all(r.status_code == 200 and r.json()["items"] == base for r in polluted)  # the last value wins
    with live.client("finance-viewer") as scoped:
        pairs: list[list[tuple[str, str | int | float | bool | None]]] = [
            [("q", "pollute-"), ("q", "root")], [("org_unit_id", str(live.units["root"]))] * 2
        ]  # fmt: skip
        for params in pairs:
            response = scoped.get(ASSETS, params=params)
            assert response.status_code in (200, 422)
            if response.status_code == 200:
                assert response.json()["items"] == [], params


@pytest.mark.asvs("V1.1.1")
def test_encoded_text_is_stored_and_returned_exactly_once_decoded(live: Live) -> None:
    tricky = "%253Cscript%253E &amp;lt;b&amp;gt; \\u003c &#x3C; %2e%2e%2f"
    with live.client("admin") as api:
        created = api.post(ASSETS, json=asset_body(live, f"encoded-{secrets.token_hex(3)}.test", description=tricky))
        assert created.status_code == 201, created.text
        assert created.json()["description"] == tricky
        assert api.get(f"{ASSETS}/{created.json()['id']}").json()["description"] == tricky


@pytest.mark.asvs("V2.4.1")
def test_public_link_pages_are_rate_limited_per_address(live: Live) -> None:
    with httpx.Client(base_url=live.base_url) as client:
        statuses = [client.get(f"/p/training/quiz/{secrets.token_urlsafe(24)}").status_code for _ in range(40)]
    assert 429 in statuses, statuses
    first_refusal = statuses.index(429)
    assert 0 < first_refusal <= 30 and set(statuses[first_refusal:]) == {429}  # guessing link tokens stops there
    assert set(statuses[:first_refusal]) <= {404, 410}


def login_ip(app: FastAPI, forwarded: str, username: str) -> str:
    """Fail one sign-in through the in-process app with an X-Forwarded-For header; return the audited address."""
    with TestClient(app) as client:
        token = csrf_of(client.get("/login").text)
        form = {"csrf_token": token, "username": username, "password": "wrong wrong wrong wrong"}
        assert client.post("/login", data=form, headers={"x-forwarded-for": forwarded}).status_code == 401
    with unit_of_work(app.state.db, readonly=True) as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login_failed")).all()
    return str(next(e for e in reversed(entries) if e.changes.get("username") == username).changes["ip"])


@pytest.mark.asvs("V4.1.3", "V15.3.4")
def test_forwarded_for_counts_only_from_a_trusted_proxy(live: Live, inproc_app: FastAPI) -> None:
    spoofed = "203.0.113.66"
    assert login_ip(inproc_app, spoofed, f"nobody-{secrets.token_hex(3)}") == "testclient"
    inproc_app.state.trusted_proxies = {"testclient"}
    try:  # behind a trusted proxy: the address the proxy appended (the last one), not what the client wrote
        assert login_ip(inproc_app, f"{spoofed}, 198.51.100.7", f"nobody-{secrets.token_hex(3)}") == "198.51.100.7"
    finally:
        inproc_app.state.trusted_proxies = set()


@pytest.mark.asvs("V3.7.1")
def test_only_vetted_client_side_code_is_shipped() -> None:
    scripts = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.js")}
    assert scripts == {
        "platform/web/static/app.js", "platform/web/static/vendor/plotly.min.js", "access/static/review.js"
    } or scripts <= {"platform/web/static/app.js", "access/static/review.js"} | {
        s for s in scripts if s.endswith("vendor/plotly.min.js")
    }, scripts  # fmt: skip
    plugins = [p for p in PACKAGE.rglob("*") if p.suffix.lower() in {".swf", ".jar", ".class", ".xap", ".xbap"}]
    assert plugins == []
    for template in PACKAGE.rglob("*.html"):
        assert not re.search(r"<(object|embed|applet)\b", template.read_text(), re.IGNORECASE), template


@pytest.mark.asvs("V14.2.3")
def test_pages_load_nothing_from_third_parties(live: Live) -> None:
    browser = live.login("admin-user")
    for path in ("/login", "/home/joint", "/home"):
        response = browser.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        csp = response.headers["content-security-policy"]
        for directive in ("default-src", "script-src", "connect-src", "img-src", "style-src", "font-src"):
            sources = re.search(rf"{directive} ([^;]+)", csp)
            assert sources and not re.search(r"https?:|\*", sources.group(1)), (path, directive)
        external = re.findall(r"""<(?:script|link|img|iframe)\b[^>]*(?:src|href)=["'](?:https?:)?//""", response.text)
        assert external == [], (path, external)


@pytest.mark.asvs("V13.4.2", "V16.5.1", "V16.3.4")
def test_unexpected_errors_are_generic_and_logged(inproc_app: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    assert inproc_app.debug is False
    secret = f"db-password-{uuid.uuid4().hex}"

    def boom() -> None:
        raise RuntimeError(f"connection to postgresql://tandem:{secret}@db failed")

    path = f"/api/v1/asvs-boom-{secrets.token_hex(4)}"
    inproc_app.add_api_route(path, boom)
    with caplog.at_level(logging.ERROR), TestClient(inproc_app, raise_server_exceptions=False) as client:
        api = client.get(path)
        page = client.get(path, headers={"accept": "text/html"})
    for response in (api, page):
        assert response.status_code == 500
        assert secret not in response.text and "Traceback" not in response.text and "RuntimeError" not in response.text
    assert api.json()["detail"] == "something went wrong on our side; it has been logged"
    assert re.fullmatch(r"[0-9a-f]{32}", api.json()["request_id"])  # what a user quotes to the operator
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR and path in r.getMessage()]
    assert logged and logged[0].exc_info is not None  # the traceback goes to the log, not to the client


@pytest.mark.asvs("V3.4.4")
def test_unexpected_errors_carry_the_security_headers(inproc_app: FastAPI) -> None:
    def boom() -> None:
        raise RuntimeError("boom")

    path = f"/api/v1/asvs-boom-{secrets.token_hex(4)}"
    inproc_app.add_api_route(path, boom)
    with TestClient(inproc_app, raise_server_exceptions=False) as client:
        response = client.get(path)
    assert response.status_code == 500
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert "frame-ancestors 'none'" in response.headers.get("content-security-policy", "")
    assert response.headers.get("x-request-id") == response.json()["request_id"]


@pytest.mark.asvs("V14.2.2")
def test_authenticated_data_is_never_stored_by_shared_caches(live: Live) -> None:
    with live.client("admin") as api:
        created = api.post(ASSETS, json=asset_body(live, f"cache-{secrets.token_hex(3)}.test"))
        responses = {
            "list": api.get(ASSETS),
            "detail": api.get(f"{ASSETS}/{created.json()['id']}"),
            "csv export": api.get(ASSETS, params={"export": "csv"}),
            "audit": api.get("/api/v1/audit/entries"),
        }
    responses["page"] = live.login("admin-user").get("/home/joint")
    for kind, response in responses.items():
        assert response.status_code == 200, kind
        directives = {d.strip() for d in response.headers.get("cache-control", "").lower().split(",")}
        assert "no-store" in directives and "public" not in directives, (kind, directives)
