"""Checks every vendors service shares: permission in a unit, on a record, and a visible inventory vendor."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import InvalidInput, NotFound

VENDORS = inventory.kind_of("vendor")
PEOPLE = inventory.kind_of("person")
APPS = inventory.kind_of("application")
STORES = inventory.kind_of("data_store")


class InUnit:
    """Stand-in object for a permission check in a unit before the record exists."""

    def __init__(self, org_unit_id: uuid.UUID) -> None:
        self.org_unit_id = org_unit_id


def require_in_unit(
    session: Session, principal: Principal | None, unit_id: uuid.UUID, action: str, where: str = "body.org_unit_id"
) -> None:
    """Raise unless principal may act in the unit (unknown units are a located input error)."""
    if principal is None:
        return
    try:
        require(session, principal, action, InUnit(unit_id))
    except NotFound:
        raise InvalidInput.one(where, "no such org unit") from None


def check(session: Session, principal: Principal | None, action: str, obj: Any) -> None:
    """Raise unless principal may perform action on obj (None = trusted system caller)."""
    if principal is not None:
        require(session, principal, action, obj)


def get_vendor(session: Session, principal: Principal | None, vendor_id: uuid.UUID) -> Any:
    """Return the inventory vendor principal may see (NotFound otherwise)."""
    return inventory.get_record(session, principal, VENDORS, vendor_id)


def vendor_ref(
    session: Session, principal: Principal | None, vendor_id: uuid.UUID, where: str = "body.vendor_id"
) -> Any:
    """Return the visible vendor a body names, or raise a located input error."""
    try:
        return get_vendor(session, principal, vendor_id)
    except NotFound:
        raise InvalidInput.one(where, "no visible vendor with this id in the inventory") from None


def find_vendor(session: Session, principal: Principal | None, ref: str) -> Any:
    """Find a vendor by id or exact name (case-insensitive)."""
    try:
        return get_vendor(session, principal, uuid.UUID(ref))
    except ValueError:
        pass
    _, obj = inventory.resolve_ref(session, principal, f"vendor:{ref.strip()}")
    return obj
