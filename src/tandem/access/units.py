"""Permission checks shared by the access services: in a unit before a record exists, on a record."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth import service as auth
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import Conflict, InvalidInput, NotFound


class InUnit:
    """Stand-in object for a permission check in a unit before the record exists."""

    def __init__(self, org_unit_id: uuid.UUID) -> None:
        self.org_unit_id = org_unit_id


def home_unit(session: Session) -> uuid.UUID:
    """Return the root unit (where imports land unless told otherwise)."""
    root = auth.root_unit(session)
    if root is None:
        raise Conflict("create the organisation first (`tandem init`)")
    return root.id


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


def check(session: Session, principal: Principal | None, action: str, obj: Any = None) -> None:
    """Raise unless principal may perform action on obj (None = trusted system caller)."""
    if principal is not None:
        require(session, principal, action, obj)
