"""Checks every compliance service shares: permission in a unit, visible lookups, located validation."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from tandem.compliance.records import OrgRepository
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import FieldError, InvalidInput, NotFound


class InUnit:
    """Stand-in object for a permission check in a unit before the record exists."""

    def __init__(self, org_unit_id: uuid.UUID) -> None:
        self.org_unit_id = org_unit_id


def require_in_unit(session: Session, principal: Principal | None, unit_id: uuid.UUID, action: str) -> None:
    """Raise unless principal may act in the unit (unknown units are a located input error)."""
    if principal is None:
        return
    try:
        require(session, principal, action, InUnit(unit_id))
    except NotFound:
        raise InvalidInput.one("body.org_unit_id", "no such org unit") from None


def get_visible(session: Session, principal: Principal | None, model: Any, obj_id: uuid.UUID, what: str) -> Any:
    """Return a record principal may see, NotFound otherwise."""
    obj = OrgRepository(session, model).get(principal, obj_id)
    if obj is None:
        raise NotFound(f"{what} not found")
    return obj


def check(session: Session, principal: Principal | None, action: str, obj: Any) -> None:
    """Raise unless principal may perform action on obj (None = trusted system caller)."""
    if principal is not None:
        require(session, principal, action, obj)


def validate(schema: type[BaseModel], data: dict[str, Any], where: str = "body") -> Any:
    """Validate data against schema, turning pydantic errors into located InvalidInput."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        errors = [FieldError(".".join([where, *(str(p) for p in e["loc"])]), e["msg"]) for e in exc.errors()]
        raise InvalidInput(errors) from None
