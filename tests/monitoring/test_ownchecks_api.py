"""Own checks end to end on a real server: REST queues the job, the job checks real loopback listeners and stores a
`tandem-check` scan with its findings; the web form, the CLI and the inventory's declared services; the scope guard."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tandem.inventory import service as inv
from tandem.inventory.kinds import KINDS
from tandem.inventory.schemas import AssetCreate
from tandem.monitoring import cli as monitoring_cli
from tandem.monitoring.ownchecks.settings import get_owncheck_settings
from tandem.platform.audit.models import AuditEntry
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.db.uow import set_database, unit_of_work
from tandem.platform.errors import InvalidInput
from tandem.platform.jobs import service as jobs
from tests.monitoring.test_ownchecks import CONNECTS, Pki, listeners, make_pki, server_context
from tests.support.live import Live


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """The engine tests' certificate authority."""
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def listen() -> Iterator[Any]:
    """Real listeners on 127.0.0.1, closed after the test."""
    yield from listeners()


@pytest.fixture
def scope(pki: Pki, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Approve 127.0.0.1 only and trust the test CA, for the live server in this process."""
    monkeypatch.setenv("TANDEM_MONITORING_SCOPE", "127.0.0.1")
    monkeypatch.setenv("TANDEM_MONITORING_CA_FILE", str(pki.ca_file))
    monkeypatch.setenv("TANDEM_MONITORING_CHECK_TIMEOUT_S", "3")
    get_owncheck_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_owncheck_settings.cache_clear()


def closed_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(live: Live, job_id: str) -> dict[str, Any]:
    """Run a queued job here, as a worker would, and return its description."""
    assert jobs.claim_one(live.db, uuid.UUID(job_id)) == uuid.UUID(job_id)
    assert jobs.run_job(live.db, uuid.UUID(job_id)) == "succeeded"
    with unit_of_work(live.db, readonly=True) as session:
        return jobs.describe(jobs.get_job_row(session, CONSOLE, uuid.UUID(job_id)))


def test_api_queues_checks_and_the_job_stores_a_scan(live: Live, pki: Pki, listen: Any, scope: None) -> None:
    valid, expired = listen(server_context(pki.leaf("api-ok"))), listen(server_context(pki.leaf("api-old", past=True)))
    down = closed_port()
    targets = [f"127.0.0.1:{valid.port}/tls", f"localhost:{expired.port}/tls", f"127.0.0.1:{down}"]
    with live.client("security_analyst") as client:
        queued = client.post("/api/v1/monitoring/checks", json={"targets": targets})
        assert queued.status_code == 202, queued.text
        assert queued.json()["name"] == "monitoring.run_checks"
        job = run(live, queued.json()["job_id"])
        result = job["result"]
        assert (result["checked"], result["reachable"], result["refused"]) == (3, 2, [])
        scan = client.get(f"/api/v1/monitoring/scans/{result['scan_id']}").json()
    assert scan["kind"] == "tandem-check" and scan["hosts_up"] == 1
    found = {(f["rule"], f["severity"], f["port"]) for f in scan["findings"]}
    assert ("cert-expired", "high", expired.port) in found
    assert ("service-unreachable", "medium", down) in found
    assert not any(f["port"] == valid.port for f in scan["findings"])
    assert scan["finding_count"] == len(scan["findings"])
    with unit_of_work(live.db, readonly=True) as session:
        scan_entries = select(AuditEntry).where(AuditEntry.entity_id == result["scan_id"])
        audited = session.scalars(scan_entries.order_by(AuditEntry.seq)).all()  # without an order PostgreSQL may differ
    assert [(a.action, a.entity_type, a.actor_kind) for a in audited][:1] == [("create", "monitoring_scans", "job")]


def test_api_refuses_out_of_scope_targets_before_connecting(live: Live, listen: Any, scope: None) -> None:
    inside = listen()
    before = len(CONNECTS)
    with live.client("security_analyst") as client:
        refused = client.post(
            "/api/v1/monitoring/checks", json={"targets": [f"127.0.0.1:{inside.port}", "10.0.0.1:443"]}
        )
        denied = client.post("/api/v1/monitoring/checks", json={"targets": ["127.0.0.1:443", "10.0.0.1:443/udp"]})
    assert (
        refused.status_code == 422 and "body.targets.1" in refused.text and "outside the approved scope" in refused.text
    )
    assert denied.status_code == 422 and "body.targets.1" in denied.text
    assert not [a for a in CONNECTS[before:] if isinstance(a, tuple) and a[0] == "10.0.0.1"]
    assert inside.accepted == 0  # nothing is contacted at queue time, not even the in-scope target


def test_empty_scope_refuses_everything(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_MONITORING_SCOPE", "")
    get_owncheck_settings.cache_clear()
    try:
        with live.client("security_analyst") as client:
            response = client.post("/api/v1/monitoring/checks", json={"targets": ["127.0.0.1:443"]})
            shown = client.get("/api/v1/monitoring/checks/scope").json()
    finally:
        monkeypatch.undo()
        get_owncheck_settings.cache_clear()
    assert response.status_code == 422 and "TANDEM_MONITORING_SCOPE" in response.text
    assert shown == {"entries": [], "empty": True}


def test_viewers_cannot_run_checks(live: Live, scope: None) -> None:
    with live.client("viewer") as client:
        assert client.post("/api/v1/monitoring/checks", json={"targets": ["127.0.0.1:443"]}).status_code == 403
        assert client.get("/api/v1/monitoring/checks/scope").json() == {"entries": ["127.0.0.1/32"], "empty": False}


def test_inventory_declared_services_are_checked_and_linked(
    live: Live,
    pki: Pki,
    listen: Any,
    scope: None,
) -> None:
    soon = listen(server_context(pki.leaf("inv-soon", days_left=10)))
    down = closed_port()
    with unit_of_work(live.db) as session:
        asset = inv.create_record(session, CONSOLE, KINDS["assets"], AssetCreate(
            hostname=f"web-{uuid.uuid4().hex[:6]}", ip_addresses=["127.0.0.1"], org_unit_id=live.units["it"],
            tags=["dmz", f"service:{soon.port}/tls", f"service:{down}/tcp"]))  # fmt: skip
    with live.client("security_analyst") as client:
        queued = client.post("/api/v1/monitoring/checks", json={})
        assert queued.status_code == 202, queued.text
        result = run(live, queued.json()["job_id"])["result"]
        scan = client.get(f"/api/v1/monitoring/scans/{result['scan_id']}").json()
    ours = [f for f in scan["findings"] if f["port"] in (soon.port, down)]
    assert {(f["rule"], f["port"]) for f in ours} == {("cert-expiring", soon.port), ("service-unreachable", down)}
    assert {f["asset_id"] for f in ours} == {str(asset.id)}
    assert scan["target"] == "declared services (inventory)"
    with live.client("security_analyst") as client:  # a second run is the same issue seen again, not a new one
        run(live, client.post("/api/v1/monitoring/checks", json={}).json()["job_id"])
        params = {"source": "tandem-check", "rule": "cert-expiring", "limit": "200"}
        issues = [i for i in client.get("/api/v1/monitoring/issues", params=params).json()["items"]
                  if i["port"] == soon.port]  # fmt: skip
    assert [(i["status"], i["occurrences"]) for i in issues] == [("open", 2)]


def test_web_form_queues_checks_and_shows_errors(live: Live, listen: Any, scope: None) -> None:
    plain = listen()
    client = live.login("security_analyst-user")
    page = client.get("/monitoring/checks")
    assert page.status_code == 200 and "127.0.0.1/32" in page.text
    assert 'href="/monitoring/checks"' in client.get("/monitoring/scans").text
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    bad = client.post("/monitoring/checks", data={"csrf_token": csrf, "targets": "10.0.0.1:22"})
    assert bad.status_code == 422 and "outside the approved scope" in bad.text
    good = client.post("/monitoring/checks", data={"csrf_token": csrf, "targets": f"127.0.0.1:{plain.port}"})
    assert good.status_code == 303 and good.headers["location"].startswith("/jobs/")
    run(live, good.headers["location"].split("/jobs/", 1)[1].split("?", 1)[0])
    client.close()


def test_cli_check_runs_with_wait_and_refuses_out_of_scope(live: Live, listen: Any, scope: None) -> None:
    plain = listen()
    set_database(live.db)
    try:
        runner = CliRunner()
        ok = runner.invoke(monitoring_cli.app, ["check", "--target", f"127.0.0.1:{plain.port}", "--wait"])
        assert ok.exit_code == 0, ok.output
        assert "succeeded" in ok.output and '"reachable": 1' in ok.output
        refused = runner.invoke(monitoring_cli.app, ["check", "--target", "10.0.0.1:22"])
        assert refused.exit_code != 0 and isinstance(refused.exception, InvalidInput)
        assert "outside the approved scope" in str(refused.exception)
    finally:
        set_database(None)


def test_job_readmits_every_target_when_it_runs(
    live: Live, listen: Any, scope: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = listen()
    with live.client("security_analyst") as client:
        queued = client.post("/api/v1/monitoring/checks", json={"targets": [f"127.0.0.1:{plain.port}"]})
    assert queued.status_code == 202, queued.text
    monkeypatch.setenv("TANDEM_MONITORING_SCOPE", "127.0.0.2")  # the operator narrowed the scope meanwhile
    get_owncheck_settings.cache_clear()
    job = run(live, queued.json()["job_id"])
    assert job["result"]["refused"] == [f"127.0.0.1:{plain.port}/tcp"] and job["result"]["checked"] == 0
    assert any("outside the approved scope (127.0.0.2/32)" in line for line in job["log"])
    assert plain.accepted == 0
