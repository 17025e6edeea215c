"""The `risk.simulate` job: a run that fails or is cancelled says so itself, not only its job row."""

from __future__ import annotations

import uuid
from typing import Any

from tandem.platform.db.uow import unit_of_work
from tandem.platform.jobs import service as jobs
from tandem.platform.jobs.models import Job
from tandem.risk.models import Scenario
from tests.risk.contracts import FAIR
from tests.support.live import Live

BASE = "/api/v1/risk"


def _queued_run(live: Live) -> tuple[str, dict[str, Any]]:
    body = {"title": f"Outage {uuid.uuid4().hex[:6]}", "fair": FAIR, "org_unit_id": str(live.units["it"])}
    with live.client("admin") as client:
        created = client.post(f"{BASE}/scenarios", json=body)
        assert created.status_code == 201, created.text
        queued = client.post(f"{BASE}/simulations", json={"scenario_ids": [created.json()["id"]], "years": 2_000})
        assert queued.status_code == 202, queued.text
    return str(created.json()["id"]), dict(queued.json())


def _run(live: Live, run_id: str) -> dict[str, Any]:
    with live.client("viewer") as client:
        return dict(client.get(f"{BASE}/simulations/{run_id}").json())


def test_a_failing_simulation_marks_its_run_failed(live: Live) -> None:
    scenario_id, run = _queued_run(live)
    with unit_of_work(live.db) as session:  # inputs that went bad behind the service's back
        scenario = session.get(Scenario, uuid.UUID(scenario_id))
        assert scenario is not None
        scenario.fair = {**FAIR, "lef": {"type": "pert", "min": 3, "mode": 2, "max": 1}}
    job_id = uuid.UUID(run["job_id"])
    assert jobs.claim_one(live.db, job_id) is not None
    assert jobs.run_job(live.db, job_id) == "failed"
    failed = _run(live, run["id"])
    assert failed["status"] == "failed" and failed["finished_at"] is not None
    assert "lef.min: must not exceed max" in failed["error"] and failed["total"] is None


def test_a_cancelled_simulation_marks_its_run_cancelled(live: Live) -> None:
    _, run = _queued_run(live)
    job_id = uuid.UUID(run["job_id"])
    assert jobs.claim_one(live.db, job_id) is not None
    with unit_of_work(live.db) as session:  # cancel requested while it runs: the handler stops at its next check
        job = session.get(Job, job_id)
        assert job is not None
        job.cancel_requested = True
    assert jobs.run_job(live.db, job_id) == "cancelled"
    cancelled = _run(live, run["id"])
    assert cancelled["status"] == "cancelled" and cancelled["error"] and cancelled["finished_at"] is not None
