"""Network findings (issues) over a real database: dedup by stable key across scans, automatic fix and regression,
triage rules, expiry of accepted risks on read and by the hourly job, filters and order."""

from __future__ import annotations

import datetime as dt
import random
import uuid

import pytest
from sqlalchemy.orm import Session

from tandem.monitoring import issues, service
from tandem.monitoring.demo import certificate_sweep
from tandem.monitoring.models import NetworkIssue
from tandem.monitoring.schemas import IssueTriageIn
from tandem.platform.auth import service as auth
from tandem.platform.auth.permissions import unit_path
from tandem.platform.auth.principal import CONSOLE, Grant, Principal
from tandem.platform.db.paging import PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput, PermissionDenied


@pytest.fixture
def unit(session: Session) -> uuid.UUID:
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    return auth.create_unit(session, None, f"Net-{uuid.uuid4().hex[:6]}", root.id).id


def _addr() -> str:
    return f"10.{random.randrange(100, 200)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def _sweep(session: Session, unit: uuid.UUID, hosts: list[tuple[str, str, str]], hours_ago: int) -> object:
    when = utcnow() - dt.timedelta(hours=hours_ago)
    return service.import_scan(session, CONSOLE, certificate_sweep(hosts, when), "s.xml", f"sweep-{hours_ago}",
                               "dmz", unit)  # fmt: skip


def _cert_issue(session: Session, unit: uuid.UUID, host: str) -> NetworkIssue:
    req = PageRequest.parse(issues.ISSUE_SPEC, {"host": host, "rule": "cert-expired", "limit": "10"})
    (found,) = [i for i in issues.list_issues(session, CONSOLE, req).items if i.org_unit_id == unit]
    return found


def test_scans_upsert_one_issue_per_key_fix_it_and_reopen_it_regressed(session: Session, unit: uuid.UUID) -> None:
    a = (f"a-{uuid.uuid4().hex[:6]}.test", "host", _addr())
    _sweep(session, unit, [a], 10)
    second = _sweep(session, unit, [a], 9)
    issue = _cert_issue(session, unit, a[2])
    assert (issue.status, issue.occurrences, issue.last_scan_id) == ("open", 2, second.id)  # type: ignore[attr-defined]
    assert issue.key == f"host:{a[2]}|cert-expired|tcp/443"
    assert len(issues.issue_sightings(session, CONSOLE, issue.id)) == 2
    _sweep(session, unit, [(a[0], "endpoint", a[2])], 8)  # same host and target, 443 gone: fixed
    assert (issue.status, issue.status_by) == ("fixed", "scan:sweep-8") and issue.fixed_at is not None
    unknown = issues.list_issues(session, CONSOLE, PageRequest.parse(issues.ISSUE_SPEC, {"host": a[2],
                                 "rule": "unknown-host", "limit": "5"})).items  # fmt: skip
    assert [i.status for i in unknown] == ["open"]  # still reported: not fixed
    _sweep(session, unit, [a], 7)
    assert (issue.status, issue.regressed, issue.occurrences) == ("open", True, 3)
    issues.triage_issue(session, CONSOLE, issue.id, IssueTriageIn(status="false_positive", reason="test rig"))
    _sweep(session, unit, [a], 6)
    assert (issue.status, issue.occurrences) == ("false_positive", 4)  # stays suppressed on later scans


def test_an_older_scan_imported_late_neither_fixes_nor_reopens(session: Session, unit: uuid.UUID) -> None:
    a = (f"b-{uuid.uuid4().hex[:6]}.test", "host", _addr())
    _sweep(session, unit, [a], 5)
    _sweep(session, unit, [(a[0], "endpoint", a[2])], 20)  # older than the sighting: no fix
    issue = _cert_issue(session, unit, a[2])
    assert (issue.status, issue.occurrences, issue.fixed_at) == ("open", 1, None)


