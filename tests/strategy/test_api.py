"""The joint planning story over HTTP: policy, initiatives with ΔALE, optimise as a job, reasons, frontier,
exports, joint approval, unfunded risks accepted into the register; the TIME rule; infeasibility explained."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pypdf
from sqlalchemy import select

from tandem.platform.audit.models import AuditEntry
from tandem.platform.db.uow import unit_of_work
from tandem.platform.jobs import service as jobs
from tests.support.live import Live

BASE = "/api/v1/strategy"
FAIR = {"tef": {"type": "pert", "min": 1, "mode": 3, "max": 6}, "vulnerability": {"type": "pert", "min": 0.1,
        "mode": 0.3, "max": 0.5}, "primary_loss": {"type": "lognormal90", "low": 50_000, "high": 900_000}}  # fmt: skip


def _unit(live: Live) -> str:
    with live.client("admin") as client:
        made = client.post("/api/v1/auth/org-units", json={"name": f"Plan {uuid.uuid4().hex[:6]}",
                                                           "parent_id": str(live.units["it"])})  # fmt: skip
        assert made.status_code == 201, made.text
        return str(made.json()["id"])


def _post(client: Any, path: str, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
    response = client.post(f"{BASE}{path}", json=body)
    assert response.status_code == status, response.text
    return dict(response.json())


def _optimise(live: Live, unit: str, **extra: Any) -> dict[str, Any]:
    with live.client("cio") as client:
        queued = _post(client, "/plans", {"org_unit_id": unit, "time_limit": 5, **extra}, 202)
    job_id = uuid.UUID(queued["job_id"])
    assert jobs.claim_one(live.db, job_id) is not None
    assert jobs.run_job(live.db, job_id) == "succeeded"
    with live.client("viewer") as client:
        return dict(client.get(f"{BASE}/plans/{queued['id']}").json())


def _portfolio(live: Live, unit: str) -> dict[str, str]:
    with live.client("ciso") as client:
        put = client.put(f"{BASE}/policies/{unit}", json={"quarters": 2, "budget": [100_000] * 2,
                                                          "capacity": {"security": [2.0] * 2}, "lam": 1.0})  # fmt: skip
        assert put.status_code == 200, put.text
        scenario = client.post("/api/v1/risk/scenarios", json={"title": f"Ransomware {uuid.uuid4().hex[:6]}",
                                                              "fair": FAIR, "org_unit_id": unit}).json()  # fmt: skip
        ids = {}
        for title, body in (
            ("EDR", {"sponsor": "ciso", "costs": [60_000], "staff": {"security": [1.5]},
                     "risks": [{"scenario_id": scenario["id"], "effect": {"vulnerability_factor": 0.3}}]}),
            ("MFA", {"sponsor": "ciso", "costs": [30_000], "mandatory": True, "deadline_quarter": 2,
                     "regulation": "HIPAA", "staff": {"security": [1.0]}}),
            ("Portal", {"sponsor": "cio", "duration": 2, "costs": [80_000], "business_value": 150_000}),
            ("Portal lite", {"sponsor": "cio", "costs": [20_000], "business_value": 40_000, "alt_group": "portal"}),
            ("DLP", {"sponsor": "ciso", "costs": [70_000], "staff": {"security": [1.5]},
                     "risks": [{"scenario_id": scenario["id"], "effect": {"tef_factor": 0.8}}]}),
        ):  # fmt: skip
            ids[title] = _post(client, "/initiatives", {"title": f"{title} {unit[:6]}", "org_unit_id": unit, **body})[
                "id"
            ]
        patched = client.patch(f"{BASE}/initiatives/{ids['Portal']}", json={"alt_group": "portal"})
        assert patched.status_code == 200, patched.text
    ids["scenario"] = scenario["id"]
    return ids


def test_plan_story(live: Live) -> None:
    unit = _unit(live)
    ids = _portfolio(live, unit)
    with live.client("viewer") as client:
        edr = client.get(f"{BASE}/initiatives/{ids['EDR']}").json()
    assert edr["risk_reduction"] > 0 and edr["risk_low"] <= edr["risk_reduction"] <= edr["risk_high"]

    plan = _optimise(live, unit, frontier=True)
    res = plan["result"]
    assert plan["status"] == "succeeded" and res["status"] == "optimal" and res["gap"] == 0.0
    assert "optimal (proven, gap 0)" in res["describe"]
    assert ids["MFA"] in res["starts"] and res["starts"][ids["MFA"]] <= 1
    assert not (ids["Portal"] in res["starts"] and ids["Portal lite"] in res["starts"])
    why = {r["id"]: r for r in res["rejections"]}
    assert set(why) | set(res["starts"]) == {ids[k] for k in ("EDR", "MFA", "Portal", "Portal lite", "DLP")}
    assert all(r["reasons"] for r in why.values())
    assert res["greedy"]["totals"]["objective"] <= res["totals"]["objective"] + 1e-6
    assert len(plan["frontier"]) == 8 and plan["frontier"][0]["multiplier"] == 0.4

    with live.client("auditor") as client:
        csv = client.get(f"{BASE}/plans/{plan['id']}/export.csv")
        pdf = client.get(f"{BASE}/plans/{plan['id']}/export.pdf")
    assert csv.status_code == 200 and csv.text.splitlines()[0].startswith("initiative,sponsor,decision,start")
    assert len(csv.text.strip().splitlines()) == 6 and "not funded" in csv.text
    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 1 and "Board summary" in reader.pages[0].extract_text()

    with live.client("cio") as client:
        decision = _post(client, f"/plans/{plan['id']}/approval", {})
        assert decision["required"] == ["cio", "ciso"] and decision["status"] == "open"
        signed = _post(client, f"/decisions/{decision['id']}/approvals", {"verdict": "approve"}, 200)
        assert signed["status"] == "open"
        again = client.post(f"{BASE}/decisions/{decision['id']}/approvals", json={"verdict": "approve"})
        assert again.status_code == 409
    with live.client("ciso") as client:
        signed = _post(client, f"/decisions/{decision['id']}/approvals", {"verdict": "approve"}, 200)
        assert signed["status"] == "approved" and [a["role"] for a in signed["approvals"]] == ["cio", "ciso"]
        assert client.get(f"{BASE}/plans/{plan['id']}").json()["approval"] == "approved"
    with unit_of_work(live.db) as session:
        audited = session.scalars(select(AuditEntry.changes).where(AuditEntry.entity_type == "strategy_approvals"))
        assert sum(1 for c in audited if decision["id"] in str(c)) == 2

    # Two quarters of 2 security FTE: EDR and MFA fit, DLP does not; its risk reduction goes to the register.
    assert why[ids["DLP"]]["kind"] == "capacity" and "security staff" in why[ids["DLP"]]["reasons"][0]
    with live.client("ciso") as client:
        unfunded = client.get(f"{BASE}/plans/{plan['id']}/unfunded").json()
        assert [u["id"] for u in unfunded] == [ids["DLP"]] and unfunded[0]["scenario_ids"] == [ids["scenario"]]
        out = _post(client, f"/plans/{plan['id']}/unfunded/acceptance",
                    {"reason": "Not funded this year", "until": "2030-01-01"}, 200)  # fmt: skip
        assert len(out["accepted"]) == 1
        treatments = client.get("/api/v1/risk/treatments", params={"scenario_id": ids["scenario"]}).json()
    assert any(t["status"] == "accepted" and t["kind"] == "accept" for t in treatments["items"])


def test_infeasible_mandatory_load_is_explained(live: Live) -> None:
    unit = _unit(live)
    with live.client("cio") as client:
        assert (
            client.put(f"{BASE}/policies/{unit}", json={"quarters": 2, "budget": [50_000, 50_000]}).status_code == 200
        )
        for n in range(2):
            _post(client, "/initiatives", {"title": f"Reg {n} {unit[:6]}", "costs": [40_000], "mandatory": True,
                                           "deadline_quarter": 1, "org_unit_id": unit})  # fmt: skip
        queued = _post(client, "/plans", {"org_unit_id": unit, "frontier": False}, 202)
    assert jobs.claim_one(live.db, uuid.UUID(queued["job_id"])) is not None
    jobs.run_job(live.db, uuid.UUID(queued["job_id"]))
    with live.client("cio") as client:
        plan = client.get(f"{BASE}/plans/{queued['id']}").json()
    assert plan["status"] == "infeasible"
    assert "mandatory items need 30,000.00 more budget in Q1" in plan["error"]


def test_time_rule_and_located_errors(live: Live) -> None:
    unit = _unit(live)
    with live.client("admin") as client:
        app = client.post("/api/v1/inventory/applications", json={"name": f"Old lab {unit[:6]}", "org_unit_id": unit,
                                                                   "time_disposition": "eliminate"})  # fmt: skip
        assert app.status_code == 201, app.text
        body = {"title": f"Lab upgrade {unit[:6]}", "org_unit_id": unit,
                "applications": [{"application_id": app.json()["id"], "action": "invest"}]}  # fmt: skip
        refused = client.post(f"{BASE}/initiatives", json=body)
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["location"] == "body.applications.0.action"
        ok = client.post(f"{BASE}/initiatives", json={**body, "time_exception": "Patient safety fix before retirement"})
        assert ok.status_code == 201, ok.text
        bad = client.post(f"{BASE}/initiatives", json={"title": f"Bad {unit[:6]}", "org_unit_id": unit, "duration": 2,
                                                       "costs": [1, 2, 3], "mandatory": True})  # fmt: skip
        assert {e["location"] for e in bad.json()["errors"]} == {"body.costs", "body.deadline_quarter"}


def test_import_is_all_or_nothing(live: Live) -> None:
    unit = _unit(live)
    tag = unit[:6]
    good = (f"title,sponsor,duration,costs,staff,predecessors\nA {tag},cio,1,1000,security=1,\n"
            f"B {tag},ciso,2,500;600,security=0.5|1,A {tag}\n")  # fmt: skip
    bad = good + f"C {tag},nobody,0,1000,,Missing {tag}\n"
    with live.client("it_analyst") as client:
        refused = client.post(f"{BASE}/imports", content=bad.encode(),
                              params={"file_name": "plan.csv", "org_unit_id": unit})  # fmt: skip
        assert refused.status_code == 422, refused.text
        where = {e["location"] for e in refused.json()["errors"]}
        assert {"plan.csv:4: sponsor", "plan.csv:4: duration"} <= where
        listed = client.get(f"{BASE}/initiatives", params={"q": tag}).json()["items"]
        assert listed == []
        done = client.post(f"{BASE}/imports", content=good.encode(), params={"file_name": "plan.csv",
                                                                             "org_unit_id": unit})  # fmt: skip
        assert done.status_code == 201 and done.json()["added"] == 2
        b = next(
            i for i in client.get(f"{BASE}/initiatives", params={"q": tag}).json()["items"] if i["title"][0] == "B"
        )
    assert b["costs"] == [500, 600] and b["staff"] == {"security": [0.5, 1.0]} and len(b["predecessors"]) == 1


def test_import_refuses_hostile_and_misshapen_files(live: Live) -> None:
    unit = _unit(live)
    misshapen = (b'[{"title": "S1", "objectives": ["Grow"], "risks": [{"scenario": ["x"]}], "predecessors": [1]},'
                 b' {"title": "S2", "applications": "EHR"}]')  # fmt: skip
    cases = {
        "plan.xml": (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "plan.xml"),
        "plan.csv": (b"\x00\xff\xfe" * 100, "plan.csv"),
        "deep.json": (b"[" * 100_000 + b"]" * 100_000, "deep.json:1:"),
        "shape.json": (misshapen, "shape.json[0]: objectives.0"),
    }
    with live.client("it_analyst") as client:
        for name, (data, where) in cases.items():
            refused = client.post(f"{BASE}/imports", content=data, params={"file_name": name, "org_unit_id": unit})
            assert refused.status_code == 422, refused.text
            found = [e["location"] for e in refused.json()["errors"]]
            assert found[0].startswith(where), found
    assert found == ["shape.json[0]: objectives.0", "shape.json[0]: risks.0", "shape.json[0]: predecessors",
                     "shape.json[1]: applications"]  # fmt: skip
