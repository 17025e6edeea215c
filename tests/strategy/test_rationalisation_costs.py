"""ASVS V8.2.3 on the TIME grid: an application's run cost is absent where the reader may not see it (inventory.costs.
view on its unit), its bubble has a neutral size, and the API, page and CLI say how many costs are left out."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tandem.platform.auth.principal import CONSOLE, Grant, Principal
from tandem.strategy import charts, rationalisation
from tests.inventory.test_cost_fields_http import _app
from tests.reporting.homes import world
from tests.support.cli import run
from tests.support.live import Live

BASE = "/api/v1/strategy/rationalisation"


def _grid(session: Session, principal: Principal) -> dict[str, dict[str, object]]:
    return {str(a["name"]): a for a in rationalisation.time_grid(session, principal)}


@pytest.mark.asvs("V8.2.3")
def test_hidden_costs_are_absent_and_their_bubbles_neutral(session: Session) -> None:
    org = world.make_org(session)
    for name, unit, amount in (("Cheap", org.finance, "1000"), ("Dear", org.finance, "9000000"),
                               ("Seen", org.it, "2000000")):  # fmt: skip
        world.record(session, "applications", name=name, time_disposition="tolerate", org_unit_id=unit,
                     run_cost={"amount": amount, "currency": "USD"})  # fmt: skip
    grants = (Grant("auditor", org.it, org.it_path), Grant("viewer", org.finance, org.finance_path))
    mixed = Principal(uuid.uuid4(), "auditor-it+viewer-finance", grants)
    grid = _grid(session, mixed)
    assert grid["Seen"]["run_cost"] == 2_000_000 and float(str(grid["Seen"]["size"])) > rationalisation.NEUTRAL_SIZE
    for name in ("Cheap", "Dear"):
        assert "run_cost" not in grid[name] and grid[name]["size"] == rationalisation.NEUTRAL_SIZE
    apps = list(grid.values())
    assert rationalisation.costs_hidden(apps) == 2
    chart = json.dumps(charts.time_grid(apps))
    assert "9000000" not in chart and "1000.0" not in chart

    everything = _grid(session, CONSOLE)  # the server's own commands see every cost
    assert everything["Dear"]["run_cost"] == 9_000_000 and everything["Cheap"]["run_cost"] == 1_000
    assert everything["Dear"]["size"] != everything["Cheap"]["size"]


@pytest.mark.asvs("V8.2.3")
def test_api_and_page_leave_costs_out_for_a_viewer(live: Live) -> None:
    made = _app(live, time_disposition="migrate", run_cost={"amount": "8765432.00", "currency": "USD"})
    with live.client("viewer") as client:
        grid = client.get(BASE).json()
    item = next(a for a in grid["items"] if a["id"] == made["id"])
    assert "run_cost" not in item and item["size"] == rationalisation.NEUTRAL_SIZE
    assert grid["costs_hidden"] == len(grid["items"]) and "8765432" not in json.dumps(grid)
    with live.client("security_analyst") as client:
        seen = client.get(BASE).json()
    assert next(a for a in seen["items"] if a["id"] == made["id"])["run_cost"] == 8_765_432
    assert seen["costs_hidden"] == 0

    page = live.login("viewer-user").get("/strategy/rationalisation").text
    assert made["name"] in page and "8,765,432" not in page and "8765432" not in page
    assert "not shown" in page and "inventory.costs.view" in page
    full = live.login("auditor-user").get("/strategy/rationalisation").text
    assert "8,765,432" in full and "inventory.costs.view" not in full


def test_cli_time_grid_shows_every_cost(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    (tmp_path / "apps.csv").write_text(
        "name,time_disposition,run_cost_amount,run_cost_currency\nLedger,invest,7654321,USD\n", encoding="utf-8"
    )
    imported = run(tmp_path, "inventory", "import", str(tmp_path / "apps.csv"), "--kind", "applications")
    assert imported.returncode == 0, imported.stderr
    listed = run(tmp_path, "strategy", "time-grid", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    row = next(r for r in json.loads(listed.stdout) if r["application"] == "Ledger")
    assert row["run_cost"] == "7,654,321"
