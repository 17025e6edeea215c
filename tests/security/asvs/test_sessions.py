"""ASVS V7 and V3.4/V14.3 against the running server: session tokens are per sign-in references with an
absolute lifetime, the only credential carriers are the session cookie and a bearer token, HTTPS responses ask
for HSTS, and sign-out leaves nothing authenticated in the browser."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

import tandem
from tandem.platform.auth.models import WebSession
from tandem.platform.config import get_settings
from tandem.platform.db.types import utcnow
from tandem.platform.db.uow import unit_of_work
from tests.support.live import PASSWORD, Live

COOKIE = "tandem_session"
STATIC = Path(tandem.__file__).parent


@pytest.mark.asvs("V7.2.2")
def test_each_sign_in_gets_a_fresh_random_reference_token(live: Live) -> None:
    name = live.add_user("asvs-dynamic", "viewer", "root")
    values = [live.login(name).cookies[COOKIE] for _ in range(2)]
    assert values[0] != values[1]
    for value in values:
        assert name not in value and PASSWORD not in value and len(value) >= 43  # 32 random bytes, base64
    with unit_of_work(live.db, readonly=True) as session:
        stored = set(session.scalars(select(WebSession.id_hash).where(WebSession.user_id == live.users[name])))
    # The server keeps only a digest: the token is a reference to server state, not a self-contained credential.
    assert stored == {hashlib.sha256(v.encode()).hexdigest() for v in values}


@pytest.mark.asvs("V7.3.2")
def test_an_active_session_still_ends_at_its_absolute_lifetime(live: Live) -> None:
    name = live.add_user("asvs-absolute", "viewer", "root")
    browser = live.login(name)
    with unit_of_work(live.db, readonly=True) as session:
        row = session.scalars(select(WebSession).where(WebSession.user_id == live.users[name])).one()
        lifetime = row.expires_at - row.created_at
    assert abs(lifetime - dt.timedelta(hours=get_settings().session_absolute_hours)) < dt.timedelta(minutes=1)
    assert browser.get("/home/joint").status_code == 200
    with unit_of_work(live.db) as session:  # active a second ago, but past its absolute end
        session.execute(
            update(WebSession)
            .where(WebSession.user_id == live.users[name])
            .values(last_seen_at=utcnow(), expires_at=utcnow() - dt.timedelta(seconds=1))
        )
    response = browser.get("/home/joint")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert browser.get("/api/v1/auth/me").status_code == 401


@pytest.mark.asvs("V6.3.4")
def test_no_credential_carrier_but_the_session_cookie_and_bearer_token(live: Live) -> None:
    token = live.tokens["admin"]
    with live.client("admin") as api:
        assert api.get("/api/v1/auth/me").status_code == 200
    attempts = [
        {"headers": {"Authorization": f"Basic {token}"}},
        {"headers": {"Authorization": f"Token {token}"}},
        {"headers": {"X-API-Key": token}},
        {"headers": {"X-Auth-Token": token}},
        {"params": {"token": token}},
        {"params": {"access_token": token}},
        {"params": {"api_key": token}},
        {"cookies": {"token": token}},
        {"cookies": {COOKIE: token}},  # an API token is not a session id
    ]
    for attempt in attempts:
        with httpx.Client(base_url=live.base_url, cookies=attempt.pop("cookies", None)) as client:
            response = client.get("/api/v1/auth/me", **attempt)  # type: ignore[arg-type]
            assert response.status_code == 401, attempt


@pytest.mark.asvs("V3.4.1")
def test_https_responses_carry_hsts_for_a_year_with_subdomains(inproc_app: FastAPI) -> None:
    with TestClient(inproc_app, base_url="https://tandem.example") as client:
        for path in ("/login", "/healthz", "/api/openapi.json", "/no/such/page", "/api/v1/inventory/assets"):
            header = client.get(path, follow_redirects=False).headers.get("strict-transport-security", "")
            age = re.search(r"max-age=(\d+)", header)
            assert age and int(age.group(1)) >= 31536000 and "includesubdomains" in header.lower(), path


@pytest.mark.asvs("V14.3.1", "V14.3.3")
def test_sign_out_leaves_nothing_authenticated_in_the_browser(live: Live) -> None:
    name = live.add_user("asvs-clear", "viewer", "root")
    browser = live.login(name)
    page = browser.get("/home/joint")
    assert "no-store" in page.headers["cache-control"]  # nothing authenticated kept in the browser cache
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    out = browser.post("/logout", data={"csrf_token": csrf})
    assert out.status_code == 303
    cleared = [c for c in out.headers.get_list("set-cookie") if c.startswith(f"{COOKIE}=")]
    assert cleared and re.search(r"max-age=0|expires=thu, 01 jan 1970", cleared[0].lower()), cleared
    assert COOKIE not in browser.cookies
    # The shipped scripts keep nothing in Web Storage or IndexedDB, so there is nothing else to clear.
    scripts = list(STATIC.rglob("*.js"))
    assert scripts
    for script in scripts:
        source = script.read_text(errors="replace")
        for api in ("localStorage", "sessionStorage", "indexedDB", "document.cookie"):
            assert api not in source or script.name.endswith(".min.js"), f"{script.name} uses {api}"
