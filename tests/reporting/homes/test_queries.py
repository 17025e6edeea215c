"""The cross-domain reporting queries on a real database: empty (graceful), filled (numbers match the rows the
domains wrote), and scoped to what the reader may see."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.incidents.models import Obligation
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import NotFound, PermissionDenied
from tandem.platform.web.render import env
from tandem.reporting.homes import panels, service, snapshots
from tandem.reporting.homes.models import MetricSnapshot
from tandem.reporting.queries import cached, common, metrics
from tandem.risk.models import ScenarioResult
from tandem.vulnerabilities.models import Finding
from tests.reporting.homes import world


@pytest.fixture(autouse=True)
def _no_shared_cache() -> None:
    common.forget_shared()


def _render_all(session: Session, principal: Any) -> dict[str, str]:
    """Render every reporting panel as the home page would."""
    out = {}
    for panel in panels.PANELS:
        ctx = {"ok": True, **panel.context(session, principal)}
        out[f"{panel.home}:{panel.title}"] = env().get_template(panel.template).render(ctx=ctx, which=panel.home)
    return out


def test_empty_organisation_degrades_gracefully(session: Session) -> None:
    org = world.make_org(session)
    reader = org.who("admin", "it")  # a fresh unit: nothing in any domain
    values = {m.name: m.value for m in metrics.all_metrics(session, reader)}
    assert set(values) == {s.name for s in metrics.SPECS}
    assert values["risk.portfolio_ale"] is None and values["strategy.plan_spend"] is None
    assert values["compliance.coverage"] is None and values["access.review_progress"] is None
    assert values["inventory.applications"] == 0 and values["vulnerabilities.open_findings"] == 0
    assert cached.plan(session, reader) is None and cached.top_scenarios(session, reader) == []
    html = _render_all(session, reader)
    assert "No finished plan yet" in html["cio:Portfolio status"]
    assert "No portfolio simulation yet" in html["ciso:Risk posture"]
    assert "No active incidents" in html["ciso:Active incidents"]


def test_a_reader_without_the_domain_gets_nothing(session: Session) -> None:
    org = world.make_org(session)
    assert metrics.all_metrics(session, Principal(None, "anonymous")) == []
    inventory_token = dataclasses.replace(org.who("ciso", "it"), scopes=frozenset({"inventory:read"}))
    assert {m.name.split(".")[0] for m in metrics.all_metrics(session, inventory_token)} == {"inventory"}
    reporting_token = dataclasses.replace(inventory_token, scopes=frozenset({"reporting:read"}))
    assert {m.name for m in service.list_metrics(session, reporting_token)} == {s.name for s in metrics.SPECS}
    with pytest.raises(PermissionDenied):
        service.list_metrics(session, inventory_token)  # reading metrics needs reporting.view
    with pytest.raises(NotFound):
        service.get_metric(session, reporting_token, "no.such_metric")


def test_numbers_match_what_the_domains_wrote(session: Session) -> None:
    org = world.build(session)
    reader = org.who("ciso", "it")
    apps = cached.apps(session, reader)
    cells = {c.disposition: (c.count, c.run_cost) for c in apps.grid}
    assert cells["invest"] == (1, 1_200_000) and cells["eliminate"] == (1, 300_000) and apps.run_cost == 1_500_000
    assert apps.by_capability[0][1] == 1_200_000 and apps.unassigned_cost == 300_000
    assert "time_disposition=invest" in next(c.url for c in apps.grid if c.disposition == "invest")

    posture = cached.posture(session, reader)
    run = org.made["run"]
    assert posture.ale == pytest.approx(run.total["mean"]) and posture.lec and posture.tolerance
    results = session.scalars(select(ScenarioResult).where(
        ScenarioResult.scenario_id.in_([s.id for s in org.made["scenarios"]]))).all()  # fmt: skip
    top = cached.top_scenarios(session, reader)
    assert [t.ale for t in top] == sorted((r.stats["mean"] for r in results), reverse=True)

    plan = cached.plan(session, reader)
    assert plan is not None and plan.id == str(org.made["plan"].id)
    assert plan.spend_total == pytest.approx(org.made["plan"].result["totals"]["spend"])
    assert plan.budget_total == 200_000 and plan.quarters == org.made["plan"].result["labels"]
    stored = org.made["plan"].result
    year = [i for i, q in enumerate(stored["labels"]) if q[:4] == stored["labels"][0][:4]]
    assert plan.first_year_spend == sum(stored["usage"]["budget"][i] for i in year)
    starting = [k for k, start in stored["starts"].items() if start in year]
    assert plan.first_year_risk_reduction == pytest.approx(sum(stored["info"][k]["risk"] for k in starting))
    status = cached.initiatives(session, reader)
    assert status.total == 2 and status.in_plan == plan.selected and status.on_track == 0
    decided = cached.decisions(session, reader)
    assert (decided.open_count, decided.board_count) == (2, 1)

    kev = session.scalar(select(func.count()).select_from(Finding).where(
        Finding.org_unit_id == org.it, Finding.kev.is_(True), Finding.status == "open"))  # fmt: skip
    found = cached.open_findings(session, reader)
    assert kev and found.kev == kev and found.top[0].kev and found.top[0].cve == "CVE-2023-4863"

    clocks = session.scalar(select(func.count()).select_from(Obligation).where(
        Obligation.incident_id == org.made["incident"].id, Obligation.status == "open"))  # fmt: skip
    active = cached.incidents_active(session, reader)
    assert active.count == 1 and clocks and active.open_clocks == clocks
    assert all(
        c.countdown().startswith(("due in", "overdue", "as soon", "no fixed")) for c in active.incidents[0].clocks
    )
    assert cached.vendor_risk(session, reader).total == 1


def test_scoping_hides_other_units_and_panels_link_their_lists(session: Session) -> None:
    org = world.build(session)
    outsider = org.who("admin", "finance")
    values = {m.name: m.value for m in metrics.all_metrics(session, outsider)}
    assert values["inventory.applications"] == 0 and values["risk.portfolio_ale"] is None
    assert values["vulnerabilities.kev_open"] == 0 and values["incidents.active"] == 0
    html = _render_all(session, org.who("ciso", "root"))
    assert 'href="/vulnerabilities?status=open&amp;kev=1"' in html["ciso:Open critical findings"]
    assert f'href="/strategy/plans/{org.made["plan"].id}"' in html["joint:Risk reduced per dollar"]
    assert 'data-plotly="rep-lec"' in html["ciso:Risk posture"]
    assert 'href="/inventory/applications?time_disposition=invest"' in html["cio:Application portfolio"]


def test_snapshots_store_each_tree_and_feed_the_trend(session: Session) -> None:
    org = world.build(session)
    assert snapshots.take_snapshots(session) == len(metrics.SPECS)
    assert snapshots.take_snapshots(session) == len(metrics.SPECS)  # the same day again overwrites
    rows = session.scalars(select(MetricSnapshot).where(MetricSnapshot.name == "risk.portfolio_ale")).all()
    assert len(rows) == 1 and rows[0].value == pytest.approx(org.made["run"].total["mean"])
    assert snapshots.history(session, org.who("ciso", "root"), "risk.portfolio_ale")[0][1] == rows[0].value
    assert snapshots.history(session, org.who("ciso", "it"), "risk.portfolio_ale") == []  # a part of the tree
