"""Vendor risk's automated control checks: BAAs for vendors reaching PHI, DPAs for processors of EU personal
data, current SOC 2 reports of the highest-tier vendors. Each reads the vendor's computed risk view (what it
reaches through the inventory, its tier and its paperwork), so the checks agree with the vendor pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tandem.platform.checks import CheckOutcome, CheckParam, CheckRun, control_check
from tandem.platform.errors import InvalidInput
from tandem.vendors import exposure
from tandem.vendors import repository as repo
from tandem.vendors.models import Agreement
from tandem.vendors.vocab import TIERS

MAX_ROWS = 500


def _outcome(columns: list[str], failing: list[list[Any]], passing: list[list[Any]], summary: str) -> CheckOutcome:
    """Return the verdict with the failing rows first, the evidence capped at MAX_ROWS (said in the summary)."""
    total = len(failing) + len(passing)
    if total > MAX_ROWS:
        summary += f" (evidence shows the first {MAX_ROWS} of {total} rows, failing ones first)"
    return CheckOutcome(not failing, summary, columns, (failing + passing)[:MAX_ROWS], total, len(failing))


def _views(run: CheckRun) -> list[tuple[Any, dict[str, Any], list[Agreement]]]:
    """Return (vendor, risk view, agreements) of every vendor in scope."""
    vendors = [v for v in repo.visible_vendors(run.session, None) if run.in_scope(v.org_unit_id)]
    papers = repo.agreements_of(run.session, [v.id for v in vendors])
    today = run.now.date()
    return [(v, exposure.risk_view(run.session, None, v, today), papers[v.id]) for v in vendors]


def _paper(agreements: list[Agreement], kind: str, today: dt.date) -> tuple[str, str, str]:
    """Return (reference, expiry, state) of the best agreement of the kind: current, else expired, else none."""
    mine = [a for a in agreements if a.kind == kind]
    current = [a for a in mine if a.status == "signed" and (a.expires_on is None or a.expires_on >= today)]
    best = current[0] if current else (mine[0] if mine else None)
    if best is None:
        return "", "", "missing"
    expires = best.expires_on.isoformat() if best.expires_on else "no expiry"
    if current:
        return best.reference, expires, "current"
    return best.reference, expires, "expired" if best.expires_on and best.expires_on < today else best.status


def _reached(view: dict[str, Any], categories: set[str] | None = None) -> str:
    stores = view["reach"].stores
    names = [s["store"].name for s in stores if categories is None or categories & set(s["store"].data_categories)]
    return ", ".join(names)


@control_check(
    "vendors.phi_vendors_have_baa",
    "Every vendor reaching PHI has a BAA",
    "Finds every vendor that can reach a data store holding health data (directly, hosting it, or through an "
    "application it provides) and fails for each without a signed, unexpired business associate agreement.",
)
def phi_vendors_have_baa(run: CheckRun) -> CheckOutcome:
    """Check that every vendor reaching PHI has a current BAA."""
    today = run.now.date()
    failing: list[list[Any]] = []
    passing: list[list[Any]] = []
    for vendor, view, agreements in _views(run):
        if not view["phi"]:
            continue
        ref, expires, state = _paper(agreements, "baa", today)
        row = [vendor.name, _reached(view, {"health"}), state, ref, expires, str(vendor.id)]
        (passing if state == "current" else failing).append(row)
    total = len(failing) + len(passing)
    summary = (
        f"{len(failing)} of {total} vendors reaching PHI have no current BAA"
        if failing
        else f"all {total} vendors reaching PHI have a current BAA"
        if total
        else "no vendor in scope reaches PHI"
    )
    return _outcome(["vendor", "PHI reached", "BAA", "reference", "expires", "id"], failing, passing, summary)


@control_check(
    "vendors.eu_processors_have_dpa",
    "Every processor of EU personal data has a DPA",
    "Finds every vendor that can reach personal data held in an EU/EEA data store and is not an independent "
    "controller, and fails for each without a signed, unexpired data processing agreement (GDPR Art. 28).",
)
def eu_processors_have_dpa(run: CheckRun) -> CheckOutcome:
    """Check that every processor of EU personal data has a current DPA."""
    today = run.now.date()
    failing: list[list[Any]] = []
    passing: list[list[Any]] = []
    for vendor, view, agreements in _views(run):
        role = view["profile"].legal_role or "none"
        if not view["eu_personal"] or role == "independent-controller":
            continue
        ref, expires, state = _paper(agreements, "dpa", today)
        row = [vendor.name, role, _reached(view), state, ref, expires, str(vendor.id)]
        (passing if state == "current" else failing).append(row)
    total = len(failing) + len(passing)
    summary = (
        f"{len(failing)} of {total} processors of EU personal data have no current DPA"
        if failing
        else f"all {total} processors of EU personal data have a current DPA"
        if total
        else "no vendor in scope processes EU personal data"
    )
    columns = ["vendor", "legal role", "data stores reached", "DPA", "reference", "expires", "id"]
    return _outcome(columns, failing, passing, summary)


@control_check(
    "vendors.tier1_soc2_current",
    "Tier-1 vendors have a current SOC 2 report",
    "Fails for each vendor whose effective risk tier (computed or overridden) is `tier` — the top tier, "
    "critical, by default — and that has no signed, unexpired SOC 2 report on file (expired or missing).",
    (CheckParam("tier", "str", "critical", f"the vendor tier checked ({', '.join(TIERS)})"),),
)
def tier1_soc2_current(run: CheckRun) -> CheckOutcome:
    """Check that every vendor of the tier has a current SOC 2 report."""
    tier, today = str(run.params["tier"]), run.now.date()
    if tier not in TIERS:
        raise InvalidInput.one("params.tier", f"must be one of {', '.join(TIERS)}, not {tier!r}")
    failing: list[list[Any]] = []
    passing: list[list[Any]] = []
    for vendor, view, agreements in _views(run):
        if view["tier"] != tier:
            continue
        ref, expires, state = _paper(agreements, "soc2", today)
        row = [vendor.name, view["tier"], state, ref, expires, str(vendor.id)]
        (passing if state == "current" else failing).append(row)
    total = len(failing) + len(passing)
    if not total:
        summary = f"no {tier}-tier vendor in scope"
    elif failing:
        summary = f"{len(failing)} of {total} {tier}-tier vendors have no current SOC 2 report (expired or missing)"
    else:
        summary = f"all {total} {tier}-tier vendors have a current SOC 2 report"
    return _outcome(["vendor", "tier", "SOC 2", "reference", "expires", "id"], failing, passing, summary)
