"""The vulnerability control checks on matched findings: KEV due dates and the critical-severity SLA."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import service as inv
from tandem.inventory.kinds import KINDS
from tandem.inventory.schemas import AssetCreate, SoftwareCreate
from tandem.platform.auth import service as auth
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.checks import CheckOutcome, CheckRun, get_check
from tandem.platform.db.paging import PageRequest
from tandem.platform.db.types import utcnow
from tandem.vulnerabilities import ingest, matching, service
from tandem.vulnerabilities.schemas import FindingStatusIn

DATA = Path(__file__).parent / "data"
CHROME = "cpe:2.3:a:google:chrome:116.0.5845.100:*:*:*:*:*:*:*"
OPENSSH = "cpe:2.3:a:openbsd:openssh:9.6:p1:*:*:*:*:*:*"


def _unit(session: Session) -> uuid.UUID:
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    return auth.create_unit(session, None, f"Vuln-{uuid.uuid4().hex[:6]}", root.id).id


def _software(session: Session, unit: uuid.UUID, name: str, version: str, cpe: str) -> Any:
    host = inv.create_record(
        session, CONSOLE, KINDS["assets"], AssetCreate(hostname=f"ws-{uuid.uuid4().hex[:8]}", org_unit_id=unit)
    )
    data = SoftwareCreate(name=name, version=version, cpe=cpe, asset_id=host.id, org_unit_id=unit)
    return inv.create_record(session, CONSOLE, KINDS["software"], data)


def check(session: Session, name: str, unit: uuid.UUID, now: dt.datetime, **params: Any) -> CheckOutcome:
    spec = get_check(name)
    return spec.run(CheckRun(session, spec.resolve_params(params), frozenset({unit}), now))


def test_kev_finding_fails_once_its_due_date_has_passed(session: Session) -> None:
    unit = _unit(session)
    chrome = _software(session, unit, "Chrome", "116.0.5845.100", CHROME)
    for kind, rel in (("nvd", "nvd/CVE-2023-4863.json"), ("kev", "kev/kev-excerpt.json")):
        ingest.import_feed(session, kind, (DATA / rel).read_bytes(), rel, "test")
    matching.match_now(session, "full")
    before_due = dt.datetime(2023, 9, 20, tzinfo=dt.UTC)  # CISA's due date for CVE-2023-4863 is 2023-10-04
    ok = check(session, "vulnerabilities.kev_past_due", unit, before_due)
    assert (ok.passed, ok.examined, ok.failing) == (True, 1, 0)
    bad = check(session, "vulnerabilities.kev_past_due", unit, dt.datetime(2023, 10, 14, tzinfo=dt.UTC))
    assert (bad.passed, bad.failing) == (False, 1)
    assert bad.rows[0][0] == "CVE-2023-4863" and bad.rows[0][3:5] == ["2023-10-04", 10]
    # Accepting the risk closes the finding: no open KEV finding is left to be late.
    req = PageRequest.parse(service.FINDING_SPEC, {"software_id": str(chrome.id)})
    (finding,) = service.list_findings(session, CONSOLE, req).items
    service.set_status(session, CONSOLE, finding.id, FindingStatusIn(status="accepted", reason="isolated kiosk"))
    assert check(session, "vulnerabilities.kev_past_due", unit, utcnow()).passed


def test_critical_findings_fail_after_the_sla(session: Session) -> None:
    unit = _unit(session)
    _software(session, unit, "OpenSSH", "9.6p1", OPENSSH)
    ingest.import_feed(session, "nvd", (DATA / "nvd/CVE-2024-6387.json").read_bytes(), "CVE-2024-6387.json", "test")
    matching.match_now(session, "full")
    # CVE-2024-6387 scores 8.1: below the default 9.0 it is not counted, at 8.0 it is.
    assert check(session, "vulnerabilities.critical_within_sla", unit, utcnow() + dt.timedelta(days=30)).examined == 0
    ok = check(session, "vulnerabilities.critical_within_sla", unit, utcnow(), min_cvss=8.0)
    assert (ok.passed, ok.examined) == (True, 1)
    late = utcnow() + dt.timedelta(days=20)
    bad = check(session, "vulnerabilities.critical_within_sla", unit, late, min_cvss=8.0)
    assert (bad.passed, bad.failing) == (False, 1) and bad.rows[0][:2] == ["CVE-2024-6387", 8.1]
    assert check(session, "vulnerabilities.critical_within_sla", unit, late, min_cvss=8.0, max_age_days=30).passed
