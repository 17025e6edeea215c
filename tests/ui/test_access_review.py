"""A reviewer's journey in Chromium: upload the access files, start a review, decide with the keyboard."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.access.world import FILES
from tests.ui.conftest import Server
from tests.ui.test_journey import first_sign_in

pytestmark = pytest.mark.ui


def test_upload_start_review_and_decide_with_the_keyboard(page: Page, server: Server, tmp_path: Path) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if isinstance(m, ConsoleMessage) and m.type == "error" else None)
    first_sign_in(page, server)
    files = {k: v.replace(",EHR database:read", ",").replace(",EHR database:export", ",") for k, v in FILES.items()}
    for kind, text in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        page.goto("/access/imports")
        page.select_option("#f-kind", kind)
        page.set_input_files("#f-file", str(path))
        page.get_by_role("button", name="Import").click()
        expect(page.get_by_role("status")).to_contain_text(f"Imported {kind}.csv")

    page.goto("/access/campaigns")
    page.fill("#f-name", "Keyboard review")
    page.fill("#f-due_date", "2099-06-30")
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(re.compile(r"/access/campaigns/[0-9a-f-]+"))
    page.get_by_role("link", name="Review all pending items").click()
    rows = page.locator("tr[data-item]")
    expect(rows).to_have_count(11)
    expect(rows.filter(has_text="Frank Fox")).to_contain_text("terminated")

    page.keyboard.press("x")  # select the first row, move down and select the second, then revoke both
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("r")
    expect(page.get_by_role("status")).to_contain_text("Revoke: 2 item(s).")
    expect(page.locator("tr[data-item]")).to_have_count(9)
    assert not errors, errors
