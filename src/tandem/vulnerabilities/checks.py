"""The vulnerability domain's automated control checks: KEV due dates and the critical-severity SLA."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tandem.platform.checks import CheckOutcome, CheckParam, CheckRun, control_check
from tandem.vulnerabilities import check_queries as q

MAX_ROWS = 500


def _outcome(columns: list[str], failing: list[list[Any]], passing: list[list[Any]], summary: str) -> CheckOutcome:
    """Return the verdict with the failing rows first, the evidence capped at MAX_ROWS (said in the summary)."""
    total = len(failing) + len(passing)
    if total > MAX_ROWS:
        summary += f" (evidence shows the first {MAX_ROWS} of {total} rows, failing ones first)"
    return CheckOutcome(not failing, summary, columns, (failing + passing)[:MAX_ROWS], total, len(failing))


def _due(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@control_check(
    "vulnerabilities.kev_past_due",
    "No KEV vulnerability past its due date",
    "Fails for each open finding on a CVE in CISA's Known Exploited Vulnerabilities catalogue whose "
    "remediation due date (from the catalogue) has passed.",
)
def kev_past_due(run: CheckRun) -> CheckOutcome:
    """Check that no open KEV finding is past its catalogue due date."""
    today = run.now.date()
    failing: list[list[Any]] = []
    passing: list[list[Any]] = []
    for fid, cve, component, on, _cvss, kev_due, first, unit in q.open_findings(run.session, run.unit_ids, kev=True):
        due = _due(kev_due)
        late = (today - due).days if due is not None and due < today else 0
        row = [cve, component, on, kev_due, late, first.date().isoformat(), unit, str(fid)]
        (failing if late else passing).append(row)
    failing.sort(key=lambda r: -int(r[4]))
    total = len(failing) + len(passing)
    summary = (
        f"{len(failing)} of {total} open KEV findings are past their due date"
        if failing
        else f"no open KEV finding past its due date ({total} open KEV findings)"
    )
    columns = ["CVE", "component", "on", "KEV due", "days overdue", "first seen", "org unit", "id"]
    return _outcome(columns, failing, passing, summary)


@control_check(
    "vulnerabilities.critical_within_sla",
    "Critical vulnerabilities fixed within SLA",
    "Fails for each open finding with a CVSS score at or above min_cvss first seen more than max_age_days ago.",
    (
        CheckParam("max_age_days", "int", 15, "days allowed to fix a critical finding", minimum=0, maximum=3650),
        CheckParam("min_cvss", "float", 9.0, "the CVSS score from which a finding counts", minimum=0.0, maximum=10.0),
    ),
)
def critical_within_sla(run: CheckRun) -> CheckOutcome:
    """Check that no open finding at or above min_cvss is older than max_age_days."""
    days, min_cvss = int(run.params["max_age_days"]), float(run.params["min_cvss"])
    limit = run.now - dt.timedelta(days=days)
    failing: list[list[Any]] = []
    passing: list[list[Any]] = []
    for fid, cve, component, on, cvss, _due, first, unit in q.open_findings(
        run.session, run.unit_ids, min_cvss=min_cvss
    ):
        row = [cve, cvss, component, on, first.date().isoformat(), (run.now - first).days, unit, str(fid)]
        (failing if first < limit else passing).append(row)
    total = len(failing) + len(passing)
    summary = (
        f"{len(failing)} of {total} open findings with CVSS ≥ {min_cvss:g} are older than {days} days"
        if failing
        else f"no open finding with CVSS ≥ {min_cvss:g} older than {days} days ({total} open)"
    )
    columns = ["CVE", "CVSS", "component", "on", "first seen", "days open", "org unit", "id"]
    return _outcome(columns, failing, passing, summary)
