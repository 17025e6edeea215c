"""Vulnerabilities through its REST API: feeds import as jobs, findings are readable, triage needs a reason."""

from __future__ import annotations

import uuid

import pytest

from tests.support.live import Live


def test_findings_and_feed_status_are_readable_by_every_role(live: Live) -> None:
    with live.client("viewer") as client:
        assert client.get("/api/v1/vulnerabilities/findings").status_code == 200
        assert client.get("/api/v1/vulnerabilities/feeds").status_code == 200
        assert client.get("/api/v1/vulnerabilities/findings/summary").status_code == 200


def test_viewers_cannot_start_matching(live: Live) -> None:
    with live.client("viewer") as client:
        assert client.post("/api/v1/vulnerabilities/matches").status_code == 403
    with live.client("security_analyst") as client:
        assert client.post("/api/v1/vulnerabilities/matches").status_code == 202


@pytest.mark.parametrize("finding_id", [uuid.UUID(int=(1 << 128) - 1), uuid.UUID(int=1 << 127), uuid.UUID(int=0)])
def test_any_unknown_finding_id_is_404_not_a_server_error(live: Live, finding_id: uuid.UUID) -> None:
    # Finding ids pack two 64-bit keys: a random UUID must not reach the database as an out-of-range integer.
    with live.client("admin") as client:
        read = client.get(f"/api/v1/vulnerabilities/findings/{finding_id}")
        triage = client.post(f"/api/v1/vulnerabilities/findings/{finding_id}/status", json={"status": "open"})
    assert read.status_code == 404, read.text
    assert triage.status_code == 404, triage.text
