"""ASVS V16.5 and V15.2.3: when a dependency fails or a check itself breaks, Tandem refuses rather than lets
through; and the shipped package carries no test scaffolding or debug routes."""

from __future__ import annotations

import ast
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

import tandem
from tandem.platform.auth import oidc
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tests.support.live import PASSWORD, Live, free_port

PACKAGE = Path(tandem.__file__).parent


def csrf_of(html: str) -> str:
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


@pytest.fixture
def dead_idp(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Single sign-on configured against a provider that does not answer (an allow-listed port nobody listens on)."""
    port = free_port()
    for name, value in {
        "TANDEM_OIDC_ISSUER": f"http://127.0.0.1:{port}", "TANDEM_OIDC_CLIENT_ID": "tandem",
        "TANDEM_OIDC_CLIENT_SECRET": secrets.token_urlsafe(16), "TANDEM_OUTBOUND_ALLOW_HOSTS": f"127.0.0.1:{port}",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    oidc.clear_cache()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()
    oidc.clear_cache()


@pytest.mark.asvs("V16.5.2")
def test_identity_provider_down_fails_sso_closed_and_local_sign_in_works(live: Live, dead_idp: None) -> None:
    session_before = live.login("viewer-user")
    with httpx.Client(base_url=live.base_url, timeout=30) as browser:
        page = browser.get("/login")
        assert "Sign in with SSO" in page.text
        refused = browser.post("/login/sso", data={"csrf_token": csrf_of(page.text)})
        assert refused.status_code == 502 and "cannot be reached" in refused.text
        assert browser.get("/home/joint").status_code == 303  # no session came out of the failure
    assert session_before.get("/home/joint").status_code == 200  # existing sessions keep working
    assert live.login("auditor-user", PASSWORD).get("/home/joint").status_code == 200  # so do password sign-ins


@pytest.mark.asvs("V16.5.3")
def test_a_broken_permission_check_denies(live: Live, inproc_app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Principal, action: str, *args: object) -> bool:
        raise RuntimeError("permission store unavailable")

    headers = {"Authorization": f"Bearer {live.tokens['admin']}"}
    with TestClient(inproc_app, raise_server_exceptions=False) as client:
        assert client.get("/api/v1/inventory/assets", headers=headers).status_code == 200
        monkeypatch.setattr(Principal, "can_anywhere", broken)
        monkeypatch.setattr(Principal, "can", broken)
        for path in ("/api/v1/inventory/assets", "/api/v1/auth/users", "/api/v1/audit/entries"):
            response = client.get(path, headers=headers)
            assert response.status_code >= 500 or response.status_code in (401, 403), (path, response.status_code)
            assert "items" not in response.text, path
        created = client.post(
            "/api/v1/inventory/assets", headers=headers,
            json={"hostname": "fail-open.test", "org_unit_id": str(live.units["root"])},
        )  # fmt: skip
        assert created.status_code >= 500 or created.status_code in (401, 403)
    monkeypatch.undo()
    with live.client("admin") as api:
        assert api.get("/api/v1/inventory/assets", params={"q": "fail-open.test"}).json()["items"] == []


def walk(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # newer FastAPI wraps included routers
            yield from walk(route.original_router.routes)


@pytest.mark.asvs("V15.2.3")
def test_no_test_code_or_debug_routes_ship(inproc_app: FastAPI) -> None:
    shipped = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")]
    assert not [p for p in shipped if p.split("/")[-1].startswith(("test_", "conftest")) or "/tests/" in f"/{p}"]
    test_libraries = {"pytest", "hypothesis", "tests", "_pytest", "faker", "factory", "responses", "respx"}
    offenders = []
    for rel in shipped:
        tree = ast.parse((PACKAGE / rel).read_text(), rel)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            offenders += [f"{rel}: {n}" for n in names if n.split(".")[0] in test_libraries or n == "unittest.mock"]
    assert offenders == []
    paths = [r.path for r in walk(inproc_app.routes) if not r.path.startswith("/api/v1/asvs-")]
    words = {"debug", "phpinfo", "console", "eval", "shell", "exec", "pdb"}  # ("tests" are compliance control tests)
    debug = [p for p in paths if any(seg in words or seg.startswith("_") for seg in p.lower().split("/"))]
    assert paths and debug == []
    assert inproc_app.docs_url is None and inproc_app.redoc_url is None
