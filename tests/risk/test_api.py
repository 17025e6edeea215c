"""The risk REST API on a live server: acceptance rights and races, jobs, describe, matrix, pages."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from typing import Any

from tandem.platform.jobs import service as jobs
from tests.risk.contracts import FAIR
from tests.support.live import Live

BASE = "/api/v1/risk"


def _scenario(live: Live, **extra: Any) -> dict[str, Any]:
    body = {"title": f"BEC {uuid.uuid4().hex[:6]}", "fair": FAIR, "likelihood": 4, "impact": 3,
            "org_unit_id": str(live.units["it"]), **extra}  # fmt: skip
    with live.client("admin") as client:
        response = client.post(f"{BASE}/scenarios", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _accept_treatment(live: Live) -> str:
    scenario = _scenario(live)
    with live.client("admin") as client:
        response = client.post(f"{BASE}/treatments", json={"scenario_id": scenario["id"], "kind": "accept",
                                                            "title": "Accept for now"})  # fmt: skip
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _acceptance() -> dict[str, str]:
    return {"reason": "Compensating controls until Q3", "until": str(dt.date.today() + dt.timedelta(days=90))}


def test_only_risk_accept_holders_accept(live: Live) -> None:
    treatment = _accept_treatment(live)
    for role in ("security_analyst", "cio", "it_analyst", "viewer", "auditor"):
        with live.client(role) as client:
            assert client.post(f"{BASE}/treatments/{treatment}/acceptance", json=_acceptance()).status_code == 403
    with live.client("ciso") as client:
        response = client.post(f"{BASE}/treatments/{treatment}/acceptance", json=_acceptance())
    assert response.status_code == 200, response.text
    assert response.json()["accepted_by"] == "ciso-user" and response.json()["status"] == "accepted"


def test_two_acceptances_at_once_exactly_one_succeeds(live: Live) -> None:
    treatment = _accept_treatment(live)
    codes: list[int] = []
    barrier = threading.Barrier(2)

    def accept(who: str) -> None:
        with live.client(who) as client:
            barrier.wait()
            codes.append(client.post(f"{BASE}/treatments/{treatment}/acceptance", json=_acceptance()).status_code)

    threads = [threading.Thread(target=accept, args=(who,)) for who in ("ciso", "admin")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409]


def test_scenario_result_and_describe(live: Live) -> None:
    scenario = _scenario(live)
    with live.client("viewer") as client:
        result = client.get(f"{BASE}/scenarios/{scenario['id']}/result").json()
        described = client.post(f"{BASE}/describe", json={"estimate": {"type": "pert", "min": 1, "mode": 2, "max": 9}})
        bad = client.post(f"{BASE}/describe", json={"estimate": {"type": "pert", "min": 1, "mode": 20, "max": 9}})
    assert result["run"]["years"] == 100_000 and len(result["lec"]) == 200 and result["mean"] > 0
    assert described.status_code == 200 and described.json()["p5"] < described.json()["mean"] < described.json()["p95"]
    assert bad.status_code == 422 and bad.json()["errors"][0]["location"] == "body.estimate.mode"


def test_simulation_job_stores_results_and_the_portfolio(live: Live) -> None:
    first, second = _scenario(live), _scenario(live)
    with live.client("security_analyst") as client:
        response = client.post(f"{BASE}/simulations", json={"scenario_ids": [first["id"], second["id"]],
                                                              "years": 5_000, "seed": 7})  # fmt: skip
    assert response.status_code == 202, response.text
    run = response.json()
    assert run["status"] == "queued" and run["scope"] == "set"
    assert jobs.claim_one(live.db, uuid.UUID(run["job_id"])) is not None
    assert jobs.run_job(live.db, uuid.UUID(run["job_id"])) == "succeeded"
    with live.client("viewer") as client:
        done = client.get(f"{BASE}/simulations/{run['id']}").json()
        result = client.get(f"{BASE}/scenarios/{first['id']}/result").json()
    assert done["status"] == "succeeded" and done["total"]["years"] == 5_000 and done["total"]["run"]["seed"] == 7
    assert done["engine_version"] and len(done["contributors"]) == 2 and len(done["total"]["lec"]) > 10
    assert result["run"]["run_id"] == run["id"]
    assert done["total"]["mean"] >= max(c["mean"] for c in done["contributors"])
    with live.client("viewer") as client:
        assert client.post(f"{BASE}/simulations", json={}).status_code == 403


def test_matrix_put_and_heatmap(live: Live) -> None:
    unit = str(live.units["finance"])
    with live.client("ciso") as client:
        response = client.put(f"{BASE}/matrices/{unit}", json={"appetite_level": "high",
                                                               "tolerance": [[1e5, 0.3], [1e6, 0.02]]})  # fmt: skip
        assert response.status_code == 200, response.text
        assert response.json()["appetite_level"] == "high" and response.json()["inherited_from"] is None
        bad = client.put(f"{BASE}/matrices/{unit}", json={"tolerance": [[1e6, 0.1], [1e5, 0.2]]})
        assert bad.status_code == 422 and bad.json()["errors"][0]["location"] == "body.tolerance.1"
        heat = client.get(f"{BASE}/heatmap", params={"org_unit_id": unit}).json()
    assert len(heat["counts"]) == 5 and len(heat["counts"][0]) == 5
    with live.client("viewer") as client:
        assert client.put(f"{BASE}/matrices/{unit}", json={"appetite_level": "low"}).status_code == 403


def test_pages_render(live: Live) -> None:
    scenario = _scenario(live)
    client = live.login("admin-user")
    try:
        for path in ("/risk/scenarios", "/risk/scenarios?status=identified", "/risk/scenarios/new",
                     f"/risk/scenarios/{scenario['id']}", f"/risk/scenarios/{scenario['id']}/edit",
                     "/risk/portfolio", "/risk/matrix"):  # fmt: skip
            response = client.get(path)
            assert response.status_code == 200, (path, response.text[:500])
        register = client.get("/risk/scenarios").text
        assert 'data-plotly="risk-heatmap"' in register and "/static/vendor/plotly.min.js" in register
        detail = client.get(f"/risk/scenarios/{scenario['id']}").text
        assert 'data-plotly="risk-lec"' in detail and "Risk tolerance" in detail
        form = client.get("/risk/scenarios/new").text
        csrf = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        fields = {
            "csrf_token": csrf,
            "title": "Form scenario",
            "org_unit_id": str(live.units["it"]),
            "status": "identified",
            "lef.type": "pert",
            "lef.lo": "3",
            "lef.mode": "2",
            "lef.hi": "1",
            "primary_loss.type": "lognormal90",
            "primary_loss.lo": "1000",
            "primary_loss.hi": "50000",
        }
        preview = client.post("/risk/scenarios/new", data={**fields, "lef.lo": "1", "lef.hi": "3", "action": "preview"})
        assert preview.status_code == 200 and "<output>" in preview.text
        rejected = client.post("/risk/scenarios/new", data={**fields, "action": "save"})
        assert rejected.status_code == 422 and "min: must not exceed max" in rejected.text
        saved = client.post("/risk/scenarios/new", data={**fields, "lef.lo": "1", "lef.hi": "3", "action": "save"})
        assert saved.status_code == 303, saved.text[:500]
    finally:
        client.close()
