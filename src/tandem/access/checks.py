"""Access governance's automated control checks: reviews of systems reaching sensitive data, orphaned and
leavers' accounts, privileged accounts without MFA."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from tandem.access import check_queries as q
from tandem.access import effective
from tandem.access import repository as repo
from tandem.access.models import Campaign
from tandem.platform.checks import CheckOutcome, CheckParam, CheckRun, control_check
from tandem.platform.errors import InvalidInput, NotFound

MAX_ROWS = 500
FLAGGED_KINDS = {"orphan": "orphan (no identity)", "terminated_active": "terminated but enabled"}


def _outcome(columns: list[str], failing: list[list[Any]], passing: list[list[Any]], summary: str) -> CheckOutcome:
    """Return the verdict with the failing rows first, the evidence capped at MAX_ROWS (said in the summary)."""
    total = len(failing) + len(passing)
    if total > MAX_ROWS:
        summary += f" (evidence shows the first {MAX_ROWS} of {total} rows, failing ones first)"
    return CheckOutcome(not failing, summary, columns, (failing + passing)[:MAX_ROWS], total, len(failing))


def _reach(run: CheckRun, category: str) -> dict[uuid.UUID, set[str]]:
    """Return {system id: names of the stores of the category its entitlements reach}."""
    try:
        _, stores = effective.resolve(run.session, None, category)
    except NotFound:
        raise InvalidInput.one("params.category", f"no data category or data store named {category!r}") from None
    names = {s["id"]: s["name"] for s in stores}
    out: dict[uuid.UUID, set[str]] = {}
    for path, store, _access in effective.reverse_paths(run.session, repo.store_links(run.session, list(names))):
        out.setdefault(path[0].system_id, set()).add(names[store])
    return out


@control_check(
    "access.reviews_current",
    "Access reviews completed for systems reaching sensitive data",
    "Finds every system whose entitlements reach a data store of the category (directly or through groups) and "
    "fails for each that no access review campaign closed within max_age_days covered (by reviewing its "
    "entitlements or naming it in its scope).",
    (
        CheckParam("max_age_days", "int", 92, "how recent the closed review must be", minimum=1, maximum=3650),
        CheckParam("category", "str", "PHI", "data category (or data store name) the systems reach"),
    ),
)
def reviews_current(run: CheckRun) -> CheckOutcome:
    """Check that every system reaching the category had a review campaign closed within max_age_days."""
    days, category = int(run.params["max_age_days"]), str(run.params["category"])
    reach = _reach(run, category)
    last: dict[uuid.UUID, Campaign] = {}
    for campaign, system_id in q.closed_reviews(run.session):
        seen = last.get(system_id)
        closed_at = campaign.closed_at
        if closed_at is None or closed_at > run.now:  # not closed yet at the time the check judges
            continue
        if seen is None or seen.closed_at is None or seen.closed_at < closed_at:
            last[system_id] = campaign
    limit = run.now - dt.timedelta(days=days)
    failing: list[list[Any]] = []
    passing: list[list[Any]] = []
    for system, unit in q.systems(run.session, list(reach)):
        if not run.in_scope(system.org_unit_id):
            continue
        review = last.get(system.id)
        closed = review.closed_at if review is not None else None
        row = [system.name, ", ".join(sorted(reach[system.id])), closed.date().isoformat() if closed else "never",
               review.name if review is not None else "", (run.now - closed).days if closed else None, unit,
               str(system.id)]  # fmt: skip
        (passing if closed is not None and closed >= limit else failing).append(row)
    failing.sort(key=lambda r: (r[4] is not None, -(r[4] or 0)))
    total = len(failing) + len(passing)
    if not total:
        summary = f"no system in scope reaches {category} data"
    elif failing:
        summary = (
            f"{len(failing)} of {total} systems reaching {category} data have no access review closed in {days} days"
        )
    else:
        summary = f"all {total} systems reaching {category} data had an access review closed in the last {days} days"
    columns = ["system", f"{category} data reached", "last review closed", "campaign", "days since", "org unit", "id"]
    return _outcome(columns, failing, passing, summary)


@control_check(
    "access.no_orphan_or_terminated_accounts",
    "No orphan or terminated-but-active accounts",
    "Reads the open orphan and terminated-but-enabled findings of the access analysis and fails for each older "
    "than max_age_days: a leaver's account counts from the day they left (when HR gives it), an orphan from "
    "when the analysis first flagged it.",
    (
        CheckParam(
            "max_age_days", "int", 7, "days allowed to disable or correlate the account", minimum=0, maximum=3650
        ),
    ),
)
def no_orphan_or_terminated_accounts(run: CheckRun) -> CheckOutcome:
    """Check that no orphan or terminated-but-enabled account is older than max_age_days."""
    days = int(run.params["max_age_days"])
    failing: list[list[Any]] = []
    passing: list[list[Any]] = []
    for finding, account, system, identity, end, unit in q.flagged_accounts(
        run.session, list(FLAGGED_KINDS), run.unit_ids
    ):
        since = finding.first_seen_at
        if finding.kind == "terminated_active" and end is not None:
            since = min(since, dt.datetime.combine(end, dt.time(), dt.UTC))
        age = (run.now - since).days
        row = [account, system, FLAGGED_KINDS[finding.kind], identity or "", end.isoformat() if end else "",
               finding.first_seen_at.date().isoformat(), age, unit, str(finding.id)]  # fmt: skip
        (failing if age > days else passing).append(row)
    failing.sort(key=lambda r: -int(r[6]))
    total = len(failing) + len(passing)
    summary = (
        f"{len(failing)} of {total} orphan or terminated-but-enabled accounts are older than {days} days"
        if failing
        else f"no orphan or terminated-but-enabled account older than {days} days ({total} open)"
    )
    columns = ["account", "system", "problem", "identity", "left on", "first flagged", "days", "org unit", "finding id"]
    return _outcome(columns, failing, passing, summary)


@control_check(
    "access.privileged_mfa",
    "Privileged accounts are on systems that enforce MFA",
    "Tandem records MFA per system, not per account: fails for each enabled account that is privileged (flagged "
    "by its source or holding a privileged entitlement) on a system that does not enforce MFA.",
)
def privileged_mfa(run: CheckRun) -> CheckOutcome:
    """Check that every enabled privileged account sits on a system that enforces MFA."""
    failing: list[list[Any]] = []
    passing: list[list[Any]] = []
    for account_id, account, system, mfa, identity, grants, flagged, unit in q.privileged_accounts(
        run.session, run.unit_ids
    ):
        why = ", ".join(grants) or ("flagged privileged" if flagged else "")
        row = [account, system, identity or "(no identity)", why, "yes" if mfa else "no", unit, str(account_id)]
        (passing if mfa else failing).append(row)
    total = len(failing) + len(passing)
    summary = (
        f"{len(failing)} of {total} privileged accounts are on systems that do not enforce MFA"
        if failing
        else f"all {total} privileged accounts are on systems that enforce MFA"
        if total
        else "no enabled privileged account in scope"
    )
    columns = ["account", "system", "identity", "privileged through", "MFA enforced", "org unit", "id"]
    return _outcome(columns, failing, passing, summary)
