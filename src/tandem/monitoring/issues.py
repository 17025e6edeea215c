"""Network issue rules: every scan upserts lasting issues by stable key, fixes what it no longer sees, reopens
what comes back (regressed); people triage them (accepted until a date, false positive, fixed, open)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from tandem.monitoring import actions
from tandem.monitoring import issues_repository as irepo
from tandem.monitoring import repository as repo
from tandem.monitoring.models import ISSUE_STATUSES, SEVERITIES, DiscoveredHost, NetworkIssue, Scan, ScanFinding
from tandem.monitoring.schemas import IssueRead, IssueTriageIn
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import ListSpec, Page, PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput, NotFound

ISSUE_SPEC = ListSpec(
    sort_fields=("priority", "last_seen_at", "first_seen_at", "severity", "host"),
    default_sort="priority",
    filter_fields=("status", "severity", "rule", "host", "asset_id", "source"),
    search_fields=("host", "rule", "detail"),
)
# Notes, not conditions to fix: a port went away; a port the asset declares came up.
NOT_ISSUES = frozenset({"port-closed", "port-declared"})
_STATUS_RANK = {"open": 0, "accepted": 1, "fixed": 2, "false_positive": 3}
_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def priority(status: str, severity: str) -> int:
    """Return the sort rank: open before accepted before fixed before false positive, then by severity."""
    return _STATUS_RANK.get(status, 9) * 10 + _SEVERITY_RANK.get(severity, 9)


def issue_key(asset_id: uuid.UUID | None, host: str, rule: str, cves: Iterable[str], protocol: str | None,
              port: int | None, component: str = "") -> str:  # fmt: skip
    """Return the stable key (subject | check | where) built from identifiers only, never from free text."""
    subject = f"asset:{asset_id}" if asset_id else f"host:{host.strip().lower()}"
    ids = sorted({c.strip().upper() for c in cves if c.strip()})
    check = f"{rule}:{','.join(ids)}" if ids and not rule.startswith("gvm:") else rule
    where = f"{(protocol or 'tcp').lower()}/{port}" if port is not None else (component.strip().lower() or "host")
    return f"{subject}|{check}|{where}"[:600]


def effective_status(issue: NetworkIssue, now: dt.datetime | None = None) -> str:
    """Return the status as it stands now: an acceptance past its expiry is open again, even before the job runs."""
    if issue.status == "accepted" and issue.accepted_until is not None and issue.accepted_until <= (now or utcnow()):
        return "open"
    return issue.status


def to_read(issue: NetworkIssue, now: dt.datetime | None = None) -> IssueRead:
    """Return the API shape with the effective status."""
    read = IssueRead.model_validate(issue)
    read.status = effective_status(issue, now)
    read.acceptance_expired = issue.status == "accepted" and read.status == "open"
    return read


def set_status(issue: NetworkIssue, status: str, reason: str, who: str, now: dt.datetime) -> None:
    """Set the status with who, why and when; an acceptance expiry only stays on accepted issues."""
    issue.status, issue.status_reason, issue.status_by, issue.status_at = status, reason[:4000], who[:200], now
    if status != "accepted":
        issue.accepted_until = None
    issue.priority = priority(status, issue.severity)


def _new_issue(f: ScanFinding, key: str, scan: Scan, when: dt.datetime) -> NetworkIssue:
    return NetworkIssue(
        id=uuid.uuid4(), key=key, source=scan.kind[:20], org_unit_id=scan.org_unit_id, asset_id=f.asset_id,
        host=f.host[:255], rule=f.rule[:100], protocol=f.protocol, port=f.port, severity=f.severity,
        detail=f.detail, cves=list(f.cves or []), first_seen_at=when, last_seen_at=when, last_scan_id=scan.id,
        occurrences=1, status="open", priority=priority("open", f.severity), regressed=False,
    )  # fmt: skip


def _sighted(issue: NetworkIssue, f: ScanFinding, scan: Scan, when: dt.datetime, now: dt.datetime) -> None:
    issue.occurrences += 1
    issue.first_seen_at = min(issue.first_seen_at, when)
    if when < issue.last_seen_at:
        return  # an older scan imported late: it counts, but neither its evidence nor a reopening is newer
    issue.last_seen_at, issue.last_scan_id = when, scan.id
    issue.severity, issue.detail, issue.cves = f.severity, f.detail, list(f.cves or [])
    if issue.status == "fixed" and (issue.fixed_at is None or when > issue.fixed_at):
        issue.regressed = True
        set_status(issue, "open", f"reported again by scan {scan.name}", f"scan:{scan.name}", now)
    elif effective_status(issue, now) == "open" and issue.status == "accepted":
        set_status(issue, "open", "acceptance expired", "system", now)
    issue.priority = priority(issue.status, issue.severity)


def record_scan_issues(session: Session, scan: Scan, hosts: dict[str, uuid.UUID | None] | None = None) -> int:
    """Upsert the issues behind a stored scan's findings, link each finding to its issue, and mark fixed the open
    issues of the same hosts that this later scan no longer reports (caller checked permission). `hosts` maps
    every address the scan saw up to its asset; by default the hosts of its open ports and findings."""
    now, when = utcnow(), scan.scanned_at or scan.created_at
    grouped: dict[str, list[ScanFinding]] = {}
    for f in repo.findings_of(session, scan.id):  # most severe first: the first of a key is its evidence
        if f.rule not in NOT_ISSUES:
            grouped.setdefault(issue_key(f.asset_id, f.host, f.rule, f.cves or [], f.protocol, f.port), []).append(f)
    existing = irepo.by_keys(session, scan.org_unit_id, list(grouped))
    touched = []
    for key, found in grouped.items():
        issue = existing.get(key)
        if issue is None:
            issue = _new_issue(found[0], key, scan, when)
            session.add(issue)
        else:
            _sighted(issue, found[0], scan, when, now)
        touched.append(issue)
        for f in found:
            f.issue_id = issue.id
    _keep_dismissed_closed(session, scan, touched, now)
    session.flush()
    if hosts is None:
        hosts = {str(p[0]): None for p in scan.open_ports or []}
        for found in grouped.values():
            hosts.setdefault(found[0].host, found[0].asset_id)
    return _fix_unreported(session, scan, set(grouped), hosts, when, now)


def dismissal_reason(host: DiscoveredHost) -> str:
    """Return the status reason of a finding on a host dismissed from the shadow-IT queue."""
    return f"host {host.address} dismissed from the shadow-IT queue: {host.reason}"[:4000]


def _keep_dismissed_closed(session: Session, scan: Scan, touched: list[NetworkIssue], now: dt.datetime) -> None:
    """Close the new or reopened findings of hosts someone dismissed: the dismissal covers what they show later."""
    loose = [i for i in touched if i.asset_id is None and effective_status(i, now) == "open"]
    if not loose:
        return
    hosts = repo.discovered(session, scan.org_unit_id, sorted({i.host for i in loose}))
    for issue in loose:
        host = hosts.get(issue.host)
        if host is not None and host.status == "dismissed":
            set_status(issue, "false_positive", dismissal_reason(host), f"scan:{scan.name}", now)


def _fix_unreported(session: Session, scan: Scan, reported: set[str], hosts: dict[str, uuid.UUID | None],
                    when: dt.datetime, now: dt.datetime) -> int:  # fmt: skip
    """Fix the open issues a later scan of the same kind no longer reports on a host it saw up: port-bound ones only
    when it saw the port open, or repeats their scan's target (so a port it found closed is covered too)."""
    assets = {a for a in hosts.values() if a is not None}
    candidates = [
        i for i in irepo.live_on_hosts(session, scan.org_unit_id, scan.kind, list(hosts), assets)
        if i.key not in reported and i.last_seen_at < when
    ]  # fmt: skip
    open_ports = {(str(h), str(p), int(n)) for h, p, n, *_ in scan.open_ports or []}
    targets = irepo.scan_targets(session, {i.last_scan_id for i in candidates if i.last_scan_id})
    fixed = 0
    for issue in candidates:
        port_open = issue.port is not None and (issue.host, issue.protocol or "tcp", issue.port) in open_ports
        if issue.rule == "port-new" and port_open:
            issue.last_seen_at, issue.last_scan_id = when, scan.id  # still open: the condition persists
            continue
        if issue.port is not None and not port_open and targets.get(issue.last_scan_id or scan.id) != scan.target:
            continue
        issue.fixed_at = when
        set_status(issue, "fixed", f"no longer reported by scan {scan.name}", f"scan:{scan.name}", now)
        fixed += 1
    session.flush()
    return fixed


