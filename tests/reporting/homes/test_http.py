"""The role homes, the metrics API (with a `reporting:read` token), the metrics page and `tandem report metrics`
over a live server on loopback."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from typer.testing import CliRunner

from tandem.platform.db.uow import set_database, unit_of_work
from tandem.platform.web import home
from tandem.reporting import cli
from tandem.reporting.queries import common
from tests.reporting.homes import world
from tests.support.live import Live

BASE = "/api/v1/reporting"


@pytest.fixture(scope="module")
def org(live: Live) -> world.Org:
    """Portfolio, risk, strategy and an incident in the live database (committed once for the module)."""
    with unit_of_work(live.db) as session:
        made = world.make_org(session)
        for step in (world.add_portfolio, world.add_risk, world.add_strategy, world.add_incident):
            step(session, made)
    if "bi" not in live.tokens:
        live.add_user("bi", "cio", "root", scopes=["reporting:read"])
    return made


def test_homes_render_with_numbers_that_link_to_their_lists(live: Live, org: world.Org) -> None:
    home.clear_cache()
    common.forget_shared()
    client = live.login("ciso-user")
    pages = {which: client.get(f"/home/{which}") for which in ("cio", "ciso", "joint")}
    assert all(p.status_code == 200 for p in pages.values())
    assert all("could not be loaded" not in p.text for p in pages.values())
    cio, ciso, joint = (pages[w].text for w in ("cio", "ciso", "joint"))
    assert 'href="/inventory/applications?time_disposition=invest"' in cio and 'data-plotly="rep-cio-burn"' in cio
    assert re.search(r'href="/risk/portfolio" data-metric="risk.portfolio_ale"><strong>[\d.,]+ [kM]? ?USD', ciso)
    assert 'href="/incidents" data-metric="incidents.active"><strong>' in ciso and "due in" in ciso
    assert f'href="/strategy/plans/{org.made["plan"].id}" data-metric="strategy.risk_reduced_per_dollar"' in joint
    assert 'data-metric="strategy.board_decisions_open"' in joint
    assert "<script>" not in cio + ciso + joint  # only JSON blocks; the CSP forbids inline scripts
    again = client.get("/home/ciso")  # served from the panel cache: the same page
    assert again.text.count('data-metric="') == ciso.count('data-metric="')
    with unit_of_work(live.db) as session:  # any audited change makes the homes recompute
        world.add_incident(session, org)
    assert _active(client.get("/home/ciso").text) == _active(ciso) + 1


def _active(page: str) -> int:
    found = re.search(r'data-metric="incidents.active"><strong>(\d+)</strong>', page)
    assert found, "no active-incident count on the page"
    return int(found.group(1))


def test_metrics_api_with_a_reporting_token_matches_the_homes(live: Live, org: world.Org) -> None:
    with live.client("bi") as bi:
        listed = bi.get(f"{BASE}/metrics")
        assert listed.status_code == 200, listed.text
        values = {m["name"]: m for m in listed.json()["items"]}
        ale = bi.get(f"{BASE}/metrics/risk.portfolio_ale").json()
        assert ale["value"] == values["risk.portfolio_ale"]["value"] and ale["unit"] == "money"
        assert ale["url"] == "/risk/portfolio"
        assert bi.get(f"{BASE}/metrics/nope").status_code == 404
        assert bi.get("/api/v1/risk/scenarios").status_code == 403  # the token reads reporting only
        exported = bi.get(f"{BASE}/metrics", params={"export": "csv"})
        assert exported.status_code == 200 and "risk.portfolio_ale" in exported.text
    assert values["incidents.active"]["value"] >= 1 and values["strategy.board_decisions_open"]["value"] >= 1
    with live.client("viewer") as viewer:  # the same endpoint with a session-less full token of another role
        assert viewer.get(f"{BASE}/metrics").status_code == 200
    assert live.client().get(f"{BASE}/metrics").status_code == 401
    page = live.login("cio-user").get("/reporting/metrics")
    assert page.status_code == 200 and "<code>risk.portfolio_ale</code>" in page.text
    assert 'href="/api/v1/reporting/metrics?export=csv"' in page.text


def test_cli_prints_the_metrics(live: Live, org: world.Org) -> None:
    set_database(live.db)
    try:
        runner = CliRunner()
        as_json = runner.invoke(cli.app, ["metrics", "--format", "json"])
        assert as_json.exit_code == 0, as_json.output
        names = {m["name"]: m for m in json.loads(as_json.stdout)}
        assert names["inventory.applications"]["value"] >= 2 and "breakdown" in names["inventory.applications"]
        as_csv = runner.invoke(cli.app, ["metrics", "--format", "csv"])
        rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
        assert {r["name"] for r in rows} == set(names) and rows[0].keys() == {"name", "label", "unit", "value", "url"}
    finally:
        set_database(None)
