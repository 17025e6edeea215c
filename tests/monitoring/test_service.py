"""Monitoring over a real database: scan import, reconciliation with the inventory, shadow IT, port diffs."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tandem.inventory import service as inv
from tandem.inventory.kinds import KINDS
from tandem.inventory.schemas import AssetCreate
from tandem.monitoring import demo, service
from tandem.platform.auth import service as auth
from tandem.platform.auth.permissions import unit_path
from tandem.platform.auth.principal import CONSOLE, Grant, Principal
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import Conflict, InvalidInput, PermissionDenied

DATA = Path(__file__).parent / "data"


def _unit(session: Session) -> uuid.UUID:
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    return auth.create_unit(session, None, f"Net-{uuid.uuid4().hex[:6]}", root.id).id


def _scan(name: str, known: tuple[bytes, bytes], unknown: tuple[bytes, bytes]) -> bytes:
    demo.KNOWN, demo.UNKNOWN = known, unknown
    return demo.readdress((DATA / name).read_bytes())


def test_reconcile_shadow_it_and_diff(session: Session) -> None:
    unit = _unit(session)
    tag = uuid.uuid4().hex[:6]
    ip_known, ip_unknown = f"10.77.{int(tag[:2], 16)}.1".encode(), f"10.77.{int(tag[:2], 16)}.2".encode()
    asset = inv.create_record(session, CONSOLE, KINDS["assets"], AssetCreate(
        hostname=f"known-{tag}.example", ip_addresses=[ip_known.decode()], org_unit_id=unit))  # fmt: skip
    names = (ip_known, f"known-{tag}.example".encode()), (ip_unknown, f"rogue-{tag}.example".encode())
    base = service.import_scan(session, CONSOLE, _scan("nmap-localhost-baseline.xml", *names), "b.xml", "base",
                               f"t-{tag}", unit)  # fmt: skip
    assert (base.hosts_up, base.known_hosts, base.unknown_hosts) == (2, 1, 1)
    refreshed = inv.get_record(session, CONSOLE, KINDS["assets"], asset.id)
    assert refreshed.source == "scan:base" and refreshed.last_verified_at is not None
    rules = {f.rule for f in service.scan_findings(session, CONSOLE, base.id)}
    assert "unknown-host" in rules and not any(r.startswith("port-") for r in rules)
    later = service.import_scan(session, CONSOLE, _scan("nmap-localhost-newport.xml", *names), "n.xml", "later",
                                f"t-{tag}", unit)  # fmt: skip
    diffs = [f for f in service.scan_findings(session, CONSOLE, later.id) if f.rule == "port-new"]
    assert any(f.port == 18081 for f in diffs)
    queue = service.list_discovered(
        session, CONSOLE, PageRequest.parse(service.HOST_SPEC, {"status": "unconfirmed", "limit": "500"})
    )
    (host,) = [h for h in queue.items if h.address == ip_unknown.decode() and h.org_unit_id == unit]
    assert host.last_scan_id == later.id and host.first_scan_id == base.id
    adopted = service.adopt_host(session, CONSOLE, host.id)
    new_asset = inv.get_record(session, CONSOLE, KINDS["assets"], adopted.asset_id)
    assert new_asset.hostname == f"rogue-{tag}.example" and new_asset.ip_addresses == [ip_unknown.decode()]
    with pytest.raises(Conflict):
        service.dismiss_host(session, CONSOLE, host.id, "too late")


def test_dismiss_needs_reason_and_permissions(session: Session) -> None:
    unit = _unit(session)
    tag = uuid.uuid4().hex[:6]
    names = (b"10.78.0.1", f"a-{tag}".encode()), (f"10.78.{int(tag[:2], 16)}.9".encode(), f"b-{tag}".encode())
    service.import_scan(session, CONSOLE, _scan("nmap-localhost-newport.xml", *names), "x.xml", "x", "x", unit)
    queue = service.list_discovered(session, CONSOLE, PageRequest.parse(service.HOST_SPEC, {"limit": "500"}))
    hosts = [h for h in queue.items if h.org_unit_id == unit]
    assert len(hosts) == 2
    with pytest.raises(InvalidInput):
        service.dismiss_host(session, CONSOLE, hosts[0].id, " ")
    viewer = Principal(CONSOLE.user_id, "v", (Grant("viewer", unit, unit_path(session, unit) or ""),))
    with pytest.raises(PermissionDenied):
        service.dismiss_host(session, viewer, hosts[0].id, "guest laptop")
    with pytest.raises(PermissionDenied):
        service.import_scan(session, viewer, b"<nmaprun/>", "x.xml", unit_id=unit)
    done = service.dismiss_host(session, CONSOLE, hosts[0].id, "guest laptop")
    assert (done.status, done.decided_by) == ("dismissed", "console")


def test_greenbone_and_located_errors(session: Session) -> None:
    unit = _unit(session)
    scan = service.import_scan(session, CONSOLE, (DATA / "defectdojo-report_detail_v2.xml").read_bytes(), "gvm.xml",
                               "gvm", "gvm", unit)  # fmt: skip
    assert scan.kind == "greenbone" and scan.finding_count >= 1
    findings = service.scan_findings(session, CONSOLE, scan.id)
    assert any(f.rule.startswith("gvm:") for f in findings)
    tls = service.import_scan(session, CONSOLE, (DATA / "nmap-localhost-tls-scripts.xml").read_bytes(), "t.xml",
                              "tls", "tls", unit)  # fmt: skip
    assert {f.severity for f in service.scan_findings(session, CONSOLE, tls.id)} & {"high", "critical", "medium"}
    with pytest.raises(InvalidInput) as err:
        service.parse_scan(b"<nmaprun><host>", "broken.xml")
    assert err.value.errors[0].location.startswith("broken.xml")