def list_issues(session: Session, principal: Principal, req: PageRequest) -> Page[NetworkIssue]:
    """List visible network issues (open first, most severe first by default); status filters are effective."""
    require(session, principal, actions.VIEW.name)
    filters = dict(req.filters)
    status = filters.pop("status", "")
    if status and status not in ISSUE_STATUSES:
        raise InvalidInput.one("query.status", f"must be one of {', '.join(ISSUE_STATUSES)}")
    if "asset_id" in filters:
        try:
            uuid.UUID(filters["asset_id"])
        except ValueError:
            raise InvalidInput.one("query.asset_id", "is not an id") from None
    r = irepo.IssueRepository(session)
    stmt = r.base_query(principal)
    if status:
        stmt = stmt.where(irepo.status_condition(status, utcnow()))
    return r.page(stmt, dataclasses.replace(req, filters=filters))


def get_issue(session: Session, principal: Principal, issue_id: uuid.UUID) -> NetworkIssue:
    """Return a visible network issue."""
    issue = irepo.IssueRepository(session).get(principal, issue_id)
    if issue is None:
        raise NotFound("network finding not found")
    return issue


def issue_sightings(session: Session, principal: Principal, issue_id: uuid.UUID) -> list[tuple[ScanFinding, Scan]]:
    """Return the scans that reported a visible issue, with their evidence, newest first."""
    return irepo.sightings(session, get_issue(session, principal, issue_id).id)


