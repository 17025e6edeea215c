"""A burst of optimisation requests cannot queue unbounded solver time: a unit has at most
TANDEM_STRATEGY_MAX_PLANS_IN_PROGRESS (2) plans whose jobs are queued or running; the next is refused with 409 and a
reason, and a finished or cancelled job frees its place at once."""

from __future__ import annotations

import uuid

from tandem.platform.jobs import service as jobs
from tests.strategy.test_api import _unit
from tests.support.live import Live

BASE = "/api/v1/strategy"


def test_a_unit_has_at_most_two_plans_in_progress(live: Live) -> None:
    unit, other = _unit(live), _unit(live)
    body = {"org_unit_id": unit, "time_limit": 2, "frontier": False}
    with live.client("cio") as client:
        first, second = (client.post(f"{BASE}/plans", json=body) for _ in range(2))
        assert first.status_code == second.status_code == 202, first.text + second.text
        refused = client.post(f"{BASE}/plans", json=body)
        assert refused.status_code == 409, refused.text
        assert "2 plans of this org unit are still being computed" in refused.json()["detail"]
        other_unit = client.post(f"{BASE}/plans", json=body | {"org_unit_id": other})
        assert other_unit.status_code == 202, other_unit.text  # the limit is per unit

    job_id = uuid.UUID(first.json()["job_id"])
    assert jobs.claim_one(live.db, job_id) is not None
    assert jobs.run_job(live.db, job_id) == "succeeded"
    with live.client("cio") as client:
        third = client.post(f"{BASE}/plans", json=body)
        assert third.status_code == 202, third.text
        assert client.post(f"{BASE}/plans", json=body).status_code == 409
        cancelled = client.post(f"/api/v1/jobs/{second.json()['job_id']}/cancel")
        assert cancelled.status_code in (200, 202), cancelled.text
        assert client.post(f"{BASE}/plans", json=body).status_code == 202
