"""Fetching watch sources from a real HTTP server on loopback through the outbound URL guard: refused until the
host is allow-listed, off until enabled, CSAF checked against the .sha512 served beside it, failures recorded."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tandem.platform.config import get_settings
from tandem.platform.db.uow import unit_of_work
from tandem.platform.errors import Conflict, InvalidInput
from tandem.platform.jobs.models import Job
from tandem.platform.jobs.service import claim_one, enqueue, run_job
from tandem.reporting.settings import get_reporting_settings
from tandem.reporting.watch import fetch, service
from tests.reporting.watch.conftest import World, sample
from tests.support.live import Live

FILES = {
    "/kev.json": "kev-2025.08.25-slice.json",
    "/csaf/va-24-254-01.json": "va-24-254-01.json",
    "/csaf/va-24-254-01.json.sha512": "va-24-254-01.json.sha512",
    "/csaf/bad.json": "va-24-254-01.json",
    "/csaf/bad.json.sha512": "icsa-24-081-01.json.sha512",
    "/ecfr.json": "ecfr-title-45-part-164-versions.json",
}


class _Feeds(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        name = FILES.get(self.path.split("?")[0])
        body = sample(name) if name else b"not here"
        self.send_response(200 if name else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def feed_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feeds)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _configure(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    get_reporting_settings.cache_clear()


@pytest.fixture(autouse=True)
def _clear_settings() -> Iterator[None]:
    yield
    get_settings.cache_clear()
    get_reporting_settings.cache_clear()


def _in(session: Session) -> Any:
    @contextmanager
    def transaction() -> Iterator[Session]:
        with session.begin_nested():
            yield session

    return transaction


def test_sources_are_off_until_enabled_and_loopback_is_refused_until_allow_listed(
    session: Session, world: World, feed_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(monkeypatch, TANDEM_WATCH_KEV_URL=f"{feed_server}/kev.json")
    with pytest.raises(Conflict, match="watch source kev is off"):
        fetch.check_enabled(["kev"])
    assert fetch.check_enabled(None) == []
    _configure(monkeypatch, TANDEM_WATCH_ENABLED="kev")
    with pytest.raises(InvalidInput, match=r"non-public address 127\.0\.0\.1"):
        fetch.download("kev")
    results = fetch.fetch_sources(["kev"], _in(session))
    assert "non-public address" in results["kev"]["error"]
    (row,) = [s for s in service.source_status(session, world.viewer) if s["source"] == "kev"]
    assert row["enabled"] and "non-public address" in row["last_error"]


def test_private_addresses_are_refused_before_any_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    _configure(monkeypatch, TANDEM_WATCH_ENABLED="ecfr", TANDEM_WATCH_ECFR_URL="http://10.0.0.7/versions.json",
               TANDEM_OUTBOUND_ALLOW_HOSTS="")  # fmt: skip
    with pytest.raises(InvalidInput, match=r"non-public address 10\.0\.0\.7"):
        fetch.download("ecfr")
    _configure(monkeypatch, TANDEM_WATCH_ECFR_URL="http://169.254.169.254/latest/meta-data/")
    with pytest.raises(InvalidInput, match="non-public address"):
        fetch.download("ecfr")


def test_allow_listed_loopback_fetch_imports_kev_csaf_and_ecfr(
    session: Session, world: World, feed_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = feed_server.removeprefix("http://")
    _configure(monkeypatch, TANDEM_OUTBOUND_ALLOW_HOSTS=host, TANDEM_WATCH_ENABLED="kev,csaf,ecfr",
               TANDEM_WATCH_KEV_URL=f"{feed_server}/kev.json", TANDEM_WATCH_ECFR_URL=f"{feed_server}/ecfr.json",
               TANDEM_WATCH_CSAF_URLS=f"{feed_server}/csaf/va-24-254-01.json,{feed_server}/csaf/bad.json")  # fmt: skip
    results = fetch.fetch_sources(fetch.check_enabled(None), _in(session))
    assert results["kev"][0]["new"] == 155 and results["ecfr"][0]["new"] == 2
    good, bad = results["csaf"]
    assert good["new"] == 1 and "SHA-512 mismatch" in bad["error"]
    assert service.find_item(session, world.viewer, "CVE-2023-4863").matched
    status = {s["source"]: s for s in service.source_status(session, world.viewer)}
    assert status["kev"]["last_version"] == "2025.08.25" and status["kev"]["last_origin"].endswith("/kev.json")
    assert status["csaf"]["last_error"].startswith("bad.json.sha512") or "SHA-512" in status["csaf"]["last_error"]
    _configure(monkeypatch, TANDEM_WATCH_MAX_FEED_BYTES="1000")
    with pytest.raises(InvalidInput, match=r"exceeds 1000 bytes|limit is 1000"):
        fetch.download("kev")


def test_the_fetch_job_runs_through_the_job_runner(
    live: Live, feed_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = feed_server.removeprefix("http://")
    _configure(monkeypatch, TANDEM_OUTBOUND_ALLOW_HOSTS=host, TANDEM_WATCH_ENABLED="ecfr",
               TANDEM_WATCH_ECFR_URL=f"{feed_server}/ecfr.json")  # fmt: skip
    with unit_of_work(live.db) as session:
        job_id = enqueue(session, "reporting.fetch_watch", {"sources": fetch.require_enabled(None)}).id
    assert claim_one(live.db, job_id) == job_id
    assert run_job(live.db, job_id) == "succeeded"
    with unit_of_work(live.db, readonly=True) as session:
        job = session.get(Job, job_id)
        assert job is not None and job.result is not None
        assert job.result["sources"]["ecfr"][0]["items"] == 2
        assert service.find_item(session, None, "45 CFR 164@2024-06-25").source == "ecfr"
