"""ASVS V3.3.1 and V3.3.3 under HTTPS: every cookie Tandem sets while someone signs in must be Secure and carry
the __Host- prefix (Path=/, no Domain), so no sibling host or plain-HTTP page can set or read it."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support.live import PASSWORD, Live


def problems(set_cookie: str) -> list[str]:
    name, _, rest = set_cookie.partition("=")
    attributes = [a.strip().lower() for a in rest.split(";")[1:]]
    found = []
    if "secure" not in attributes:
        found.append(f"{name}: not Secure")
    if not name.startswith("__Host-"):
        found.append(f"{name}: no __Host- prefix")
    if "path=/" not in attributes or any(a.startswith("domain=") for a in attributes):
        found.append(f"{name}: not Path=/ without Domain")
    return found


@pytest.mark.asvs("V3.3.1", "V3.3.3")
def test_every_cookie_is_secure_and_host_prefixed_under_https(live: Live, inproc_app: FastAPI) -> None:
    set_cookies = []
    with TestClient(inproc_app, base_url="https://tandem.example") as browser:
        page = browser.get("/login")
        set_cookies += page.headers.get_list("set-cookie")
        csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        form = {"csrf_token": csrf, "username": "viewer-user", "password": PASSWORD, "next": "/home"}
        signed_in = browser.post("/login", data=form, follow_redirects=False)
        assert signed_in.status_code == 303
        set_cookies += [c for c in signed_in.headers.get_list("set-cookie") if "max-age=0" not in c.lower()]
    assert any(c.startswith("__Host-tandem_session=") for c in set_cookies)
    assert [p for c in set_cookies for p in problems(c)] == []
