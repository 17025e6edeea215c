"""Monitoring's control checks on imported scans: critical assets scanned, certificates, TLS, shadow IT."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.inventory.kinds import KINDS
from tandem.monitoring import service
from tandem.monitoring.demo import certificate_sweep
from tandem.platform.auth import service as auth
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.checks import CheckOutcome, CheckRun, get_check
from tandem.platform.db.types import utcnow

DATA = Path(__file__).parent / "data"


@pytest.fixture
def unit(session: Session) -> uuid.UUID:
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    return auth.create_unit(session, None, f"Net-{uuid.uuid4().hex[:6]}", root.id).id


def check(session: Session, name: str, unit: uuid.UUID, now: dt.datetime | None = None, **params: Any) -> CheckOutcome:
    spec = get_check(name)
    return spec.run(CheckRun(session, spec.resolve_params(params), frozenset({unit}), now or utcnow()))


def asset(session: Session, unit: uuid.UUID, criticality: str = "critical") -> tuple[str, str, str]:
    """Create a server asset on a random private address; return (hostname, kind, address)."""
    name, address = (
        f"srv-{uuid.uuid4().hex[:8]}.test",
        f"10.{random.randrange(200, 250)}.{random.randrange(256)}.{random.randrange(1, 255)}",
    )
    data = {"hostname": name, "ip_addresses": [address], "criticality": criticality, "org_unit_id": unit}
    inventory.create_record(session, None, KINDS["assets"], KINDS["assets"].create.model_validate(data))
    return name, "host", address


def sweep(session: Session, unit: uuid.UUID, hosts: list[tuple[str, str, str]], target: str, when: dt.datetime) -> Any:
    data = certificate_sweep(hosts, when)
    return service.import_scan(session, CONSOLE, data, "sweep.xml", f"sweep {when:%H%M%S%f}", target, unit)


def test_critical_assets_must_be_seen_by_a_recent_scan(session: Session, unit: uuid.UUID) -> None:
    seen, missed = asset(session, unit), asset(session, unit)
    asset(session, unit, criticality="low")  # not a critical asset: not checked
    sweep(session, unit, [seen], "dc-1", utcnow() - dt.timedelta(hours=1))
    bad = check(session, "monitoring.critical_assets_scanned", unit)
    assert (bad.passed, bad.examined, bad.failing) == (False, 2, 1)
    assert bad.rows[0][0] == missed[0] and bad.rows[1][0] == seen[0]
    sweep(session, unit, [missed], "dc-2", utcnow() - dt.timedelta(hours=1))
    ok = check(session, "monitoring.critical_assets_scanned", unit)
    assert (ok.passed, ok.failing) == (True, 0)
    # Forty days on, neither scan is recent enough.
    later = check(session, "monitoring.critical_assets_scanned", unit, now=utcnow() + dt.timedelta(days=40))
    assert (later.passed, later.failing) == (False, 2)


def test_expired_certificate_in_the_latest_scan_fails(session: Session, unit: uuid.UUID) -> None:
    server, other = asset(session, unit), asset(session, unit)
    sweep(session, unit, [server, other], "dmz", utcnow() - dt.timedelta(hours=2))  # the first one has expired
    bad = check(session, "monitoring.certificates_valid", unit)
    assert (bad.passed, bad.failing) == (False, 1)
    assert bad.rows[0][0] == f"{server[2]} ({server[0]})" and bad.rows[0][3] == "expired"
    # The next scan of the target no longer sees that certificate; only the latest scan of a target counts.
    sweep(session, unit, [(other[0], "endpoint", other[2])], "dmz", utcnow() - dt.timedelta(hours=1))
    ok = check(session, "monitoring.certificates_valid", unit)
    assert ok.passed, ok.summary


def test_weak_tls_findings_fail_and_a_clean_scan_passes(session: Session, unit: uuid.UUID) -> None:
    service.import_scan(session, CONSOLE, (DATA / "nmap-localhost-baseline.xml").read_bytes(), "base.xml",
                        "baseline", "lab", unit)  # fmt: skip
    ok = check(session, "monitoring.no_weak_tls", unit)
    assert (ok.passed, ok.failing) == (True, 0) and ok.examined > 0
    service.import_scan(session, CONSOLE, (DATA / "nmap-localhost-tls-scripts.xml").read_bytes(), "tls.xml",
                        "tls", "lab-tls", unit)  # fmt: skip
    bad = check(session, "monitoring.no_weak_tls", unit)
    assert (bad.passed, bad.failing) == (False, 1)  # one service (18443) offers TLS 1.0 and anonymous suites
    assert {r[2] for r in bad.rows} == {"tls-protocol", "tls-cipher"}


def test_unconfirmed_hosts_fail_once_older_than_the_limit(session: Session, unit: uuid.UUID) -> None:
    service.import_scan(session, CONSOLE, (DATA / "nmap-localhost-baseline.xml").read_bytes(), "base.xml",
                        "baseline", "office", unit)  # fmt: skip
    ok = check(session, "monitoring.no_unconfirmed_hosts", unit)
    assert (ok.passed, ok.examined) == (True, 1)
    bad = check(session, "monitoring.no_unconfirmed_hosts", unit, now=utcnow() + dt.timedelta(days=20))
    assert (bad.passed, bad.failing) == (False, 1) and bad.rows[0][0] == "127.0.0.1"
    assert check(
        session, "monitoring.no_unconfirmed_hosts", unit, utcnow() + dt.timedelta(days=20), max_age_days=30
    ).passed
