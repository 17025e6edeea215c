"""The data catalog: data categories x data stores from the latest scans, and classification by the owner."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.data import actions, classify
from tandem.data import repository as repo
from tandem.data.models import DataScan
from tandem.data.schemas import ClassifyIn
from tandem.inventory import service as inventory
from tandem.inventory.vocab import DATA_CATEGORIES
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput, NotFound

STORES = inventory.kind_of("data_store")


def _cooccurring(session: Session, scan: DataScan) -> list[list[str]]:
    return [combo for o in repo.objects_of(session, scan.id) for combo, _ in (o.cooccurrence or [])]


def matrix(session: Session, principal: Principal) -> dict[str, Any]:
    """Return the "where is our sensitive data" matrix: findings per data category and data store."""
    require(session, principal, actions.VIEW.name)
    rows, used = [], set()
    for scan in repo.latest_scans(session, principal):
        try:
            store = inventory.get_record(session, principal, STORES, scan.data_store_id)
        except NotFound:
            continue
        cells: dict[str, int] = {}
        for entity, n in (scan.type_counts or {}).items():
            for category in classify.TYPE_CATEGORIES.get(entity, ()):
                cells[category] = cells.get(category, 0) + int(n)
        used |= set(cells)
        hint = classify.suggest(scan.type_counts or {}, _cooccurring(session, scan), store.classification)
        rows.append(
            {
                "data_store_id": store.id,
                "name": store.name,
                "kind": store.kind,
                "classification": store.classification,
                "suggested_classification": hint.classification,
                "scan_id": scan.id,
                "scanned_at": scan.finished_at,
                "cells": cells,
                "finding_count": scan.finding_count,
            }
        )
    rows.sort(key=lambda r: (-r["finding_count"], r["name"]))
    return {"categories": [c for c in DATA_CATEGORIES if c in used], "rows": rows}


def latest_scan(session: Session, principal: Principal | None, store_id: uuid.UUID) -> DataScan | None:
    """Return the store's latest succeeded scan."""
    return next((s for s in repo.store_scans(session, principal, store_id) if s.status == "succeeded"), None)


def suggestion(session: Session, principal: Principal | None, store_id: uuid.UUID) -> dict[str, Any]:
    """Return the store's current categories and classification beside what its latest scan suggests."""
    store = inventory.get_record(session, principal, STORES, store_id)
    scan = latest_scan(session, principal, store_id)
    counts = scan.type_counts if scan else {}
    hint = classify.suggest(counts or {}, _cooccurring(session, scan) if scan else [], store.classification)
    merged = sorted(set(store.data_categories or []) | set(hint.data_categories))
    return {
        "data_store_id": store.id,
        "scan_id": scan.id if scan else None,
        "current_categories": list(store.data_categories or []),
        "current_classification": store.classification,
        "data_categories": merged,
        "classification": hint.classification,
        "reasons": hint.reasons,
        "phi": hint.phi,
        "source": store.source,
    }


def classify_store(session: Session, principal: Principal | None, store_id: uuid.UUID, data: ClassifyIn) -> Any:
    """Confirm (no fields) or correct the suggestion; inventory's service records it, provenance kept."""
    hint = suggestion(session, principal, store_id)
    if hint["scan_id"] is None:
        raise InvalidInput.one("data_store_id", "this data store has no finished scan to classify from")
    store = inventory.get_record(session, principal, STORES, store_id)
    if principal is not None:
        require(session, principal, actions.CLASSIFY.name, store)
    unknown = [c for c in data.data_categories or [] if c not in DATA_CATEGORIES]
    if unknown:
        raise InvalidInput.one("body.data_categories", f"unknown data categories: {', '.join(unknown)}")
    categories = hint["data_categories"] if data.data_categories is None else sorted(set(data.data_categories))
    level = data.classification or hint["classification"]
    corrected = data.data_categories is not None or data.classification is not None
    patch = STORES.update.model_validate(
        {"data_categories": categories, "classification": level, "source": f"discovered by scan {hint['scan_id']}"}
    )
    updated = inventory.update_record(session, principal, STORES, store_id, patch)
    inventory.attest_record(session, principal, STORES, store_id, f"classification from scan {hint['scan_id']}")
    scan = session.get(DataScan, hint["scan_id"])
    if scan is not None:
        scan.classification_status = "corrected" if corrected else "confirmed"
        scan.classified_by = (principal.username if principal is not None else "console")[:200]
        scan.classified_at = utcnow()
    session.flush()
    return updated
