"""ASVS requirements proved against the running server: headers on every kind of response, what the server
refuses to expose, session cookies and sign-out, mass assignment, injection through search parameters."""

from __future__ import annotations

import base64
import datetime as dt
import re
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from sqlalchemy import select

from tandem.app import create_app
from tandem.platform.audit.models import AuditEntry
from tandem.platform.config import get_settings
from tandem.platform.db.uow import unit_of_work
from tests.security.spec import openapi
from tests.support.live import Live, free_port

SESSION_COOKIE = "tandem_session"  # plain HTTP in tests; under HTTPS the server uses __Host-tandem_session
STRICT_REFERRER = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


def csrf_of(html: str) -> str:
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def responses(live: Live) -> dict[str, httpx.Response]:
    """One response of each kind: page, API, problem, 404 page, 405, 401, redirect, static asset, login."""
    browser = live.login("admin-user")
    with live.client("admin") as api, live.client() as anonymous:
        return {
            "page": browser.get("/home/joint"),
            "api": api.get("/api/v1/inventory/assets"),
            "api 404": api.get("/api/v1/inventory/assets/00000000-0000-0000-0000-000000000000"),
            "page 404": browser.get("/no/such/page"),
            "405": anonymous.request("DELETE", "/login"),
            "401": anonymous.get("/api/v1/inventory/assets"),
            "redirect": anonymous.get("/home"),
            "login": anonymous.get("/login"),
            "openapi": anonymous.get("/api/openapi.json"),
        }


@pytest.mark.asvs("V3.4.4", "V3.4.5", "V3.4.6")
def test_security_headers_on_every_kind_of_response(live: Live) -> None:
    for kind, response in responses(live).items():
        headers = response.headers
        assert headers.get("x-content-type-options") == "nosniff", kind
        assert headers.get("referrer-policy") in STRICT_REFERRER, kind
        assert "frame-ancestors 'none'" in headers.get("content-security-policy", ""), kind


@pytest.mark.asvs("V14.3.2")
def test_authenticated_responses_are_not_cached(live: Live) -> None:
    for kind, response in responses(live).items():
        if kind in ("page", "api", "api 404", "page 404"):
            assert "no-store" in response.headers.get("cache-control", ""), kind


@pytest.mark.asvs("V13.4.1", "V13.4.3", "V13.4.5")
def test_no_source_control_listings_or_developer_docs_exposed(live: Live) -> None:
    probes = ["/.git/config", "/.git/HEAD", "/.svn/entries", "/.env", "/static/", "/docs", "/redoc"]
    with live.client() as client:
        for path in probes:
            response = client.get(path)
            assert response.status_code in (403, 404), f"{path}: {response.status_code}"
            text = response.text.lower()
            assert "index of" not in text and "[core]" not in text and "ref: refs/" not in text, path


@pytest.mark.asvs("V13.4.4")
def test_trace_and_track_are_refused(live: Live) -> None:
    with live.client("admin") as client:
        for method in ("TRACE", "TRACK"):
            response = client.request(method, "/home")
            assert response.status_code in (400, 405, 501), method
            assert "authorization" not in response.text.lower(), f"{method} echoed the request"


def _set_cookie(response: httpx.Response, name: str) -> str:
    return next((c for c in response.headers.get_list("set-cookie") if c.startswith(f"{name}=")), "")


def _sign_in(live: Live, client: httpx.Client) -> httpx.Response:
    csrf = csrf_of(client.get("/login").text)
    data = {"csrf_token": csrf, "username": "viewer-user", "password": "correct horse battery staple 42"}
    response = client.post("/login", data={**data, "next": "/home"})
    assert response.status_code == 303, response.text
    return response


@pytest.mark.asvs("V3.3.2", "V7.2.3")
def test_session_cookie_is_samesite_httponly_and_long_random(live: Live) -> None:
    values = []
    for _ in range(2):
        with httpx.Client(base_url=live.base_url) as client:
            header = _set_cookie(_sign_in(live, client), SESSION_COOKIE)
            attributes = header.lower()
            assert "httponly" in attributes and re.search(r"samesite=(lax|strict)", attributes), header
            value = header.split("=", 1)[1].split(";", 1)[0]
            assert len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))) >= 16  # ≥ 128 bits
            values.append(value)
    assert values[0] != values[1]


