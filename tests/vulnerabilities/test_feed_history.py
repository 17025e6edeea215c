"""Feed history: EPSS points kept when the score moved enough or the model changed, KEV additions and changes,
shown on the CVE page (REST, web, CLI). Later snapshots are the recorded excerpt with chosen scores edited."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tandem.platform.db import migrate
from tandem.platform.db.uow import set_database, unit_of_work
from tandem.vulnerabilities import cli, history, ingest
from tandem.vulnerabilities.models import EpssScore, FeedHistory
from tests.support.databases import PG_ENV, drop_database, new_database
from tests.support.live import Live

DATA = Path(__file__).parent / "data"
EPSS = (DATA / "epss/epss_scores-2026-09-29-excerpt.csv").read_text()
KEV = (DATA / "kev/kev-excerpt.csv").read_text()


def _snapshot(day: str, changes: dict[str, float], model: str = "v2026.06.15", only: set[str] | None = None) -> bytes:
    """The recorded excerpt re-dated to day, with the given CVEs' scores replaced."""
    lines = EPSS.splitlines()
    out = [f"#model_version:{model},score_date:{day}T12:00:22Z", lines[1]]
    for line in lines[2:]:
        cve, score, pct = line.split(",")
        if only is not None and cve not in only:
            continue
        out.append(f"{cve},{changes.get(cve, float(score))},{pct}")
    return ("\n".join(out) + "\n").encode()


def _points(session: Session, cve: str, kind: str = "epss") -> list[FeedHistory]:
    return history.history_of(session, cve, kind)


def test_epss_points_are_kept_only_when_the_score_moved_enough(session: Session) -> None:
    cves = {"CVE-1999-0001", "CVE-1999-0002", "CVE-1999-0003"}
    ingest.import_feed(session, "epss", _snapshot("2026-09-29", {}, only=cves), "day1.csv", "test")
    for cve in cves:
        assert [p.observed_on for p in _points(session, cve)] == ["2026-09-29"]
    # Day 2: 0001 moves by 0.001 (below the 0.005 step), 0002 by 0.1; 0003 unchanged.
    day2 = {"CVE-1999-0001": 0.03451, "CVE-1999-0002": 0.37858}
    ingest.import_feed(session, "epss", _snapshot("2026-09-30", day2, only=cves), "day2.csv", "test")
    assert len(_points(session, "CVE-1999-0001")) == 1
    assert [(p.observed_on, p.data["score"]) for p in _points(session, "CVE-1999-0002")] == [
        ("2026-09-29", 0.27858), ("2026-09-30", 0.37858)]  # fmt: skip
    assert len(_points(session, "CVE-1999-0003")) == 1
    # Day 3: 0001 drifts another 0.004: 0.005 away from its last kept point now, so it is kept (no creeping drift).
    day3 = {"CVE-1999-0001": 0.03851, "CVE-1999-0002": 0.37858}
    ingest.import_feed(session, "epss", _snapshot("2026-10-01", day3, only=cves), "day3.csv", "test")
    assert [p.data["score"] for p in _points(session, "CVE-1999-0001")] == [0.03351, 0.03851]
    # The latest score is always current, whatever history keeps.
    assert session.get(EpssScore, "CVE-1999-0001").score == pytest.approx(0.03851)
    # A new model: every CVE gets a point even without a score change.
    ingest.import_feed(session, "epss", _snapshot("2026-10-02", day3, model="v2027.01.01", only=cves), "m.csv", "t")
    for cve in cves:
        assert _points(session, cve)[-1].data["model_version"] == "v2027.01.01"
    # The same file again adds nothing.
    before = session.scalar(select(FeedHistory.id).order_by(FeedHistory.id.desc()).limit(1))
    ingest.import_feed(session, "epss", _snapshot("2026-10-02", day3, model="v2027.01.01", only=cves), "m.csv", "t")
    assert session.scalar(select(FeedHistory.id).order_by(FeedHistory.id.desc()).limit(1)) == before


