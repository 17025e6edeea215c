"""Risk services on a real database: register, located FAIR errors, inline quantification, matrix, treatments."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Grant, Principal
from tandem.platform.errors import Conflict, InvalidInput, PermissionDenied
from tandem.risk import matrix, service, simulation, treatments
from tandem.risk.schemas import (
    Acceptance,
    MatrixUpdate,
    ScenarioCreate,
    ScenarioUpdate,
    SimulateRequest,
    TermCreate,
    TreatmentCreate,
)
from tests.risk.conftest import Org

FAIR = {
    "tef": {"type": "pert", "min": 0.5, "mode": 2, "max": 6},
    "vulnerability": {"type": "pert", "min": 0.05, "mode": 0.15, "max": 0.35},
    "primary_loss": {"type": "lognormal90", "low": 100_000, "high": 2_000_000},
}


def _scenario(session: Session, org: Org, **extra: Any) -> Any:
    data = {"title": f"Ransomware {uuid.uuid4().hex[:6]}", "org_unit_id": org.it, **extra}
    return service.create_scenario(session, None, ScenarioCreate.model_validate(data))


def _who(role: str, unit: uuid.UUID, path: str = "/") -> Principal:
    return Principal(user_id=uuid.uuid4(), username=role, grants=(Grant(role, unit, path),))


def test_scenario_links_inventory_and_is_rated_by_the_matrix(session: Session, org: Org, app_record: Any) -> None:
    s = _scenario(session, org, likelihood=5, impact=5, threat_event="Ransomware",
                  targets=[{"kind": "application", "id": str(app_record.id)}])  # fmt: skip
    read = service.to_read(session, s)
    assert read.level == "critical"
    assert read.targets == [{"kind": "application", "id": str(app_record.id)}]
    low = service.to_read(session, _scenario(session, org, likelihood=1, impact=1))
    assert low.level == "low"


def test_unknown_target_taxonomy_and_rating_are_located(session: Session, org: Org) -> None:
    with pytest.raises(InvalidInput) as err:
        _scenario(session, org, targets=[{"kind": "asset", "id": str(uuid.uuid4())}], threat_event="Alien invasion",
                  likelihood=7)  # fmt: skip
    locations = {e.location for e in err.value.errors}
    assert {"body.targets.0", "body.threat_event", "body.likelihood"} <= locations


@pytest.mark.parametrize(
    ("estimate", "factor", "location", "reason"),
    [
        ({"type": "pert", "min": 5, "mode": 3, "max": 1}, "tef", "body.fair.tef.min", "must not exceed max"),
        ({"type": "pert", "min": 1, "mode": 9, "max": 5}, "tef", "body.fair.tef.mode", "between"),
        ({"type": "pert", "min": -1, "mode": 1, "max": 2}, "tef", "body.fair.tef.min", "negative"),
        ({"type": "pert", "min": 0.1, "mode": 0.5, "max": 1.5}, "vulnerability", "body.fair.vulnerability.max", "1"),
        ({"type": "pert", "min": 1, "mode": 2, "max": 3, "gamma": 0}, "tef", "body.fair.tef.gamma", "positive"),
        ({"type": "beta", "a": 1}, "tef", "body.fair.tef.type", "must be one of"),
    ],
)
def test_bad_estimates_name_the_field_and_reason(
    session: Session, org: Org, estimate: dict[str, Any], factor: str, location: str, reason: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        _scenario(session, org, fair={**FAIR, factor: estimate})
    assert any(e.location == location and reason in e.reason for e in err.value.errors), err.value.errors


def test_inline_simulation_stores_a_result_and_reruns_when_inputs_change(session: Session, org: Org) -> None:
    s = _scenario(session, org, fair=FAIR)
    first = simulation.result_of(session, None, s.id)
    assert first is not None and first["run"]["years"] == 100_000 and len(first["lec"]) == 200
    assert first["mean"] > 0 and first["p99"] >= first["p95"] >= first["p50"] and not first["stale"]
    started = time.perf_counter()
    service.update_scenario(
        session, None, s.id, ScenarioUpdate(fair={**FAIR, "tef": {"type": "constant", "value": 20}})
    )
    elapsed = time.perf_counter() - started
    second = simulation.result_of(session, None, s.id)
    assert second is not None and second["mean"] > first["mean"] * 3
    print(f"inline re-simulation incl. store: {elapsed * 1000:.0f} ms (engine {second['run']['elapsed_ms']} ms)")
    service.update_scenario(session, None, s.id, ScenarioUpdate(fair=None))
    assert simulation.result_of(session, None, s.id) is None


def test_describe_gives_mean_and_percentiles_with_located_errors() -> None:
    out = simulation.describe_estimate({"type": "pert", "min": 1, "mode": 2, "max": 9})
    assert out["mean"] == pytest.approx((1 + 4 * 2 + 9) / 6) and out["p5"] < 2 < out["p95"]
    with pytest.raises(InvalidInput) as err:
        simulation.describe_estimate({"type": "lognormal90", "low": 5, "high": 1})
    assert err.value.errors[0].location == "body.estimate.high"


def test_matrix_is_editable_per_unit_and_inherited(session: Session, org: Org) -> None:
    levels = [{"key": "ok", "label": "OK", "colour": "#00aa00"}, {"key": "bad", "label": "Bad", "colour": "#aa0000"}]
    cells = [["ok", "ok", "bad"], ["ok", "bad", "bad"], ["bad", "bad", "bad"]]
    matrix.update_matrix(session, None, org.root, MatrixUpdate.model_validate({
        "likelihood_labels": ["L", "M", "H"], "impact_labels": ["L", "M", "H"], "levels": levels, "cells": cells,
        "appetite_level": "ok", "tolerance": [[1e5, 0.2], [1e6, 0.05]]}))  # fmt: skip
    inherited = matrix.get_matrix(session, None, org.it)
    assert inherited.inherited_from == org.root and inherited.cells == cells
    s = _scenario(session, org, likelihood=2, impact=2)
    assert service.to_read(session, s).level == "bad"
    with pytest.raises(InvalidInput) as err:
        _scenario(session, org, likelihood=4, impact=1)
    assert err.value.errors[0].location == "body.likelihood"
    with pytest.raises(InvalidInput) as err:
        matrix.update_matrix(session, None, org.it, MatrixUpdate(cells=[["ok"]], appetite_level="nope"))
    assert {"body.cells", "body.appetite_level"} <= {e.location for e in err.value.errors}


def test_heatmap_counts_scenarios_per_cell(session: Session, org: Org) -> None:
    rows = [_scenario(session, org, likelihood=3, impact=4), _scenario(session, org, likelihood=3, impact=4),
            _scenario(session, org, likelihood=1, impact=2), _scenario(session, org)]  # fmt: skip
    heat = matrix.heatmap(matrix.matrix_data(session, org.it), rows)
    assert heat["counts"][2][3] == 2 and heat["counts"][0][1] == 1 and sum(map(sum, heat["counts"])) == 3
    assert heat["chart"]["data"][0]["type"] == "heatmap"


def test_taxonomy_has_defaults_and_accepts_additions(session: Session, org: Org) -> None:
    service.add_term(session, None, TermCreate(kind="threat_event", name="Drone strike", org_unit_id=org.root))
    assert "Drone strike" in service.taxonomy(session, org.it)["threat_event"]
    assert "Ransomware" in service.taxonomy(session, org.it)["threat_event"]
    with pytest.raises(Conflict):
        service.add_term(session, None, TermCreate(kind="threat_event", name="Ransomware", org_unit_id=org.it))
    _scenario(session, org, threat_event="Drone strike")


def test_treatment_effects_are_validated_by_the_engine(session: Session, org: Org) -> None:
    s = _scenario(session, org, fair=FAIR)
    with pytest.raises(InvalidInput) as err:
        treatments.create_treatment(session, None, TreatmentCreate(scenario_id=s.id, kind="mitigate", title="WAF",
                                                                   effect={"rs_shift": 10}))  # fmt: skip
    assert err.value.errors[0].location == "body.effect.rs_shift"
    with pytest.raises(InvalidInput) as err:
        treatments.create_treatment(session, None, TreatmentCreate(scenario_id=s.id, kind="mitigate", title="x",
                                                                   control_ids=[uuid.uuid4()]))  # fmt: skip
    assert err.value.errors[0].location == "body.control_ids.0"


def test_what_if_reports_rosi(session: Session, org: Org) -> None:
    s = _scenario(session, org, fair=FAIR)
    treatments.create_treatment(
        session,
        None,
        TreatmentCreate(
            scenario_id=s.id, kind="mitigate", title="EDR", effect={"vulnerability_factor": 0.5}, annual_cost=50_000
        ),
    )
    treatments.create_treatment(
        session,
        None,
        TreatmentCreate(
            scenario_id=s.id, kind="transfer", title="Insurance", effect={"loss_cap": 1_000_000}, annual_cost=20_000
        ),
    )
    out = simulation.what_if_scenario(session, None, s.id, years=20_000)
    assert out["cost"] == 70_000 and out["treated"]["mean"] < out["baseline"]["mean"]
    assert out["ale_reduction"] == pytest.approx(out["baseline"]["mean"] - out["treated"]["mean"], rel=1e-6)
    assert out["rosi"] == pytest.approx((out["ale_reduction"] - 70_000) / 70_000, rel=1e-6)
    assert 0 <= out["p_rosi_positive"] <= 1


def test_acceptance_needs_risk_accept_and_happens_once(session: Session, org: Org) -> None:
    s = _scenario(session, org, fair=FAIR)
    t = treatments.create_treatment(session, None, TreatmentCreate(scenario_id=s.id, kind="accept", title="Accept"))
    until = dt.date.today() + dt.timedelta(days=90)
    with pytest.raises(PermissionDenied):
        treatments.accept(session, _who("security_analyst", org.root), t.id, Acceptance(reason="ok", until=until), "x")
    done = treatments.accept(session, _who("ciso", org.root), t.id, Acceptance(reason="budget", until=until), "ciso")
    assert done.status == "accepted" and done.accepted_by == "ciso" and done.accepted_until == until
    assert service.get_scenario(session, None, s.id).status == "accepted"
    with pytest.raises(Conflict):
        treatments.accept(session, None, t.id, Acceptance(reason="again", until=until), "admin")


def test_runs_select_the_portfolio_and_reject_unquantified_sets(session: Session, org: Org) -> None:
    quantified = _scenario(session, org, fair=FAIR)
    bare = _scenario(session, org)
    with pytest.raises(InvalidInput) as err:
        simulation.start_run(session, None, SimulateRequest(scenario_ids=[quantified.id, bare.id]))
    assert err.value.errors[0].location == "body.scenario_ids.1"
    run = simulation.start_run(session, None, SimulateRequest(org_unit_id=org.it, years=1_000))
    assert run.scope == "portfolio" and run.scenario_ids == [str(quantified.id)] and run.job_id is not None
