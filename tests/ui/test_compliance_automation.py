"""In a real browser: the CISO adds an automated test to a control through the check's parameter form, runs it,
reads the failing result with its evidence snapshot, and sees the pass/fail history on the control page — with no
console error or CSP violation."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.compliance.automation_checks import AT_MOST
from tests.support.live import PASSWORD, Live


@pytest.mark.parametrize("live", ["sqlite"], indirect=True)
def test_add_run_and_read_a_control_test(browser: Browser, live: Live) -> None:
    title = f"Few controls {uuid.uuid4().hex[:6]}"
    with live.client("ciso") as api:
        response = api.post("/api/v1/compliance/controls", json={"title": title, "org_unit_id": str(live.units["it"])})
        assert response.status_code == 201, response.text
        control_id = response.json()["id"]
    context = browser.new_context(base_url=live.base_url)
    problems: list[Any] = []
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto("/login")
    page.get_by_label("User name").fill("ciso-user")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/compliance/controls/{control_id}")
    expect(page.get_by_text("No automated tests: this control's evidence is manual.")).to_be_visible()
    page.get_by_role("link", name="Add automated test").click()
    page.get_by_label("Check", exact=True).select_option(AT_MOST)
    page.get_by_role("button", name="Show its parameters").click()
    expect(page.get_by_text("Counts the controls of the org units in scope")).to_be_visible()
    page.get_by_label("max_controls (int, default 10)").fill("0")
    page.get_by_role("button", name="Add test").click()
    page.get_by_text("Automated test added.").wait_for()
    page.get_by_role("button", name="Run At most N controls in scope now").click()
    expect(page.get_by_role("heading", name="At most N controls in scope fail")).to_be_visible()
    expect(page.get_by_role("cell", name=title)).to_be_visible()  # the evidence snapshot's row
    page.get_by_role("link", name=title).click()
    expect(page.get_by_label("Pass/fail history of At most N controls in scope").get_by_role("link")).to_have_count(1)
    expect(page.get_by_text("failing — automated")).to_be_visible()
    page.goto("/compliance/drift")
    expect(page.get_by_role("heading", name="Control drift")).to_be_visible()
    context.close()
    assert problems == []
