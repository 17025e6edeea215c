"""ASVS V8.2.3 in the reporting homes: the CIO's application panel, its chart and the run-cost metric count only the
applications whose costs the reader may see (inventory.costs.view on their unit) and say how many they leave out."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.orm import Session

from tandem.platform.auth import service as auth
from tandem.platform.auth.principal import Grant, Principal
from tandem.platform.db.uow import unit_of_work
from tandem.platform.web import home
from tandem.reporting.queries import cached, common, metrics
from tests.inventory.test_cost_fields_http import _app
from tests.reporting.homes import world
from tests.reporting.homes.test_queries import _render_all
from tests.support.live import Live

SECRET = 7_654_321.0  # the Finance application's run cost: distinctive, so any leak shows
RUN_COST = metrics.BY_NAME["inventory.application_run_cost"]
PANEL = "cio:Application portfolio"


@pytest.fixture(autouse=True)
def _no_shared_cache() -> None:
    common.forget_shared()


def _org(session: Session) -> world.Org:
    """IT: EHR (invest, 1.2 M) and Old lab (eliminate, 0.3 M); Finance: Treasury (invest, SECRET). EHR and Treasury
    support the same capability."""
    org = world.make_org(session)
    world.add_portfolio(session, org)
    treasury = world.record(session, "applications", name="Treasury", time_disposition="invest",
                            org_unit_id=org.finance, run_cost={"amount": str(SECRET), "currency": "USD"})  # fmt: skip
    care = str(org.made["capability"].id)
    world.record(session, "relations", type="supports", source_kind="application", source_id=str(treasury.id),
                 target_kind="capability", target_id=care, org_unit_id=org.finance)  # fmt: skip
    return org


def _reader(org: world.Org, it_role: str, finance_role: str) -> Principal:
    grants = (Grant(it_role, org.it, org.it_path), Grant(finance_role, org.finance, org.finance_path))
    return Principal(user_id=uuid.uuid4(), username=f"{it_role}+{finance_role}", grants=grants)


@pytest.mark.asvs("V8.2.3")
def test_sums_hold_only_the_costs_the_reader_may_see(session: Session) -> None:
    org = _org(session)
    both = cached.apps(session, _reader(org, "cio", "auditor"))
    assert (both.total, both.costs_hidden, both.run_cost) == (3, 0, 1_500_000 + SECRET)
    assert both.by_capability[0][1] == 1_200_000 + SECRET

    mixed = cached.apps(session, _reader(org, "auditor", "viewer"))  # costs in IT only
    assert (mixed.total, mixed.costs_hidden, mixed.run_cost, mixed.costs_shown) == (3, 1, 1_500_000, True)
    invest = next(c for c in mixed.grid if c.disposition == "invest")
    assert (invest.count, invest.run_cost, invest.costs_hidden) == (2, 1_200_000, 1)
    assert [v for _, v, _ in mixed.by_capability] == [1_200_000] and mixed.unassigned_cost == 300_000

    none = cached.apps(session, _reader(org, "viewer", "viewer"))
    assert (none.total, none.costs_hidden, none.run_cost, none.costs_shown) == (3, 3, 0, False)
    assert none.by_capability == [] and none.unassigned_cost == 0


@pytest.mark.asvs("V8.2.3")
def test_run_cost_metric_counts_and_names_what_it_leaves_out(session: Session) -> None:
    org = _org(session)
    mixed = metrics.compute(session, _reader(org, "auditor", "viewer"), RUN_COST)
    assert mixed.value == 1_500_000 and mixed.breakdown["costs_hidden"] == 1
    assert mixed.breakdown["invest"] == 1_200_000
    assert metrics.compute(session, _reader(org, "cio", "cio"), RUN_COST).value == 1_500_000 + SECRET
    viewer = _reader(org, "viewer", "viewer")
    assert metrics.compute(session, viewer, RUN_COST).value is None
    assert RUN_COST.name not in {m.name for m in metrics.all_metrics(session, viewer)}
    count = metrics.compute(session, viewer, metrics.BY_NAME["inventory.applications"])
    assert count.value == 3 and count.breakdown["invest"] == 2
    # Costs readable only where there are no applications: no number rather than a zero that looks like a total.
    empty = auth.create_unit(session, None, f"Empty-{uuid.uuid4().hex[:6]}", org.root)
    elsewhere = Principal(uuid.uuid4(), "auditor-elsewhere", (*viewer.grants, Grant("auditor", empty.id, empty.path)))
    nothing = metrics.compute(session, elsewhere, RUN_COST)
    assert nothing.value is None and nothing.breakdown == {"costs_hidden": 3}


@pytest.mark.asvs("V8.2.3")
def test_panel_and_chart_show_no_hidden_cost_and_say_how_many_are_left_out(session: Session) -> None:
    org = _org(session)
    mixed = _render_all(session, _reader(org, "auditor", "viewer"))[PANEL]
    assert "1.5 M USD" in mixed and "1.2 M USD" in mixed and 'data-plotly="rep-capability-cost"' in mixed
    for leak in ("7654321", "7.7 M", "8.9 M", "9.2 M", "8854321", "9154321"):
        assert leak not in mixed, leak
    assert "Costs of 1 application not shown and not in these sums" in mixed

    viewer = _render_all(session, _reader(org, "viewer", "viewer"))[PANEL]
    assert "USD" not in viewer and "rep-capability-cost" not in viewer and "run cost a year" not in viewer
    assert 'data-metric="inventory.application_run_cost"' not in viewer
    assert "Costs of 3 applications not shown:" in viewer and "<strong>2</strong> invest" in viewer

    full = _render_all(session, _reader(org, "cio", "cio"))[PANEL]
    assert "9.2 M USD" in full and "not shown" not in full
    assert '<strong>0</strong> migrate</a><br><span class="muted">0 USD' in full  # an empty cell costs nothing


@pytest.mark.asvs("V8.2.3")
def test_homes_and_metrics_api_over_http(live: Live) -> None:
    """A user with costs in one unit and none in another, against a live server."""
    tag = uuid.uuid4().hex[:6]
    with unit_of_work(live.db) as session:
        shown = auth.create_unit(session, None, f"Shown-{tag}", live.units["root"]).id
        hidden = auth.create_unit(session, None, f"Hidden-{tag}", live.units["root"]).id
    live.units |= {f"shown-{tag}": shown, f"hidden-{tag}": hidden}
    for unit, amount in ((shown, "1234567"), (hidden, str(SECRET))):
        _app(live, org_unit_id=str(unit), time_disposition="invest", run_cost={"amount": amount, "currency": "USD"})
    name = live.add_user(f"costs-{tag}", "auditor", f"shown-{tag}")
    with unit_of_work(live.db) as session:
        auth.grant_role(session, None, live.users[name], "viewer", hidden)
    home.clear_cache()

    with live.client(name) as client:
        metric = client.get(f"/api/v1/reporting/metrics/{RUN_COST.name}").json()
        assert metric["value"] == 1_234_567 and metric["breakdown"]["costs_hidden"] == 1
        listed = client.get("/api/v1/reporting/metrics").json()["items"]
        assert next(m for m in listed if m["name"] == RUN_COST.name)["value"] == 1_234_567
    page = live.login(name).get("/home/cio").text
    assert "1.2 M USD" in page and "Costs of 1 application not shown" in page
    assert "7654321" not in page and "7.7 M" not in page and "8.9 M" not in page

    with live.client("viewer") as client:
        assert client.get(f"/api/v1/reporting/metrics/{RUN_COST.name}").status_code == 404
        assert RUN_COST.name not in {m["name"] for m in client.get("/api/v1/reporting/metrics").json()["items"]}
    viewer = live.login("viewer-user").get("/home/cio").text
    assert 'data-metric="inventory.application_run_cost"' not in viewer and "7654321" not in viewer
    assert "applications not shown" in viewer
