"""Monitoring's automated control checks: scan coverage of critical assets, certificates, TLS and shadow IT."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from tandem.monitoring import check_queries as q
from tandem.monitoring import repository as repo
from tandem.monitoring.models import Scan
from tandem.platform.checks import CheckOutcome, CheckParam, CheckRun, control_check

MAX_ROWS = 500
CERT_RULES = ("cert-expired", "cert-expiring")
WEAK_TLS_RULES = ("tls-protocol", "tls-cipher")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def _outcome(
    columns: list[str], failing: list[list[Any]], passing: list[list[Any]], summary: str, examined: int | None = None
) -> CheckOutcome:
    """Return the verdict with the failing rows first, the evidence capped at MAX_ROWS (said in the summary)."""
    total = len(failing) + len(passing)
    if total > MAX_ROWS:
        summary += f" (evidence shows the first {MAX_ROWS} of {total} rows, failing ones first)"
    rows = (failing + passing)[:MAX_ROWS]
    return CheckOutcome(not failing, summary, columns, rows, total if examined is None else examined, len(failing))


def _day(moment: dt.datetime | None) -> str:
    return moment.date().isoformat() if moment else ""


def _triaged(suppressed: int) -> str:
    if not suppressed:
        return ""
    return f"; {suppressed} triaged away as accepted risks or false positives (Network findings)"


def _seen(scan: Scan) -> dt.datetime:
    return scan.scanned_at or scan.created_at


@control_check(
    "monitoring.critical_assets_scanned",
    "Critical assets scanned recently",
    "Fails for each inventory asset of the criticality that no network scan run in the last max_age_days saw "
    "(matched by address or host name, or confirmed by the scan's reconciliation).",
    (
        CheckParam("max_age_days", "int", 30, "how recent the scan must be", minimum=1, maximum=3650),
        CheckParam("criticality", "str", "critical", "the asset criticality to check"),
    ),
)
def critical_assets_scanned(run: CheckRun) -> CheckOutcome:
    """Check that every asset of the criticality was seen by a scan within max_age_days."""
    days, criticality = int(run.params["max_age_days"]), str(run.params["criticality"])
    since = run.now - dt.timedelta(days=days)
    scans = q.scans_since(run.session, since)
    index = repo.asset_index(run.session)
    last: dict[uuid.UUID, Scan] = {}

    def saw(asset_id: uuid.UUID | None, scan: Scan) -> None:
        if asset_id is not None and (asset_id not in last or _seen(last[asset_id]) <= _seen(scan)):
            last[asset_id] = scan

    by_id = {s.id: s for s in scans}
    for scan in scans:
        for host, *_ in scan.open_ports or []:
            saw(index.get(str(host).lower()), scan)
    for scan_id, host, asset_id in q.finding_hosts(run.session, list(by_id)):
        saw(asset_id or index.get(str(host).lower()), by_id[scan_id])
    failing: list[list[Any]] = []
    passing: list[list[Any]] = []
    for asset_id, hostname, _kind, _ips, source, verified, unit in q.assets_of_criticality(
        run.session, criticality, run.unit_ids
    ):
        seen_by = last.get(asset_id)
        if seen_by is not None:
            passing.append([hostname, _day(_seen(seen_by)), seen_by.name, unit, str(asset_id)])
        elif str(source).startswith("scan:") and verified is not None and verified >= since:
            # Reconciliation stamps every host a scan saw up, open ports or not.
            passing.append([hostname, _day(verified), str(source).removeprefix("scan:"), unit, str(asset_id)])
        else:
            failing.append([hostname, "", "not scanned in the last " + str(days) + " days", unit, str(asset_id)])
    total = len(failing) + len(passing)
    if not total:
        summary = f"no {criticality} assets in scope"
    elif failing:
        summary = f"{len(failing)} of {total} {criticality} assets not scanned in the last {days} days"
    else:
        summary = f"all {total} {criticality} assets scanned in the last {days} days"
    return _outcome(["asset", "last seen by a scan", "scan", "org unit", "id"], failing, passing, summary)


def _expiry(detail: str) -> dt.date | None:
    found = _DATE.search(detail)
    return dt.date.fromisoformat(found.group(1)) if found else None


@control_check(
    "monitoring.certificates_valid",
    "No expired TLS certificate",
    "Reads the certificate findings of the latest scan of every target (scans flag certificates that are expired "
    "or expire within 30 days of the scan) and fails for each that has expired by now, or expires within "
    "warn_days; findings triaged as false positives or accepted (until their expiry) do not count.",
    (CheckParam("warn_days", "int", 0, "also fail certificates expiring within this many days", 0, 30),),
)
def certificates_valid(run: CheckRun) -> CheckOutcome:
    """Check that no certificate in the latest scans is expired (or expires within warn_days)."""
    warn = int(run.params["warn_days"])
    today = run.now.date()
    scans = q.latest_scans(run.session, run.unit_ids)
    names = {s.id: s for s in scans}
    failing: list[list[Any]] = []
    passing: list[list[Any]] = []
    found, suppressed = q.findings_in(run.session, list(names), CERT_RULES, run.now)
    hosts = q.asset_names(run.session, {f.asset_id for f in found if f.asset_id})
    for f in found:
        expires = _expiry(f.detail)
        expired = f.rule == "cert-expired" or (expires is not None and expires < today)
        bad = expired or (expires is not None and expires <= today + dt.timedelta(days=warn))
        state = "expired" if expired else f"expires in {(expires - today).days} days" if expires else "unknown"
        scan = names[f.scan_id]
        host = f"{f.host} ({hosts[f.asset_id]})" if f.asset_id in hosts else f.host
        row = [host, f.port, expires.isoformat() if expires else "", state, scan.name, _day(_seen(scan))]
        (failing if bad else passing).append(row)
    ports = sum(len(s.open_ports or []) for s in scans)
    what = "expired" if warn == 0 else f"expired or expiring within {warn} days"
    if failing:
        noun = "certificate" if len(failing) == 1 else "certificates"
        summary = f"{len(failing)} {noun} {what} in the latest scans of {len(scans)} targets"
    else:
        summary = f"no certificate {what} in the latest scans of {len(scans)} targets ({ports} open ports)"
    summary += _triaged(suppressed)
    columns = ["host", "port", "expires", "state", "scan", "scanned"]
    return _outcome(columns, failing, passing, summary, examined=ports)


@control_check(
    "monitoring.no_weak_tls",
    "No TLS 1.0/1.1 or weak ciphers",
    "Fails for each service that the latest scan of its target found offering SSLv2/3, TLS 1.0/1.1, or weak or "
    "anonymous cipher suites; findings triaged as false positives or accepted (until their expiry) do not count.",
)
def no_weak_tls(run: CheckRun) -> CheckOutcome:
    """Check that the latest scans found no deprecated TLS protocol or weak cipher suite."""
    scans = q.latest_scans(run.session, run.unit_ids)
    names = {s.id: s for s in scans}
    found, suppressed = q.findings_in(run.session, list(names), WEAK_TLS_RULES, run.now)
    failing = [[f.host, f.port, f.rule, f.detail, names[f.scan_id].name, _day(_seen(names[f.scan_id]))] for f in found]
    services = {(f[0], f[1]) for f in failing}
    ports = sum(len(s.open_ports or []) for s in scans)
    summary = (
        f"{len(services)} services offer deprecated TLS or weak ciphers in the latest scans of {len(scans)} targets"
        if failing
        else f"no deprecated TLS or weak cipher in the latest scans of {len(scans)} targets ({ports} open ports)"
    )
    summary += _triaged(suppressed)
    outcome = _outcome(["host", "port", "rule", "detail", "scan", "scanned"], failing, [], summary, examined=ports)
    outcome.failing = len(services)
    return outcome


@control_check(
    "monitoring.no_unconfirmed_hosts",
    "No unconfirmed discovered hosts",
    "Fails for each host a scan discovered that is not in the inventory and that nobody adopted or dismissed "
    "within max_age_days of first seeing it.",
    (CheckParam("max_age_days", "int", 14, "how long a discovered host may wait for a decision", 0, 3650),),
)
def no_unconfirmed_hosts(run: CheckRun) -> CheckOutcome:
    """Check that no discovered host waits unconfirmed longer than max_age_days."""
    days = int(run.params["max_age_days"])
    limit = run.now - dt.timedelta(days=days)
    failing: list[list[Any]] = []
    passing: list[list[Any]] = []
    for host_id, address, names, first, last, unit in q.unconfirmed_hosts(run.session, run.unit_ids):
        age = (run.now - first).days
        row = [address, ", ".join(names or []), _day(first), _day(last), age, unit, str(host_id)]
        (failing if first < limit else passing).append(row)
    total = len(failing) + len(passing)
    summary = (
        f"{len(failing)} of {total} unconfirmed hosts waiting longer than {days} days"
        if failing
        else f"no unconfirmed host older than {days} days ({total} waiting)"
    )
    columns = ["address", "host names", "first seen", "last seen", "days waiting", "org unit", "id"]
    return _outcome(columns, failing, passing, summary)
