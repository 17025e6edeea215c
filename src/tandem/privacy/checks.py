"""Privacy's automated control check: every data store holding personal data is in a processing record."""

from __future__ import annotations

from typing import Any

from tandem.inventory.vocab import DATA_CATEGORIES
from tandem.platform.checks import CheckOutcome, CheckParam, CheckRun, control_check
from tandem.privacy import check_queries as q

MAX_ROWS = 500
PERSONAL_GROUPS = ("personal", "special")


def _personal(categories: list[str]) -> list[str]:
    return [c for c in categories if DATA_CATEGORIES.get(c, ("", ""))[1] in PERSONAL_GROUPS]


@control_check(
    "privacy.restricted_stores_have_processing_record",
    "Stores with personal data have a processing record",
    "Fails for each data store of the classification (empty: every classification) whose categories include "
    "personal or special-category data and that no record of processing activities (other than a deprecated one) "
    "names.",
    (CheckParam("classification", "str", "restricted", "the store classification checked (empty: all)"),),
)
def restricted_stores_have_processing_record(run: CheckRun) -> CheckOutcome:
    """Check that every store of the classification holding personal data is named by a processing record."""
    classification = str(run.params["classification"]).strip()
    records = q.records_by_store(run.session)
    failing: list[list[Any]] = []
    passing: list[list[Any]] = []
    for store_id, name, cls, categories, unit in q.stores(run.session, classification, run.unit_ids):
        personal = _personal(categories)
        if not personal:
            continue
        named = records.get(str(store_id), [])
        row = [name, cls, ", ".join(personal), "; ".join(named) or "none", unit, str(store_id)]
        (passing if named else failing).append(row)
    total = len(failing) + len(passing)
    which = f"{classification} " if classification else ""
    if failing:
        summary = f"{len(failing)} of {total} {which}data stores with personal data are in no processing record"
    elif total:
        summary = f"all {total} {which}data stores with personal data are in a processing record"
    else:
        summary = f"no {which}data store with personal data in scope"
    if total > MAX_ROWS:
        summary += f" (evidence shows the first {MAX_ROWS} of {total} rows, failing ones first)"
    columns = ["data store", "classification", "personal data", "processing records", "org unit", "id"]
    return CheckOutcome(not failing, summary, columns, (failing + passing)[:MAX_ROWS], total, len(failing))
