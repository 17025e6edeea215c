"""The feed sync through the REST API, the CLI and the Feeds page, against the loopback NVD (live server, both
backends), and the URL guard's header-carrying GET the NVD client uses."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tandem.platform.db.uow import set_database, unit_of_work
from tandem.platform.errors import Conflict
from tandem.platform.jobs.models import Job
from tandem.platform.jobs.service import claim_one, run_job
from tandem.platform.safety.errors import BlockedURL
from tandem.platform.safety.urls import get
from tandem.vulnerabilities import cli
from tandem.vulnerabilities.models import EpssScore, KevEntry
from tests.support.live import Live
from tests.vulnerabilities.nvd_sync_server import DATA, FakeNvd, configure, fake_nvd

BASE = "/api/v1/vulnerabilities"
ATTRIBUTION = "This product uses data from the NVD API but is not endorsed or certified by the NVD."


@pytest.fixture
def nvd(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNvd]:
    with fake_nvd(monkeypatch) as fake:
        yield fake


def _run(live: Live, job_id: uuid.UUID) -> Job:
    assert claim_one(live.db, job_id) == job_id
    run_job(live.db, job_id)
    with unit_of_work(live.db, readonly=True) as session:
        job = session.get(Job, job_id)
        assert job is not None
        session.expunge(job)
        return job


def test_the_api_queues_a_sync_runs_it_and_shows_the_cursor(
    live: Live, nvd: FakeNvd, monkeypatch: pytest.MonkeyPatch
) -> None:
    with live.client("viewer") as viewer:
        assert viewer.get(f"{BASE}/sync").status_code == 200
        assert viewer.post(f"{BASE}/sync", json={"only": ["nvd"]}).status_code == 403
    with live.client("security_analyst") as client:
        configure(monkeypatch, vulnerabilities_fetch_enabled="false")
        off = client.post(f"{BASE}/sync", json={"only": ["nvd"]})
        assert off.status_code == 409 and "feed fetching is off" in off.json()["detail"], off.text
        configure(monkeypatch, vulnerabilities_fetch_enabled="true")
        both = client.post(f"{BASE}/sync", json={"only": ["nvd"], "full": True, "since": "2022-11-01"})
        assert both.status_code == 422 and both.json()["errors"][0]["location"] == "since", both.text
        assert client.post(f"{BASE}/sync", json={"only": ["osv"]}).status_code == 422
        queued = client.post(f"{BASE}/sync", json={"only": ["nvd"], "full": True})
        assert queued.status_code == 202, queued.text
        (job,) = queued.json()["jobs"]
        assert job["name"] == "vulnerabilities.sync_nvd"
        assert client.post(f"{BASE}/sync", json={"only": ["nvd"]}).status_code == 409  # one sync at a time
    done = _run(live, uuid.UUID(job["job_id"]))
    assert done.status == "succeeded" and done.result is not None and done.result["records"] == 238, done.error
    with live.client("viewer") as viewer:
        state = viewer.get(f"{BASE}/sync").json()
    assert (state["in_progress"], state["last_records"], state["last_error"]) == (False, 238, "")
    assert state["synced_to"] and state["fetch_enabled"] and not state["api_key_set"]
    assert state["api_url"] == nvd.url


def test_the_cli_syncs_nvd_kev_and_epss_resumes_after_a_failure_and_shows_the_state(
    live: Live, nvd: FakeNvd, monkeypatch: pytest.MonkeyPatch
) -> None:
    nvd.extra = {"/kev.json": (DATA / "kev" / "kev-excerpt.json").read_bytes(),
                 "/epss.csv": (DATA / "epss" / "epss_scores-2026-09-29-excerpt.csv").read_bytes()}  # fmt: skip
    configure(monkeypatch, vulnerabilities_kev_url=f"http://{nvd.host}/kev.json",
              vulnerabilities_epss_url=f"http://{nvd.host}/epss.csv", vulnerabilities_nvd_max_attempts="2")  # fmt: skip
    set_database(live.db)
    try:
        runner = CliRunner()
        done = runner.invoke(cli.app, ["sync", "--full", "--wait"])
        assert done.exit_code == 0, done.output
        for name in ("vulnerabilities.sync_nvd", "vulnerabilities.fetch_feed"):
            assert name in done.output
        assert done.output.count("succeeded") >= 3
        kev_ids = [v["cveID"] for v in json.loads(nvd.extra["/kev.json"])["vulnerabilities"]]
        epss_ids = [line.split(",")[0] for line in nvd.extra["/epss.csv"].decode().splitlines()[2:]]
        with unit_of_work(live.db, readonly=True) as session:
            count = select(func.count()).select_from
            assert session.scalar(count(KevEntry).where(KevEntry.cve_id.in_(kev_ids))) == len(kev_ids) == 5
            assert session.scalar(count(EpssScore).where(EpssScore.cve_id.in_(epss_ids))) == len(epss_ids) == 618
        shown = runner.invoke(cli.app, ["sync-status"])
        assert "last completed sync: all CVEs" in shown.output and "238 records" in shown.output, shown.output

        nvd.fail = lambda _n, params: (503, {}) if params.get("startIndex") == "50" else None
        failed = runner.invoke(cli.app, ["sync", "--only", "nvd", "--since", "2022-11-01", "--wait"])
        assert failed.exit_code != 0 and isinstance(failed.exception, Conflict)
        assert "vulnerabilities.sync_nvd failed" in failed.exception.message
        stopped = json.loads(runner.invoke(cli.app, ["sync-status", "--format", "json"]).stdout)
        assert stopped["in_progress"] and stopped["next_index"] == 50 and "HTTP 503" in stopped["last_error"]
        assert stopped["window_start"].startswith("2022-11-01")

        nvd.fail = None
        resumed = runner.invoke(cli.app, ["sync", "--only", "nvd", "--wait", "--no-match"])
        assert resumed.exit_code == 0, resumed.output
        assert '"resumed": true' in resumed.output and '"records": 238' in resumed.output
        assert "no sync under way" not in resumed.output
        final = json.loads(runner.invoke(cli.app, ["sync-status", "--format", "json"]).stdout)
        assert (final["in_progress"], final["last_records"], final["last_error"]) == (False, 238, "")
    finally:
        set_database(None)


def _csrf(text: str) -> str:
    return text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_the_feeds_page_shows_the_sync_state_and_syncs_now(
    live: Live, nvd: FakeNvd, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = live.login("viewer-user")
    seen = viewer.get("/vulnerabilities/feeds")
    assert seen.status_code == 200 and ATTRIBUTION in seen.text and "Last completed NVD sync" in seen.text
    assert "Sync now" not in seen.text
    client = live.login("security_analyst-user")
    page = client.get("/vulnerabilities/feeds")
    assert "Sync now" in page.text and ATTRIBUTION in page.text
    form = {"csrf_token": _csrf(page.text), "only_nvd": "1", "since": "2022-11-01"}
    assert client.post("/vulnerabilities/sync", data={**form, "csrf_token": "forged"}).status_code == 403
    configure(monkeypatch, vulnerabilities_fetch_enabled="false")
    off = client.post("/vulnerabilities/sync", data=form)
    assert off.status_code == 409 and "feed fetching is off" in off.text
    configure(monkeypatch, vulnerabilities_fetch_enabled="true")
    bad = client.post("/vulnerabilities/sync", data={**form, "since": "yesterday"})
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.text
    queued = client.post("/vulnerabilities/sync", data=form)
    assert queued.status_code == 303 and queued.headers["location"].startswith("/jobs/"), queued.text
    job = _run(live, uuid.UUID(queued.headers["location"].split("?")[0].rsplit("/", 1)[1]))
    assert job.status == "succeeded", job.error
    after = client.get("/vulnerabilities/feeds").text
    assert "238 records" in after and "no sync under way" in after


class _Echo(BaseHTTPRequestHandler):
    """Redirects /same to /seen on itself and /away to the other server; /seen reports the headers it got."""

    target = ""

    def do_GET(self) -> None:
        if self.path in ("/same", "/away"):
            self.send_response(302)
            base = "" if self.path == "/same" else self.target
            self.send_header("Location", f"{base}/seen")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps({k.lower(): v for k, v in self.headers.items()}).encode()
        self.send_response(503 if self.path == "/busy" else 200)
        self.send_header("Retry-After", "4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def _servers() -> Iterator[tuple[str, str]]:
    one = ThreadingHTTPServer(("127.0.0.1", 0), type("One", (_Echo,), {}))
    two = ThreadingHTTPServer(("127.0.0.1", 0), type("Two", (_Echo,), {}))
    urls = [f"http://127.0.0.1:{s.server_address[1]}" for s in (one, two)]
    one.RequestHandlerClass.target = urls[1]  # type: ignore[attr-defined]
    for server in (one, two):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield urls[0], urls[1]
    finally:
        for server in (one, two):
            server.shutdown()
            server.server_close()


def test_the_guard_get_returns_any_status_and_keeps_keys_to_their_origin() -> None:
    with _servers() as (one, two):
        hosts = {one.removeprefix("http://"), two.removeprefix("http://")}
        key = {"apiKey": "k-123"}
        busy = get(f"{one}/busy", headers=key, allow_hosts=hosts, max_bytes=10_000)
        assert (busy.status, busy.headers["retry-after"]) == (503, "4")
        assert json.loads(busy.body)["apikey"] == "k-123"
        same = get(f"{one}/same", headers=key, allow_hosts=hosts, max_bytes=10_000)
        assert same.url == f"{one}/seen" and json.loads(same.body)["apikey"] == "k-123"
        away = get(f"{one}/away", headers=key, allow_hosts=hosts, max_bytes=10_000)
        assert away.url == f"{two}/seen" and "apikey" not in json.loads(away.body)  # never sent to another origin
        with pytest.raises(BlockedURL, match="non-public address"):  # the redirect target is checked too
            get(f"{one}/away", headers=key, allow_hosts={one.removeprefix("http://")}, max_bytes=10_000)
        with pytest.raises(BlockedURL, match="request header 'apiKey'"):
            get(f"{one}/seen", headers={"apiKey": "k\r\nX-Evil: 1"}, allow_hosts=hosts, max_bytes=10_000)
