"""In a real browser: open a scheduled network audit, edit its title, due date and status, see a located error
for a bad edit, cancel it with the confirmation box, with no console error or CSP violation."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.support.live import PASSWORD, Live

pytestmark = pytest.mark.ui
BASE = "/api/v1/monitoring"


@pytest.mark.parametrize("live", ["sqlite"], indirect=True)
def test_edit_and_cancel_an_audit_in_the_browser(browser: Browser, live: Live) -> None:
    with live.client("security_analyst") as client:
        checklist = client.post(f"{BASE}/checklists/template").json()
        title = f"Branch audit {uuid.uuid4().hex[:4]}"
        audit = client.post(f"{BASE}/audits", json={"checklist_id": checklist["id"], "title": title}).json()
    context = browser.new_context(base_url=live.base_url)
    context.set_default_timeout(15_000)
    problems: list[Any] = []
    page = context.new_page()
    # A refused form answers 422 on purpose, which the browser logs as a failed load: anything else is a problem.
    expected = "the server responded with a status of 422"
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and expected not in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto("/login")
    page.get_by_label("User name").fill("security_analyst-user")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)

    page.goto(f"/monitoring/audits/{audit['id']}")
    page.get_by_role("link", name="Edit, cancel or delete").click()
    expect(page.get_by_label("Title")).to_have_value(title)
    page.get_by_label("Title").fill(f"{title} (edited)")
    page.get_by_label("Assignee (user name; empty: nobody)").fill("nobody-here")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("no such user")  # the form keeps what was typed
    expect(page.get_by_label("Title")).to_have_value(f"{title} (edited)")
    page.get_by_label("Assignee (user name; empty: nobody)").fill("security_analyst-user")
    page.get_by_label("Due").fill("2031-05-31")
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=f"Audit {title} (edited)")).to_be_visible()
    expect(page.get_by_text("in progress · due 2031-05-31")).to_be_visible()

    page.get_by_role("link", name="Edit, cancel or delete").click()
    page.get_by_role("button", name="Cancel audit").click()
    expect(page.get_by_role("alert")).to_contain_text("tick the box")
    page.get_by_label(f'Yes, cancel "{title} (edited)"').check()
    page.get_by_role("button", name="Cancel audit").click()
    expect(page.get_by_text("This audit is cancelled")).to_be_visible()
    expect(page.get_by_role("button", name="Record")).to_have_count(0)
    context.close()
    assert problems == []
