"""The board pack in a real browser: generate this quarter's pack (a job with progress), open it from the list,
write commentary, publish, and download the PDF and the HTML, with no console error or CSP violation."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tandem.reporting.board.quarters import quarter_of
from tests.ui.conftest import Server
from tests.ui.test_journey import first_sign_in

pytestmark = pytest.mark.ui


def test_generate_edit_publish_download(page: Page, server: Server) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    quarter = quarter_of(dt.date.today()).label
    first_sign_in(page, server)

    page.goto("/reporting/board")
    page.fill("#f-quarter", quarter)
    page.get_by_role("button", name="Generate pack").click()
    expect(page).to_have_url(re.compile(r"/jobs/"))
    expect(page.locator('[data-field="status"]')).to_have_text("succeeded", timeout=60_000)

    page.goto("/reporting/board")
    # The worker's schedule made the quarter's first draft already; generating again refreshed it (still v1).
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text("v1")
    page.get_by_role("link", name=quarter).click()
    expect(page.locator("#section-incidents")).to_contain_text("No incidents this quarter.")
    page.fill("#c-summary", "Steady quarter. <b>No surprises</b>")
    page.get_by_role("button", name="Save sections").click()
    expect(page.get_by_role("status")).to_contain_text("Sections saved.")
    expect(page.locator("#section-summary .commentary")).to_have_text("Steady quarter. <b>No surprises</b>")
    page.get_by_role("button", name="Publish this version").click()
    expect(page.locator("#pack-status")).to_have_text("published")
    expect(page.get_by_role("button", name="Save sections")).to_have_count(0)

    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download PDF").click()
    assert pdf.value.suggested_filename == f"board-pack-{quarter}-v1.pdf"
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF-")
    with page.expect_download() as html:
        page.get_by_role("link", name="Download HTML").click()
    body = Path(html.value.path()).read_text(encoding="utf-8")
    assert "Steady quarter. &lt;b&gt;No surprises&lt;/b&gt;" in body and "<script" not in body
    assert problems == []
