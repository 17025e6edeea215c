"""The inventory's automated control checks: ownership of assets and applications, protection of data stores."""

from __future__ import annotations

from typing import Any

from tandem.inventory import check_queries as q
from tandem.platform.checks import CheckOutcome, CheckParam, CheckRun, control_check

MAX_ROWS = 500


def _outcome(columns: list[str], failing: list[list[Any]], passing: list[list[Any]], summary: str) -> CheckOutcome:
    """Return the verdict with the failing rows first, the evidence capped at MAX_ROWS (said in the summary)."""
    total = len(failing) + len(passing)
    if total > MAX_ROWS:
        summary += f" (evidence shows the first {MAX_ROWS} of {total} rows, failing ones first)"
    return CheckOutcome(not failing, summary, columns, (failing + passing)[:MAX_ROWS], total, len(failing))


@control_check(
    "inventory.assets_have_owner",
    "Every asset and application has an owner",
    "Fails for each asset without an owner and each application with neither a business nor an IT owner.",
)
def assets_have_owner(run: CheckRun) -> CheckOutcome:
    """Check that every asset and application in scope names an accountable person."""
    failing: list[list[Any]] = []
    passing: list[list[Any]] = []
    for asset_id, hostname, criticality, owner, unit in q.asset_owners(run.session, run.unit_ids):
        row = ["asset", hostname, criticality, owner or "", "", unit, str(asset_id)]
        (passing if owner else failing).append(row)
    for app_id, name, business, it, unit in q.application_owners(run.session, run.unit_ids):
        row = ["application", name, "", business or "", it or "", unit, str(app_id)]
        (passing if business or it else failing).append(row)
    total = len(failing) + len(passing)
    if failing:
        summary = f"{len(failing)} of {total} assets and applications have no owner"
    elif total:
        summary = f"all {total} assets and applications have an owner"
    else:
        summary = "no assets or applications in scope"
    columns = ["kind", "name", "criticality", "owner / business owner", "IT owner", "org unit", "id"]
    return _outcome(columns, failing, passing, summary)


@control_check(
    "inventory.restricted_stores_protected",
    "Restricted data stores have an owner and encryption at rest",
    "Fails for each data store of the given classification that lacks an owner or is not encrypted at rest.",
    (CheckParam("classification", "str", "restricted", "the data classification whose stores are checked"),),
)
def restricted_stores_protected(run: CheckRun) -> CheckOutcome:
    """Check that every store of the classification has an owner and is encrypted at rest."""
    classification = str(run.params["classification"])
    failing: list[list[Any]] = []
    passing: list[list[Any]] = []
    for store_id, name, owner, encrypted, unit in q.stores_classified(run.session, classification, run.unit_ids):
        problems = [p for p, bad in (("no owner", not owner), ("not encrypted at rest", not encrypted)) if bad]
        row = [name, owner or "", "yes" if encrypted else "no", "; ".join(problems) or "ok", unit, str(store_id)]
        (failing if problems else passing).append(row)
    total = len(failing) + len(passing)
    if not total:
        summary = f"no {classification} data stores in scope"
    elif failing:
        summary = f"{len(failing)} of {total} {classification} data stores lack an owner or encryption at rest"
    else:
        summary = f"all {total} {classification} data stores have an owner and encryption at rest"
    columns = ["data store", "owner", "encrypted at rest", "problem", "org unit", "id"]
    return _outcome(columns, failing, passing, summary)