@pytest.mark.asvs("V7.2.4")
def test_sign_in_issues_a_new_session_id_over_a_planted_one(live: Live) -> None:
    planted = "attacker-chosen-session-id-0123456789abcdef"
    with httpx.Client(base_url=live.base_url, cookies={SESSION_COOKIE: planted}) as client:
        issued = _set_cookie(_sign_in(live, client), SESSION_COOKIE).split("=", 1)[1].split(";", 1)[0]
    assert issued and issued != planted
    with httpx.Client(base_url=live.base_url, cookies={SESSION_COOKIE: planted}) as attacker:
        assert attacker.get("/api/v1/inventory/assets").status_code == 401


@pytest.mark.asvs("V7.4.1", "V7.4.4")
def test_sign_out_is_offered_and_kills_the_session_on_the_server(live: Live) -> None:
    with httpx.Client(base_url=live.base_url) as client:
        _sign_in(live, client)
        cookie = client.cookies[SESSION_COOKIE]
        page = client.get("/home/joint")
        assert page.status_code == 200 and 'action="/logout"' in page.text
        assert client.post("/logout", data={"csrf_token": csrf_of(page.text)}).status_code == 303
    with httpx.Client(base_url=live.base_url, cookies={SESSION_COOKIE: cookie}) as replay:
        assert replay.get("/api/v1/inventory/assets").status_code == 401
        assert replay.get("/home/joint").status_code in (302, 303, 401)


@pytest.mark.asvs("V6.2.6", "V6.2.7", "V6.4.2")
def test_password_fields_are_masked_pasteable_and_hint_free(live: Live) -> None:
    with httpx.Client(base_url=live.base_url) as client:
        html = client.get("/login").text
    fields = re.findall(r"<input[^>]*name=\"password\"[^>]*>", html)
    assert fields and all('type="password"' in f for f in fields)
    for field in fields:
        assert "onpaste" not in field and 'autocomplete="off"' not in field, field
    assert not re.search(r"password hint|secret question|security question", html, re.IGNORECASE)


@pytest.mark.asvs("V15.3.3")
def test_server_managed_fields_cannot_be_mass_assigned(live: Live) -> None:
    body = {"hostname": "mass.assign.test", "org_unit_id": str(live.units["root"])}
    with live.client("admin") as client:
        for extra in ({"id": "00000000-0000-0000-0000-000000000001"}, {"created_at": "2000-01-01T00:00:00Z"},
                      {"last_verified_at": "2000-01-01T00:00:00Z"}, {"is_admin": True}):  # fmt: skip
            response = client.post("/api/v1/inventory/assets", json={**body, **extra})
            assert response.status_code == 422, (extra, response.status_code)
            assert next(iter(extra)) in response.text


@pytest.mark.asvs("V15.3.1")
def test_no_response_schema_carries_secrets() -> None:
    spec = openapi()
    secret_fields = {"password", "password_hash", "token_digest", "totp_secret", "id_hash", "secret", "client_secret"}
    leaking = [
        f"{name}.{field}"
        for name, schema in spec["components"]["schemas"].items()
        if not name.endswith(("In", "Create", "Update", "Input", "Request"))
        for field in schema.get("properties", {})
        if field in secret_fields
    ]
    assert not leaking


@pytest.mark.asvs("V14.2.1")
def test_no_credentials_in_query_strings() -> None:
    spec = openapi()
    sensitive = re.compile(r"^(password|passwd|secret|api_key|apikey|token|access_token|session|otp|totp)$", re.I)
    bad = [
        f"{method.upper()} {path}: {param['name']}"
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        for param in operation.get("parameters", [])
        if param.get("in") == "query" and sensitive.match(param["name"])
    ]
    assert not bad


