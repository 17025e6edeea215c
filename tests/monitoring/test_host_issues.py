"""A decision on a discovered host carries its network findings: adopting re-keys them to the new asset with their
triage and history (merging with findings the asset already has), dismissing closes them for good."""

from __future__ import annotations

import datetime as dt
import random
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.monitoring import host_issues, issues, service
from tandem.monitoring import repository as repo
from tandem.monitoring.demo import certificate_sweep
from tandem.monitoring.models import DiscoveredHost, NetworkIssue, Scan
from tandem.monitoring.schemas import IssueTriageIn
from tandem.platform.audit.models import AuditEntry
from tandem.platform.auth import service as auth
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.db.paging import PageRequest
from tandem.platform.db.types import utcnow


@pytest.fixture
def unit(session: Session) -> uuid.UUID:
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    return auth.create_unit(session, None, f"Net-{uuid.uuid4().hex[:6]}", root.id).id


def _addr() -> str:
    return f"10.{random.randrange(200, 250)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def _sweep(session: Session, unit: uuid.UUID, hosts: list[tuple[str, str, str]], hours_ago: int) -> Scan:
    when = utcnow() - dt.timedelta(hours=hours_ago)
    return service.import_scan(session, CONSOLE, certificate_sweep(hosts, when), "s.xml", f"sweep-{hours_ago}",
                               "lab", unit)  # fmt: skip


def _issues(session: Session, unit: uuid.UUID, host: str) -> dict[str, NetworkIssue]:
    req = PageRequest.parse(issues.ISSUE_SPEC, {"host": host, "limit": "50"})
    return {i.rule: i for i in issues.list_issues(session, CONSOLE, req).items if i.org_unit_id == unit}


def _host(session: Session, unit: uuid.UUID, address: str) -> DiscoveredHost:
    return repo.discovered(session, unit, [address])[address]


def _audit_changes(session: Session, issue_id: uuid.UUID) -> list[dict[str, list[object]]]:
    stmt = select(AuditEntry).where(AuditEntry.entity_id == str(issue_id)).order_by(AuditEntry.seq)
    return [e.changes for e in session.scalars(stmt)]


def test_adopting_a_host_keeps_its_findings_triage_and_the_next_scan_continues_them(
    session: Session, unit: uuid.UUID
) -> None:
    name, addr = f"adopt-{uuid.uuid4().hex[:6]}.test", _addr()
    _sweep(session, unit, [(name, "host", addr)], 10)
    found = _issues(session, unit, addr)
    cert, unknown = found["cert-expired"], found["unknown-host"]
    first_seen = cert.first_seen_at
    until = (utcnow() + dt.timedelta(days=60)).date()
    issues.triage_issue(session, CONSOLE, cert.id, IssueTriageIn(status="accepted", reason="lab box", until=until))

    host = service.adopt_host(session, CONSOLE, _host(session, unit, addr).id, name)
    assert host.asset_id is not None
    assert (cert.key, cert.asset_id) == (f"asset:{host.asset_id}|cert-expired|tcp/443", host.asset_id)
    assert (cert.status, cert.status_reason, cert.first_seen_at) == ("accepted", "lab box", first_seen)
    assert (unknown.status, unknown.key) == ("fixed", f"host:{addr}|unknown-host|host")
    assert "adopted into the inventory" in unknown.status_reason
    session.flush()
    moved = [c for c in _audit_changes(session, cert.id) if "key" in c]
    assert moved and moved[-1]["key"] == [f"host:{addr}|cert-expired|tcp/443", cert.key]
    assert moved[-1]["asset_id"] == [None, str(host.asset_id)]

    later = _sweep(session, unit, [(name, "host", addr)], 9)  # the scan now finds the asset by address
    assert (cert.status, cert.occurrences, cert.last_scan_id) == ("accepted", 2, later.id)
    assert len(issues.issue_sightings(session, CONSOLE, cert.id)) == 2
    again = _issues(session, unit, addr)
    assert again["cert-expired"].id == cert.id  # no new open twin next to the accepted one
    assert again["unknown-host"].status == "fixed"  # the host is known now: nothing reports it again
    assert all(i.asset_id == host.asset_id for r, i in again.items() if r != "unknown-host")


