"""Records of processing activities: Art. 30 fields linked to the inventory (data stores, vendors) and to
controls; discovery keeps the declared data categories honest; the DPIA pre-screen is computed from them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.compliance.controls import service as controls
from tandem.data import service as data
from tandem.inventory import service as inventory
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.errors import FieldError, InvalidInput, NotFound
from tandem.privacy import actions, screening
from tandem.privacy.common import check, require_in_unit
from tandem.privacy.models import Activity
from tandem.privacy.repository import ActivityRepository
from tandem.privacy.schemas import ActivityCreate, ActivityRead, ActivityUpdate

__all__ = ["create_activity", "findings", "get_activity", "list_activities", "prescreen", "update_activity"]
ID_LISTS = {"data_store_ids": "data_store", "vendor_ids": "vendor"}


# Discovery entity types -> inventory data categories, as the data domain classifies them; credentials are not
# personal data, so they never count against a processing record.
DISCOVERED = {kind: cats for kind, cats in data.DISCOVERED_CATEGORIES.items() if "credentials" not in cats}


def get_activity(session: Session, principal: Principal | None, activity_id: uuid.UUID) -> Activity:
    """Return an activity principal may see."""
    obj = ActivityRepository(session).get(principal, activity_id)
    if obj is None:
        raise NotFound("processing activity not found")
    return obj


def list_activities(session: Session, principal: Principal, req: PageRequest) -> Page[Activity]:
    """List the activities principal may see."""
    require(session, principal, actions.VIEW.name)
    import dataclasses

    repo = ActivityRepository(session)
    stmt = repo.base_query(principal)
    try:
        for name, value in req.filters.items():
            stmt = stmt.where(getattr(Activity, name) == (uuid.UUID(value) if name.endswith("_id") else value))
    except ValueError:
        raise InvalidInput.one("query", "a filter value has the wrong type") from None
    return repo.page(stmt, dataclasses.replace(req, filters={}))


def visible_activities(session: Session, principal: Principal | None) -> list[Activity]:
    """Return every visible activity by name (the RoPA and its export)."""
    if principal is not None:
        require(session, principal, actions.VIEW.name)
    return list(session.scalars(ActivityRepository(session).ordered(principal)))


def _link_errors(session: Session, principal: Principal | None, values: dict[str, Any]) -> list[FieldError]:
    errors = []
    for field, kind_name in ID_LISTS.items():
        for n, ref in enumerate(values.get(field) or []):
            try:
                inventory.get_record(session, principal, inventory.kind_of(kind_name), uuid.UUID(str(ref)))
            except NotFound:
                errors.append(FieldError(f"body.{field}.{n}", f"no visible {kind_name} with this id"))
    for n, ref in enumerate(values.get("control_ids") or []):
        try:
            controls.get_control(session, principal, uuid.UUID(str(ref)))
        except NotFound:
            errors.append(FieldError(f"body.control_ids.{n}", "no visible control with this id"))
    return errors


def _values(data: ActivityCreate | ActivityUpdate, unset: bool) -> dict[str, Any]:
    values = data.model_dump(mode="json", exclude_unset=unset)
    if unset:
        values = {k: v for k, v in values.items() if v is not None}
    return values


def create_activity(session: Session, principal: Principal | None, data: ActivityCreate) -> Activity:
    """Add a processing activity."""
    require_in_unit(session, principal, data.org_unit_id, actions.EDIT.name)
    values = _values(data, unset=True)
    errors = _link_errors(session, principal, values)
    if errors:
        raise InvalidInput(errors)
    values["org_unit_id"] = data.org_unit_id
    return ActivityRepository(session).add(Activity(**values))


def update_activity(
    session: Session, principal: Principal | None, activity_id: uuid.UUID, data: ActivityUpdate
) -> Activity:
    """Change a processing activity."""
    activity = get_activity(session, principal, activity_id)
    check(session, principal, actions.EDIT.name, activity)
    values = _values(data, unset=True)
    errors = _link_errors(session, principal, values)
    if errors:
        raise InvalidInput(errors)
    for key, value in values.items():
        setattr(activity, key, value)
    session.flush()
    return activity


def delete_activity(session: Session, principal: Principal | None, activity_id: uuid.UUID) -> None:
    """Delete an activity without DPIAs (deprecate it otherwise)."""
    from tandem.privacy.repository import dpias_of

    activity = get_activity(session, principal, activity_id)
    check(session, principal, actions.EDIT.name, activity)
    if dpias_of(session, activity.id):
        raise InvalidInput.one("activity", "it has DPIAs; set its status to deprecated instead")
    ActivityRepository(session).delete(activity)


def stores_of(session: Session, principal: Principal | None, activity: Activity) -> list[Any]:
    """Return the activity's data stores that principal may see."""
    out = []
    for ref in activity.data_store_ids:
        try:
            out.append(inventory.get_record(session, principal, inventory.kind_of("data_store"), uuid.UUID(ref)))
        except (NotFound, ValueError):
            continue
    return out


def _discovered(session: Session, principal: Principal, store_id: uuid.UUID) -> dict[str, list[str]]:
    """Return category -> entity types found by the store's latest succeeded scan."""
    scans = data.store_history(session, principal, store_id)
    scan = next((s for s in scans if s.status == "succeeded"), None)
    out: dict[str, list[str]] = {}
    for entity, count in (scan.type_counts or {}).items() if scan else ():
        for category in DISCOVERED.get(entity, ()):
            if int(count):
                out.setdefault(category, []).append(entity)
    return out


def findings(session: Session, principal: Principal, activity: Activity) -> list[dict[str, Any]]:
    """Return the categories a linked store holds (found by discovery or declared on the store) that the
    record does not declare."""
    declared = set(activity.data_categories)
    out = []
    for store in stores_of(session, principal, activity):
        found = _discovered(session, principal, store.id)
        for category in sorted((set(found) | set(store.data_categories or [])) - declared):
            origin = f"discovery scan found {', '.join(found[category])}" if category in found else "inventory"
            out.append(
                {"data_store_id": str(store.id), "data_store": store.name, "category": category, "origin": origin}
            )
    return out


def prescreen(session: Session, principal: Principal | None, activity: Activity) -> dict[str, Any]:
    """Return the DPIA pre-screen of an activity (criteria, Art. 35(3) cases, verdict)."""
    stores = stores_of(session, principal, activity)
    records = sum(s.record_count or 0 for s in stores)
    return screening.prescreen(
        activity.data_categories, activity.data_subjects, records, len(stores), activity.screening or {}
    )


def to_read(activity: Activity) -> ActivityRead:
    """Return the output schema."""
    return ActivityRead.model_validate(activity)
