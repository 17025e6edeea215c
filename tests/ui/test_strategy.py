"""The plan page in a real browser: the solver's honesty line, the roadmap chart, reasons against greedy; and the
initiative form's located errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tandem.platform.auth import service as auth
from tandem.platform.db.engine import make_engine
from tandem.platform.db.uow import Database, unit_of_work
from tandem.strategy import planning, policy, service
from tandem.strategy.models import Plan
from tandem.strategy.schemas import InitiativeCreate, PolicyUpdate
from tests.ui.conftest import Server
from tests.ui.test_journey import change_password, sign_in

pytestmark = pytest.mark.ui


def _plan(data_dir: Path) -> None:
    """Add a policy, three initiatives and an optimised plan to the served database."""
    db = Database(make_engine(f"sqlite:///{data_dir / 'tandem.db'}"))
    with unit_of_work(db) as session:
        root = auth.root_unit(session)
        assert root is not None
        policy.update_policy(session, None, root.id, PolicyUpdate(quarters=2, budget=[100_000, 100_000],
                                                                  capacity={"security": [2.0, 2.0]}))  # fmt: skip
        for title, sponsor, staff in (("EDR rollout", "ciso", 1.5), ("MFA everywhere", "ciso", 1.0),
                                      ("DLP for PHI", "ciso", 1.5)):  # fmt: skip
            service.create_initiative(session, None, InitiativeCreate(
                title=title, sponsor=sponsor, costs=[30_000], staff={"security": [staff]},
                business_value=100_000 if title != "DLP for PHI" else 10_000, org_unit_id=root.id))  # fmt: skip
        plan = Plan(org_unit_id=root.id, name="Browser plan", status="running", settings={})
        session.add(plan)
        session.flush()
        plan.result, plan.frontier, _ = planning.compute(planning.build_snapshot(session, None, plan), 5, 0.0, True)
        plan.status = "succeeded"
    db.engine.dispose()


def test_plan_page_and_initiative_form(page: Page, server: Server, tmp_path: Path) -> None:
    _plan(tmp_path)
    page.goto("/strategy/plan")
    sign_in(page, "admin", server.one_time_password)
    change_password(page, server.one_time_password, "a-much-longer-password-2026")
    page.goto("/strategy/plan")
    expect(page.get_by_role("heading", name="Browser plan")).to_be_visible()
    expect(page.get_by_text(re.compile(r"optimal \(proven, gap 0\)"))).to_be_visible()
    expect(page.locator("#strategy-roadmap .main-svg").first).to_be_visible()  # plotly drew the roadmap
    row = page.get_by_role("row", name=re.compile("DLP for PHI"))
    expect(row).to_contain_text("security staff in Q1 is binding")
    expect(row).to_contain_text("not funded")  # the greedy ranking leaves it out too

    page.goto("/strategy/initiatives/new")
    page.fill("#title", "Backup immutability")
    page.fill("#duration", "2")
    page.fill("#costs", "1000; 2000; 3000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("give one figure or one per active quarter (2)")).to_be_visible()
    page.fill("#costs", "1000; 2000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Backup immutability")).to_be_visible()
