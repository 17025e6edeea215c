"""The three role homes in a real browser: filled panels, charts drawn from JSON blocks under the strict CSP
(no console error, no CSP violation), and a number that leads to the list behind it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tandem.platform.config import Settings
from tandem.platform.db.engine import make_engine
from tandem.platform.db.uow import Database, unit_of_work
from tests.reporting.homes import world
from tests.ui.conftest import Server
from tests.ui.test_journey import first_sign_in

pytestmark = pytest.mark.ui


def _fill(data_dir: Path) -> None:
    """Write sample data into the served database, through the domains' services (the server keeps running)."""
    db = Database(make_engine(Settings(data_dir=data_dir).resolved_database_url))
    with unit_of_work(db) as session:
        org = world.make_org(session)
        for step in (world.add_portfolio, world.add_risk, world.add_strategy, world.add_incident):
            step(session, org)
    db.engine.dispose()


def test_three_homes_render_and_a_number_opens_its_list(page: Page, server: Server, tmp_path: Path) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    _fill(tmp_path)
    first_sign_in(page, server)

    page.goto("/home/ciso")
    expect(page.locator("h1")).to_have_text("CISO home")
    expect(page.locator("#rep-lec .main-svg").first).to_be_visible()  # Plotly drew the loss exceedance curve
    expect(page.locator('[data-metric="incidents.active"]')).to_contain_text("1")
    page.goto("/home/joint")
    expect(page.locator('[data-metric="strategy.board_decisions_open"]')).to_contain_text("1")
    page.goto("/home/cio")
    expect(page.locator("#rep-cio-burn .main-svg").first).to_be_visible()
    page.get_by_role("link", name="1 invest").click()
    expect(page).to_have_url(re.compile(r"/inventory/applications\?time_disposition=invest$"))
    expect(page.locator("main")).to_contain_text("EHR")
    expect(page.locator("main")).not_to_contain_text("Old lab")
    assert problems == []