def triage_issue(session: Session, principal: Principal, issue_id: uuid.UUID, data: IssueTriageIn) -> NetworkIssue:
    """Set an issue's status: accepted needs a reason and a future expiry date, false positive a reason."""
    issue = get_issue(session, principal, issue_id)
    require(session, principal, actions.EDIT.name, issue)
    now = utcnow()
    until: dt.datetime | None = None
    if data.status in ("accepted", "false_positive") and not data.reason:
        raise InvalidInput.one("body.reason", f"say why the finding is {data.status.replace('_', ' ')}")
    if data.status == "accepted":
        if data.until is None:
            raise InvalidInput.one("body.until", "an accepted finding needs the date its acceptance expires")
        until = dt.datetime.combine(data.until, dt.time(23, 59, 59), dt.UTC)
        if until <= now:
            raise InvalidInput.one("body.until", "must be today or later")
    elif data.until is not None:
        raise InvalidInput.one("body.until", "only an accepted finding has an expiry date")
    set_status(issue, data.status, data.reason, principal.username, now)
    issue.accepted_until = until
    if data.status == "fixed":
        issue.fixed_at = now
    if data.status in ("open", "fixed"):
        issue.regressed = False if data.status == "fixed" else issue.regressed
    session.flush()
    return issue


def reopen_expired(session: Session, now: dt.datetime | None = None) -> int:
    """Reopen every accepted issue whose acceptance ran out (all units); return how many."""
    now = now or utcnow()
    rows = irepo.expired_acceptances(session, now)
    for issue in rows:
        until = issue.accepted_until.date().isoformat() if issue.accepted_until else "?"
        set_status(issue, "open", f"acceptance expired on {until}", "system", now)
    session.flush()
    return len(rows)


def issue_summary(session: Session, principal: Principal) -> dict[str, Any]:
    """Return visible issue counts per effective status."""
    require(session, principal, actions.VIEW.name)
    r = irepo.IssueRepository(session)
    now = utcnow()
    return {s: r.count(r.base_query(principal).where(irepo.status_condition(s, now))) for s in ISSUE_STATUSES}