def test_triage_rules_and_permissions(session: Session, unit: uuid.UUID) -> None:
    a = (f"c-{uuid.uuid4().hex[:6]}.test", "host", _addr())
    _sweep(session, unit, [a], 3)
    issue = _cert_issue(session, unit, a[2])
    tomorrow = (utcnow() + dt.timedelta(days=1)).date()
    cases = [(IssueTriageIn(status="accepted", until=tomorrow), "body.reason"),
             (IssueTriageIn(status="accepted", reason="legacy"), "body.until"),
             (IssueTriageIn(status="accepted", reason="legacy", until=dt.date(2020, 1, 1)), "body.until"),
             (IssueTriageIn(status="false_positive"), "body.reason"),
             (IssueTriageIn(status="fixed", until=tomorrow), "body.until")]  # fmt: skip
    for data, location in cases:
        with pytest.raises(InvalidInput) as err:
            issues.triage_issue(session, CONSOLE, issue.id, data)
        assert err.value.errors[0].location == location
    assert issue.status == "open"
    viewer = Principal(CONSOLE.user_id, "v", (Grant("viewer", unit, unit_path(session, unit) or ""),))
    with pytest.raises(PermissionDenied):
        issues.triage_issue(session, viewer, issue.id, IssueTriageIn(status="fixed"))
    done = issues.triage_issue(session, CONSOLE, issue.id, IssueTriageIn(status="accepted", reason="legacy",
                                                                         until=tomorrow))  # fmt: skip
    assert (done.status, done.status_by, done.accepted_until.date()) == ("accepted", "console", tomorrow)  # type: ignore[union-attr]


def test_an_expired_acceptance_reads_open_and_the_job_reopens_it(session: Session, unit: uuid.UUID) -> None:
    a = (f"d-{uuid.uuid4().hex[:6]}.test", "host", _addr())
    _sweep(session, unit, [a], 3)
    issue = _cert_issue(session, unit, a[2])
    until = (utcnow() + dt.timedelta(days=30)).date()
    issues.triage_issue(session, CONSOLE, issue.id, IssueTriageIn(status="accepted", reason="r", until=until))
    accepted = PageRequest.parse(issues.ISSUE_SPEC, {"status": "accepted", "host": a[2], "limit": "5"})
    assert [i.id for i in issues.list_issues(session, CONSOLE, accepted).items] == [issue.id]
    issue.accepted_until = utcnow() - dt.timedelta(minutes=1)  # time has passed
    session.flush()
    read = issues.to_read(issue)
    assert (read.status, read.acceptance_expired) == ("open", True)
    assert issues.list_issues(session, CONSOLE, accepted).items == []
    opened = PageRequest.parse(issues.ISSUE_SPEC, {"status": "open", "host": a[2], "rule": "cert-expired"})
    assert [i.id for i in issues.list_issues(session, CONSOLE, opened).items] == [issue.id]
    assert issues.reopen_expired(session) >= 1
    assert (issue.status, issue.status_by, issue.accepted_until) == ("open", "system", None)


def test_list_orders_open_first_by_severity_and_rejects_bad_filters(session: Session, unit: uuid.UUID) -> None:
    a = (f"e-{uuid.uuid4().hex[:6]}.test", "host", _addr())
    _sweep(session, unit, [a], 3)
    mine = issues.list_issues(session, CONSOLE, PageRequest.parse(issues.ISSUE_SPEC, {"host": a[2]})).items
    assert [i.priority for i in mine] == sorted(i.priority for i in mine) and mine[0].severity == "high"
    issues.triage_issue(session, CONSOLE, mine[0].id, IssueTriageIn(status="fixed"))
    session.flush()
    again = issues.list_issues(session, CONSOLE, PageRequest.parse(issues.ISSUE_SPEC, {"host": a[2]})).items
    assert again[-1].id == mine[0].id
    for params, location in (({"status": "closed"}, "query.status"), ({"asset_id": "x"}, "query.asset_id")):
        with pytest.raises(InvalidInput) as err:
            issues.list_issues(session, CONSOLE, PageRequest.parse(issues.ISSUE_SPEC, params))
        assert err.value.errors[0].location == location
