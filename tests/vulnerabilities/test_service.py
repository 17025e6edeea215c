"""The vulnerabilities domain over a real database: ingest, match (full and delta), triage, KEV events, scope."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tandem.inventory import service as inv
from tandem.inventory.kinds import KINDS
from tandem.inventory.schemas import AssetCreate, SoftwareCreate, SoftwareUpdate
from tandem.platform import events
from tandem.platform.auth import service as auth
from tandem.platform.auth.permissions import unit_path
from tandem.platform.auth.principal import CONSOLE, Grant, Principal
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import InvalidInput, NotFound, PermissionDenied
from tandem.vulnerabilities import ingest, matching, service
from tandem.vulnerabilities.feeds import FeedError
from tandem.vulnerabilities.schemas import FindingStatusIn

DATA = Path(__file__).parent / "data"
OPENSSH = "cpe:2.3:a:openbsd:openssh:9.6:p1:*:*:*:*:*:*"
CHROME = "cpe:2.3:a:google:chrome:116.0.5845.100:*:*:*:*:*:*:*"


def _unit(session: Session) -> uuid.UUID:
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    return auth.create_unit(session, None, f"Sec-{uuid.uuid4().hex[:6]}", root.id).id


def _software(session: Session, unit: uuid.UUID, name: str, version: str, cpe: str) -> Any:
    asset = inv.create_record(
        session, CONSOLE, KINDS["assets"], AssetCreate(hostname=f"h-{uuid.uuid4().hex[:8]}", org_unit_id=unit)
    )
    data = SoftwareCreate(name=name, version=version, cpe=cpe, asset_id=asset.id, org_unit_id=unit)
    return inv.create_record(session, CONSOLE, KINDS["software"], data)


def _feed(session: Session, kind: str, rel: str) -> Any:
    return ingest.import_feed(session, kind, (DATA / rel).read_bytes(), rel, "test")


def _findings(session: Session, **filters: str) -> list[Any]:
    req = PageRequest.parse(service.FINDING_SPEC, {"limit": "500", **filters})
    return list(service.list_findings(session, CONSOLE, req).items)


def test_ingest_match_and_explain(session: Session) -> None:
    unit = _unit(session)
    sw = _software(session, unit, "OpenSSH", "9.6p1", OPENSSH)
    imported = _feed(session, "nvd", "nvd/CVE-2024-6387.json")
    assert (imported.records, imported.changed) == (1, 1)
    _feed(session, "epss", "epss/epss_scores-2026-09-29-excerpt.csv")
    result = matching.match_now(session, "full")
    assert result["new"] >= 1
    (finding,) = [f for f in _findings(session, software_id=str(sw.id))]
    assert finding.advisory_id == "CVE-2024-6387" and finding.path == "cpe" and finding.status == "open"
    assert "openssh" in finding.criterion and "<9.8" in finding.range.replace(" ", "")
    assert finding.org_unit_id == unit and finding.asset_id == sw.asset_id
    assert finding.cvss is not None and finding.priority_tier == 3
    advisory = service.get_advisory(session, CONSOLE, "CVE-2024-6387")
    assert advisory.cvss == finding.cvss and "OpenSSH" in advisory.description
    # The same file again changes nothing; a delta pass then finds nothing new.
    assert _feed(session, "nvd", "nvd/CVE-2024-6387.json").changed == 0
    again = matching.match_now(session, "delta")
    assert again["new"] == 0 and again["closed"] == 0


def test_kev_match_is_first_and_published(session: Session) -> None:
    unit = _unit(session)
    seen: list[Any] = []

    def handler(_session: Session, **payload: Any) -> None:
        seen.append(payload)

    events.subscribe(matching.KEV_MATCH_EVENT, handler)
    _software(session, unit, "OpenSSH", "9.6p1", OPENSSH)
    chrome = _software(session, unit, "Chrome", "116.0.5845.100", CHROME)
    _feed(session, "nvd", "nvd/CVE-2024-6387.json")
    _feed(session, "nvd", "nvd/CVE-2023-4863.json")
    matching.match_now(session, "full")
    # NVD copies KEV membership into the record (cisaExploitAdd): the first pass already ranks it KEV.
    _feed(session, "kev", "kev/kev-excerpt.json")  # the catalogue adds the due date and ransomware use
    matching.match_now(session, "delta")
    (finding,) = _findings(session, software_id=str(chrome.id))
    assert finding.kev and finding.priority_tier == 1 and finding.kev_due
    assert any(str(finding.id) in p["finding_ids"] for p in seen)
    top = _findings(session, kev="true")
    assert top and all(f.kev for f in top)
    assert _findings(session)[0].priority_tier == 1  # KEV first by default


def test_delta_closes_when_software_is_upgraded(session: Session) -> None:
    unit = _unit(session)
    sw = _software(session, unit, "OpenSSH", "9.6p1", OPENSSH)
    _feed(session, "nvd", "nvd/CVE-2024-6387.json")
    matching.match_now(session, "full")
    fixed_cpe = "cpe:2.3:a:openbsd:openssh:9.8:p1:*:*:*:*:*:*"
    inv.update_record(session, CONSOLE, KINDS["software"], sw.id, SoftwareUpdate(version="9.8p1", cpe=fixed_cpe))
    result = matching.match_now(session, "delta")
    assert result["closed"] >= 1
    (finding,) = _findings(session, software_id=str(sw.id), status="fixed")
    assert finding.status_by == matching.MATCHER


def test_triage_needs_reason_and_records_who(session: Session) -> None:
    unit = _unit(session)
    sw = _software(session, unit, "OpenSSH", "9.6p1", OPENSSH)
    _feed(session, "nvd", "nvd/CVE-2024-6387.json")
    matching.match_now(session, "full")
    (finding,) = _findings(session, software_id=str(sw.id))
    with pytest.raises(InvalidInput) as err:
        service.set_status(session, CONSOLE, finding.id, FindingStatusIn(status="accepted"))
    assert err.value.errors[0].location == "body.reason"
    done = service.set_status(
        session, CONSOLE, finding.id, FindingStatusIn(status="false_positive", reason="Debian backport")
    )
    assert (done.status, done.status_by, done.status_reason) == ("false_positive", "console", "Debian backport")
    # A human decision survives the next pass.
    matching.match_now(session, "full")
    assert service.get_finding(session, CONSOLE, finding.id).status == "false_positive"


def test_scope_and_permissions(session: Session) -> None:
    unit, other = _unit(session), _unit(session)
    sw = _software(session, unit, "OpenSSH", "9.6p1", OPENSSH)
    _feed(session, "nvd", "nvd/CVE-2024-6387.json")
    matching.match_now(session, "full")
    (finding,) = _findings(session, software_id=str(sw.id))
    outsider = Principal(CONSOLE.user_id, "o", (Grant("security_analyst", other, unit_path(session, other) or ""),))
    with pytest.raises(NotFound):
        service.get_finding(session, outsider, finding.id)
    viewer = Principal(CONSOLE.user_id, "v", (Grant("viewer", unit, unit_path(session, unit) or ""),))
    assert service.get_finding(session, viewer, finding.id).id == finding.id
    with pytest.raises(PermissionDenied):
        service.set_status(session, viewer, finding.id, FindingStatusIn(status="fixed"))
    with pytest.raises(PermissionDenied):
        service.queue_match(session, viewer)


def test_osv_path_and_located_feed_errors(session: Session) -> None:
    unit = _unit(session)
    root = auth.root_unit(session)
    assert root is not None
    asset = inv.create_record(
        session, CONSOLE, KINDS["assets"], AssetCreate(hostname=f"py-{uuid.uuid4().hex[:6]}", org_unit_id=unit)
    )
    data = SoftwareCreate(
        name="requests", version="2.30.0", purl="pkg:pypi/requests@2.30.0", asset_id=asset.id, org_unit_id=unit
    )
    sw = inv.create_record(session, CONSOLE, KINDS["software"], data)
    _feed(session, "osv", "osv/PYSEC-2023-74.json")
    matching.match_now(session, "full")
    (finding,) = _findings(session, software_id=str(sw.id))
    assert finding.path == "purl" and finding.advisory_id == "PYSEC-2023-74" and "CVE-2023-32681" in finding.cve_ids
    with pytest.raises(FeedError) as err:
        ingest.parse_feed("nvd", b'{"vulnerabilities": [', "bad.json")
    assert err.value.location and err.value.location.startswith("bad.json:")
    with pytest.raises(InvalidInput):
        ingest.parse_feed("xml", b"", "x")


def test_fetch_is_off_by_default() -> None:
    from tandem.platform.errors import Conflict

    with pytest.raises(Conflict):
        ingest.fetch_feed("kev")
