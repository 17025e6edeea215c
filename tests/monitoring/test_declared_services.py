"""Monitoring reads an asset's declared services field first (old `service:` tags still count when the field is
empty): own checks probe them, and a scan that finds a declared port newly open notes it instead of raising a
new-port finding."""

from __future__ import annotations

import datetime as dt
import random
import uuid

import pytest
from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.inventory.kinds import KINDS
from tandem.monitoring import issues, service
from tandem.monitoring.demo import certificate_sweep
from tandem.monitoring.ownchecks.service import inventory_targets
from tandem.monitoring.ownchecks.targets import Target, asset_targets
from tandem.platform.auth import service as auth
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.db.paging import PageRequest
from tandem.platform.db.types import utcnow


@pytest.fixture
def unit(session: Session) -> uuid.UUID:
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    return auth.create_unit(session, None, f"Net-{uuid.uuid4().hex[:6]}", root.id).id


def _addr() -> str:
    return f"10.{random.randrange(250, 255)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def _asset(session: Session, unit: uuid.UUID, ip: str, **fields: object) -> uuid.UUID:
    data = {"hostname": f"d-{uuid.uuid4().hex[:6]}", "org_unit_id": unit, "ip_addresses": [ip], **fields}
    return inventory.create_record(session, CONSOLE, KINDS["assets"], KINDS["assets"].create.model_validate(data)).id


def test_the_field_comes_first_and_tags_still_count_alone() -> None:
    services = [(443, "tcp", "https", True), (8443, "tcp", "", None), (4443, "tcp", "https", None),
                (25, "tcp", "smtp", False), (53, "udp", "dns", None)]  # fmt: skip
    found = asset_targets("a1", "web01", ["10.1.2.3"], services, ["service:9999/tls"])
    assert found == [Target("10.1.2.3", 443, True, "a1"), Target("10.1.2.3", 8443, True, "a1"),
                     Target("10.1.2.3", 4443, True, "a1"), Target("10.1.2.3", 25, False, "a1")]  # fmt: skip
    assert asset_targets("a2", "db01", [], [], ["service:5432"]) == [Target("db01", 5432, False, "a2")]


def test_inventory_targets_read_the_field(session: Session, unit: uuid.UUID) -> None:
    new, old = _addr(), _addr()
    both = _asset(session, unit, new, declared_services=["443/tcp https tls"], tags=["service:22/tcp"])
    tagged = _asset(session, unit, old, tags=["service:8443"])
    ids = {str(both), str(tagged)}
    mine = {(t.host, t.port, t.tls) for t in inventory_targets(session, CONSOLE) if t.asset_id in ids}
    assert mine == {(new, 443, True), (old, 8443, True)}


def test_a_declared_port_coming_up_is_a_note_not_a_finding(session: Session, unit: uuid.UUID) -> None:
    planned, surprise = _addr(), _addr()
    _asset(session, unit, planned, declared_services=["443/tcp https tls"])
    _asset(session, unit, surprise)
    when = utcnow() - dt.timedelta(hours=5)
    hosts = [("p.test", "endpoint", planned), ("s.test", "endpoint", surprise)]
    service.import_scan(session, CONSOLE, certificate_sweep(hosts, when), "a.xml", "before", "rack", unit)
    hosts = [("p.test", "host", planned), ("s.test", "host", surprise)]  # 443 opens on both
    later = service.import_scan(session, CONSOLE, certificate_sweep(hosts, when + dt.timedelta(hours=1)), "b.xml",
                                "after", "rack", unit)  # fmt: skip
    rules = {(f.host, f.rule): f for f in service.scan_findings(session, CONSOLE, later.id)}
    assert (planned, "port-declared") in rules and (planned, "port-new") not in rules
    assert rules[(planned, "port-declared")].severity == "info" and rules[(planned, "port-declared")].issue_id is None
    assert "declared service now open" in rules[(planned, "port-declared")].detail
    assert (surprise, "port-new") in rules
    req = PageRequest.parse(issues.ISSUE_SPEC, {"rule": "port-new", "limit": "50"})
    opened = {i.host for i in issues.list_issues(session, CONSOLE, req).items if i.org_unit_id == unit}
    assert opened == {surprise}
