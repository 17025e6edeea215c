"""The incident workspace in a real browser: affected people change the obligations, the countdown banner shows
the earliest deadline, and recording a notification as sent (with evidence) moves the banner on."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tandem.incidents import service
from tandem.incidents.schemas import IncidentCreate
from tandem.platform.auth import service as auth
from tandem.platform.db.engine import make_engine
from tandem.platform.db.uow import Database, unit_of_work
from tests.ui.conftest import Server
from tests.ui.test_journey import change_password, sign_in

pytestmark = pytest.mark.ui


def _incident(data_dir: Path) -> str:
    """Open a vendor breach discovered ten hours ago in the served database."""
    db = Database(make_engine(f"sqlite:///{data_dir / 'tandem.db'}"))
    with unit_of_work(db) as session:
        root = auth.root_unit(session)
        assert root is not None
        ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=10)
        made = service.open_incident(
            session,
            None,
            IncidentCreate(
                title="Newsletter vendor breach",
                type="vendor_breach",
                discovered_at=ago,
                aware_at=ago,
                org_unit_id=root.id,
            ),
        )
        incident_id = str(made.id)
    db.engine.dispose()
    return incident_id


def test_workspace_countdown_follows_the_facts(page: Page, server: Server, tmp_path: Path) -> None:
    incident_id = _incident(tmp_path)
    page.goto(f"/incidents/{incident_id}")
    sign_in(page, "admin", server.one_time_password)
    change_password(page, server.one_time_password, "a-much-longer-password-2026")
    page.goto(f"/incidents/{incident_id}")
    expect(page.locator("#countdown")).to_have_count(0)  # nothing to notify yet
    page.fill("#p-label", "Newsletter list")
    page.fill("#p-j", "FR")
    page.fill("#p-count", "800")
    page.locator("input[name='elements'][value='email']").check()
    page.get_by_role("button", name="Add affected people").click()
    banner = page.locator("#countdown")
    expect(banner).to_contain_text(re.compile(r"due in (2 d|1 d) \d+ h"))
    expect(banner).to_contain_text("Supervisory authority of each member state")
    row = page.locator("#obligations + p + table tbody tr", has_text="Supervisory authority")
    row.get_by_label("Evidence or reason").fill("Notified CNIL online, reference 2026-0042")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Obligation updated")
    expect(page.locator("#obligations + p + table")).to_contain_text("Notified CNIL online")
    expect(page.locator(".timeline")).to_contain_text("notification sent")