def test_kev_history_records_additions_with_cisa_date_and_changes_with_what_was(session: Session) -> None:
    ingest.import_feed(session, "kev", KEV.encode(), "kev.csv", "test")
    added = _points(session, "CVE-2023-4863", "kev")
    assert [(p.observed_on, p.data["event"], p.data["due_date"]) for p in added] == [
        ("2023-09-13", "added", "2023-10-04")]  # fmt: skip
    moved = KEV.replace("2023-10-04,Unknown", "2023-11-01,Known")
    ingest.import_feed(session, "kev", moved.encode(), "kev2.csv", "test")
    events = _points(session, "CVE-2023-4863", "kev")
    assert [e.data["event"] for e in events] == ["added", "changed"]
    assert events[1].data["due_date"] == "2023-11-01" and events[1].data["ransomware"] is True
    assert events[1].data["was"] == {"date_added": "2023-09-13", "due_date": "2023-10-04", "ransomware": False}
    # Other entries did not change: no events for them beyond their addition.
    assert len(_points(session, "CVE-2025-49704", "kev")) == 1


@pytest.fixture(scope="module")
def cve_with_history(live: Live) -> str:
    """A CVE id no other test uses, with three EPSS days and a KEV addition."""
    cve = f"CVE-2031-{uuid.uuid4().int % 900000 + 100000}"
    with unit_of_work(live.db) as session:
        for day, score in (("2026-09-01", 0.01), ("2026-09-02", 0.2), ("2026-09-03", 0.6)):
            body = f"#model_version:v2026.06.15,score_date:{day}T00:00:00Z\ncve,epss,percentile\n{cve},{score},0.5\n"
            ingest.import_feed(session, "epss", body.encode(), f"{day}.csv", "test")
        line = KEV.splitlines()[4].replace("CVE-2023-4863", cve)
        ingest.import_feed(session, "kev", f"{KEV.splitlines()[0]}\n{line}\n".encode(), "kev.csv", "test")
    return cve


def test_cve_api_web_and_cli_show_the_history(live: Live, cve_with_history: str) -> None:
    cve = cve_with_history
    with live.client("viewer") as client:
        body = client.get(f"/api/v1/vulnerabilities/cves/{cve}").json()
        assert [(p["date"], p["score"]) for p in body["epss_history"]] == [
            ("2026-09-01", 0.01), ("2026-09-02", 0.2), ("2026-09-03", 0.6)]  # fmt: skip
        assert [(e["date"], e["event"]) for e in body["kev_history"]] == [("2023-09-13", "added")]
        page = client.get(f"/vulnerabilities/cves/{cve}")
        assert page.status_code == 200
        assert "Feed history" in page.text and "entered KEV (added 2023-09-13" in page.text
        assert 'data-plotly="cve-epss"' in page.text and "0.60000" in page.text
    set_database(live.db)
    result = CliRunner().invoke(cli.app, ["show", cve])
    assert result.exit_code == 0, result.output
    assert "KEV history 2023-09-13: added" in result.output
    assert "2026-09-01 0.01000, 2026-09-02 0.20000, 2026-09-03 0.60000" in result.output


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_upgrade_starts_history_from_the_stored_scores_and_catalogue(backend: str, tmp_path: Path) -> None:
    if backend == "postgres" and not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    database, handle = new_database(backend, tmp_path)
    try:
        with unit_of_work(database) as session:
            ingest.import_feed(session, "epss", _snapshot("2026-09-29", {}), "day1.csv", "test")
            ingest.import_feed(session, "kev", KEV.encode(), "kev.csv", "test")
            before = {(h.kind, h.cve_id, h.observed_on) for h in session.scalars(select(FeedHistory))}
        migrate.downgrade(database.engine, "0003_vulnerabilities_nvd_sync")
        migrate.upgrade(database.engine)
        with unit_of_work(database) as session:
            after = {(h.kind, h.cve_id, h.observed_on) for h in session.scalars(select(FeedHistory))}
            assert after == before and len(after) > 600
            assert session.scalar(select(EpssScore.history_score).where(EpssScore.cve_id == "CVE-1999-0002")) == 0.27858
    finally:
        drop_database(database, handle)