def test_adopting_into_an_asset_with_the_same_finding_merges_them(session: Session, unit: uuid.UUID) -> None:
    stray, known = _addr(), _addr()
    _sweep(session, unit, [(f"s-{uuid.uuid4().hex[:6]}.test", "host", stray)], 20)
    host_cert = _issues(session, unit, stray)["cert-expired"]
    earliest = host_cert.first_seen_at
    issues.triage_issue(session, CONSOLE, host_cert.id, IssueTriageIn(status="false_positive", reason="test cert"))
    data = inventory.kind_of("asset").create.model_validate(
        {"hostname": f"k-{uuid.uuid4().hex[:6]}", "org_unit_id": unit, "ip_addresses": [known]}
    )
    asset = inventory.create_record(session, CONSOLE, inventory.kind_of("asset"), data)
    _sweep(session, unit, [(f"k-{uuid.uuid4().hex[:6]}.test", "host", known)], 5)
    twin = _issues(session, unit, known)["cert-expired"]
    assert (twin.asset_id, twin.status) == (asset.id, "open")

    done = host_issues.adopt_issues(session, _host(session, unit, stray), asset.id, "tester", utcnow())
    assert (done.merged, done.closed) == (1, 1)
    assert session.get(NetworkIssue, host_cert.id) is None
    assert (twin.status, twin.status_reason) == ("false_positive", "test cert")  # the stronger decision stays
    assert twin.first_seen_at == earliest
    assert twin.occurrences == 2 and len(issues.issue_sightings(session, CONSOLE, twin.id)) == 2
    assert twin.last_seen_at > utcnow() - dt.timedelta(hours=6)  # the newest evidence stays the twin's
    assert [c for c in _audit_changes(session, host_cert.id) if c.get("id", [None, None])[1] is None]  # deletion


def test_an_open_finding_beats_a_fixed_one_in_a_merge(session: Session, unit: uuid.UUID) -> None:
    stray, known = _addr(), _addr()
    _sweep(session, unit, [(f"o-{uuid.uuid4().hex[:6]}.test", "host", stray)], 8)
    data = inventory.kind_of("asset").create.model_validate(
        {"hostname": f"f-{uuid.uuid4().hex[:6]}", "org_unit_id": unit, "ip_addresses": [known]}
    )
    asset = inventory.create_record(session, CONSOLE, inventory.kind_of("asset"), data)
    _sweep(session, unit, [(f"f-{uuid.uuid4().hex[:6]}.test", "host", known)], 30)
    twin = _issues(session, unit, known)["cert-expired"]
    issues.triage_issue(session, CONSOLE, twin.id, IssueTriageIn(status="fixed"))
    host_issues.adopt_issues(session, _host(session, unit, stray), asset.id, "tester", utcnow())
    assert (twin.status, twin.occurrences) == ("open", 2)
    assert twin.last_seen_at > utcnow() - dt.timedelta(hours=9)  # the host's newer sighting is the evidence now


def test_dismissing_a_host_closes_its_findings_and_later_scans_leave_them_closed(
    session: Session, unit: uuid.UUID
) -> None:
    name, addr = f"guest-{uuid.uuid4().hex[:6]}.test", _addr()
    _sweep(session, unit, [(name, "host", addr)], 10)
    service.dismiss_host(session, CONSOLE, _host(session, unit, addr).id, "guest laptop")
    found = _issues(session, unit, addr)
    assert {i.status for i in found.values()} == {"false_positive"}
    assert all("dismissed from the shadow-IT queue: guest laptop" in i.status_reason for i in found.values())
    _sweep(session, unit, [(name, "host", addr)], 9)
    _sweep(session, unit, [(name, "endpoint", addr)], 8)  # a new port on the dismissed host
    after = _issues(session, unit, addr)
    assert after["port-new"].status == "false_positive" and after["port-new"].status_by == "scan:sweep-8"
    assert {i.status for i in after.values()} == {"false_positive"}
    assert after["cert-expired"].occurrences == 2
