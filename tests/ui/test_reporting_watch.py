"""The watch in a real browser: upload the KEV sample, find the entry that hits software the organisation runs,
see why it matched, and triage it with an owner-less follow-up task."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tandem.inventory import service as inventory
from tandem.inventory.kinds import KINDS
from tandem.platform.auth import service as auth
from tandem.platform.db.engine import make_engine
from tandem.platform.db.uow import Database, unit_of_work
from tandem.reporting.watch import feeds
from tests.ui.conftest import Server
from tests.ui.test_journey import change_password, sign_in

pytestmark = pytest.mark.ui
KEV = Path(feeds.__file__).parent.parent / "samples" / "kev-2025.08.25-slice.json"


def _runs_chrome(data_dir: Path) -> None:
    """Put Google Chrome (with its CPE) into the served organisation's inventory."""
    db = Database(make_engine(f"sqlite:///{data_dir / 'tandem.db'}"))
    with unit_of_work(db) as session:
        root = auth.root_unit(session)
        assert root is not None
        kind = KINDS["software"]
        inventory.create_record(session, None, kind, kind.create.model_validate({
            "name": "Google Chrome", "vendor": "Google", "version": "116.0.5845.96", "org_unit_id": root.id,
            "cpe": "cpe:2.3:a:google:chrome:116.0.5845.96:*:*:*:*:*:*:*"}))  # fmt: skip
    db.engine.dispose()


def test_upload_match_and_triage(page: Page, server: Server, tmp_path: Path) -> None:
    _runs_chrome(tmp_path)
    page.goto("/reporting/watch")
    sign_in(page, "admin", server.one_time_password)
    change_password(page, server.one_time_password, "a-much-longer-password-2026")
    page.goto("/reporting/watch")
    page.select_option("#f-source", "kev")
    page.set_input_files("#f-file", str(KEV))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("155 new item(s)")
    page.select_option("#w-matched", "true")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#watch-items tbody tr")
    expect(rows.first).to_contain_text("Google Chrome")
    page.get_by_role("link", name=re.compile(r"^CVE-2023-4863")).click()
    expect(page.locator("#matches")).to_contain_text("Google Chromium WebP — the inventory runs Google Chrome")
    page.select_option("#t-status", "relevant")
    page.fill("#t-task", "Roll Chrome 116 forward on every workstation")
    page.fill("#t-due", "2026-12-15")
    page.get_by_role("button", name="Save triage").click()
    expect(page.locator(".flash")).to_have_text("Triage saved")
    expect(page.locator("#item-status")).to_have_text("relevant")
    expect(page.get_by_text("Roll Chrome 116 forward on every workstation (due 2026-12-15)")).to_be_visible()