@pytest.mark.asvs("V1.2.4", "V1.2.9")
def test_search_treats_sql_and_regex_syntax_as_literal_text(live: Live) -> None:
    with live.client("admin") as client:
        assert client.post(
            "/api/v1/inventory/assets", json={"hostname": "literal.search.test", "org_unit_id": str(live.units["root"])}
        ).status_code == 201  # fmt: skip
        everything = client.get("/api/v1/inventory/assets", params={"limit": 200}).json()["items"]
        for q in ("' OR '1'='1", "%' OR 1=1 --", '") OR 1=1 --', ".*", "%", "_", "(a+)+$", "[a-z]*"):
            started = time.monotonic()
            response = client.get("/api/v1/inventory/assets", params={"q": q, "limit": 200})
            assert response.status_code in (200, 422), q
            assert time.monotonic() - started < 2, q
            if response.status_code == 200:
                found = response.json()["items"]
                assert len(found) < len(everything) or not everything, f"{q!r} matched every record"
                assert all(q.lower() in str(item).lower() for item in found), q


@pytest.mark.asvs("V16.2.2")
def test_audit_timestamps_are_utc(live: Live) -> None:
    with unit_of_work(live.db, readonly=True) as session:
        stamps = session.scalars(select(AuditEntry.ts).order_by(AuditEntry.seq.desc()).limit(20)).all()
    assert stamps
    for stamp in stamps:
        assert stamp.tzinfo is not None and stamp.utcoffset() == dt.timedelta(0)


def _audit(live: Live, action: str) -> list[AuditEntry]:
    with unit_of_work(live.db, readonly=True) as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq.desc()).limit(5)
        return list(session.scalars(query))


@pytest.fixture
def served_like_tandem_serve(live: Live) -> Iterator[str]:
    """The live database behind a server configured as `tandem serve` configures uvicorn (proxy headers off: the
    test harness's server keeps uvicorn's default, which trusts X-Forwarded-For from 127.0.0.1)."""
    port = free_port()
    config = uvicorn.Config(create_app(get_settings(), live.db), host="127.0.0.1", port=port, proxy_headers=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.asvs("V16.3.1", "V4.1.3")
def test_sign_in_attempts_are_audited_with_the_real_peer_address(live: Live, served_like_tandem_serve: str) -> None:
    spoofed = {"X-Forwarded-For": "203.0.113.9", "X-Real-IP": "203.0.113.9", "Forwarded": "for=203.0.113.9"}
    with httpx.Client(base_url=served_like_tandem_serve, headers=spoofed) as client:
        csrf = csrf_of(client.get("/login").text)
        refused = client.post("/login", data={"csrf_token": csrf, "username": "nobody-such", "password": "wrong pw"})
        assert refused.status_code in (200, 400, 401, 422)
        _sign_in(live, client)
    failed, succeeded = _audit(live, "auth.login_failed"), _audit(live, "auth.login")
    assert failed and failed[0].changes.get("ip") == "127.0.0.1", failed[0].changes if failed else None
    assert succeeded and succeeded[0].changes.get("ip") == "127.0.0.1", succeeded[0].changes


@pytest.mark.asvs("V3.5.2")
def test_simple_cross_site_requests_cannot_write(live: Live) -> None:
    """A form or text/plain POST (no preflight) carrying only the session cookie is refused."""
    body = f'{{"hostname": "simple.request.test", "org_unit_id": "{live.units["root"]}"}}'
    with httpx.Client(base_url=live.base_url) as client:
        _sign_in(live, client)
        for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
            response = client.post("/api/v1/inventory/assets", content=body, headers={"Content-Type": content_type})
            assert response.status_code in (400, 403, 415), (content_type, response.status_code)
    with live.client("admin") as api:
        assert api.get("/api/v1/inventory/assets", params={"q": "simple.request.test"}).json()["items"] == []


@pytest.mark.asvs("V7.4.2")
def test_disabling_a_user_ends_their_sessions_and_tokens(live: Live) -> None:
    name = live.add_user(f"leaver-{time.time_ns()}", "viewer", "root")
    with httpx.Client(base_url=live.base_url) as browser:
        csrf = csrf_of(browser.get("/login").text)
        data = {"csrf_token": csrf, "username": name, "password": "correct horse battery staple 42", "next": "/home"}
        assert browser.post("/login", data=data).status_code == 303
        assert browser.get("/api/v1/inventory/assets").status_code == 200
        with live.client("admin") as admin:
            disabled = admin.patch(f"/api/v1/auth/users/{live.users[name]}", json={"is_active": False})
            assert disabled.status_code == 200, disabled.text
        assert browser.get("/api/v1/inventory/assets").status_code == 401
    with live.client(name) as token_client:
        assert token_client.get("/api/v1/inventory/assets").status_code == 401
