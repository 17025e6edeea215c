"""A first administrator's journey through the real UI, in Debian's Chromium, against `tandem serve`."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.ui.conftest import Server

NEW_PASSWORD = "a long and unusual pass phrase 91"
pytestmark = pytest.mark.ui


def sign_in(page: Page, username: str, password: str) -> None:
    """Fill and submit the sign-in form (the page must already show it)."""
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill("#f-username", username)
    page.fill("#f-password", password)
    page.get_by_role("button", name="Sign in").click()


def change_password(page: Page, current: str, new: str) -> None:
    """Fill and submit the change-password form."""
    page.fill("#f-current_password", current)
    page.fill("#f-new_password", new)
    page.get_by_role("button", name="Change password").click()


def create_token(page: Page, name: str) -> str:
    """Create an API token with the default scopes and return the secret shown once."""
    page.goto("/account/tokens")
    page.fill("#f-name", name)
    expect(page.locator('input[name="scopes"][value="*:read"]')).to_be_checked()
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#token-secret")
    expect(secret).to_have_text(re.compile(r"^tdm_\S+$"))
    return secret.inner_text().strip()


def audit_cells(page: Page, column: int) -> list[str]:
    """Return the text of one column of the audit table (0-based)."""
    return [c.strip() for c in page.locator(f"table.audit tbody tr td:nth-child({column + 1})").all_inner_texts()]


def first_sign_in(page: Page, server: Server) -> None:
    """Sign in with the one-time password and replace it, ending on a home page."""
    page.goto("/")
    sign_in(page, "admin", server.one_time_password)
    expect(page).to_have_url(re.compile(r"/account/password$"))
    change_password(page, server.one_time_password, NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/\w+"))


def test_first_admin_journey(page: Page, server: Server) -> None:
    # 1. The root sends an anonymous visitor to sign in; a one-time password must be changed first.
    page.goto("/")
    sign_in(page, "admin", server.one_time_password)
    expect(page).to_have_url(re.compile(r"/account/password$"))
    expect(page.get_by_role("alert")).to_contain_text("one-time password")

    # 2. A short password is refused next to its field; a good one leads home.
    change_password(page, server.one_time_password, "short")
    expect(page.locator("#e-new_password")).to_be_visible()
    expect(page.locator("#e-new_password")).not_to_be_empty()
    expect(page.locator("#f-new_password")).to_have_attribute("aria-invalid", "true")
    change_password(page, server.one_time_password, NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/\w+"))
    expect(page.locator("h1")).to_be_visible()

    # 3. A read-only API token, its secret shown once.
    secret = create_token(page, "journey reader")

    # 4. The token works on the API, and only for reading.
    with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {secret}"}, timeout=30) as api:
        me = api.get("/api/v1/auth/me")
        assert me.status_code == 200, me.text
        assert me.json()["username"] == "admin"
        units = api.get("/api/v1/auth/org-units")
        assert units.status_code == 200, units.text
        root_id = units.json()["items"][0]["id"]
        created = api.post("/api/v1/auth/org-units", json={"name": "Not allowed", "parent_id": root_id})
        assert created.status_code == 403, created.text

    # 5. The sign-in and the token creation are in the audit log, and the chain verifies.
    page.goto("/audit")
    expect(page.locator("h1")).to_have_text("Audit log")
    actions, entities = audit_cells(page, 3), audit_cells(page, 4)
    assert "auth.login" in actions
    assert any(e.startswith("api_tokens") for e, a in zip(entities, actions, strict=True) if "create" in a), entities
    page.goto("/audit/verify")
    expect(page.locator("#verify-result")).to_contain_text("audit chain OK")

    # 6. Signing out ends the session: home now asks to sign in again.
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.goto("/home")
    expect(page).to_have_url(re.compile(r"/login"))


def test_pages_run_without_console_errors_or_csp_violations(page: Page, server: Server) -> None:
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # Chromium asks for /favicon.ico by itself; Tandem has none, and that 404 is no page error.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    first_sign_in(page, server)

    for path in ("/home", "/account/tokens", "/audit"):
        response = page.goto(path)
        assert response is not None and response.ok, path
        csp = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp, csp
        assert "unsafe-inline" not in csp, csp
    assert page.evaluate("() => document.readyState") == "complete"
    assert not [p for p in problems if "Content Security Policy" in p], problems
    assert not problems, problems
