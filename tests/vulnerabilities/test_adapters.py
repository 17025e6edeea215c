"""Vulnerabilities through its REST API: feeds import as jobs, findings are readable, triage needs a reason."""

from __future__ import annotations

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
