"""require() and visible_to(): the two checks every service runs."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from tandem.platform.auth.models import OrgUnit
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import NotAuthenticated, NotFound, PermissionDenied

T = TypeVar("T")


def unit_path(session: Session, org_unit_id: uuid.UUID | None) -> str | None:
    """Return the materialised path of a unit (None when the object has no unit)."""
    if org_unit_id is None:
        return None
    path = session.scalar(select(OrgUnit.path).where(OrgUnit.id == org_unit_id))
    if path is None:
        raise NotFound("org unit not found")
    return path


def require(session: Session, principal: Principal, action: str, obj: Any = None) -> None:
    """Raise unless principal may perform action on obj (404 if it may not even see obj)."""
    if principal.user_id is None:
        raise NotAuthenticated("sign in first")
    org_unit_id = getattr(obj, "org_unit_id", None) if obj is not None else None
    path = unit_path(session, org_unit_id)
    if principal.can(action, path):
        return
    view_action = action.rsplit(".", 1)[0] + ".view"
    if obj is not None and path is not None and not _can_view(principal, view_action, path):
        raise NotFound(f"{type(obj).__name__} not found")
    raise PermissionDenied(f"you are not allowed to {action.replace('.', ': ')}")


def _can_view(principal: Principal, view_action: str, path: str) -> bool:
    try:
        return principal.can(view_action, path)
    except KeyError:
        return False


def visible_unit_ids(session: Session, principal: Principal, action: str) -> list[uuid.UUID]:
    """Return the ids of every unit where principal may perform action (subtrees included)."""
    paths = principal.granted_paths(action)
    if not paths:
        return []
    rows = session.execute(select(OrgUnit.id, OrgUnit.path)).all()
    return [uid for uid, p in rows if any(p.startswith(prefix) for prefix in paths)]


def visible_to(stmt: Select[Any], session: Session, principal: Principal, model: Any, action: str) -> Select[Any]:
    """Restrict a query on an org-scoped model to the rows principal may act on (default deny)."""
    ids = visible_unit_ids(session, principal, action)
    if not ids:
        return stmt.where(false())
    return stmt.where(model.org_unit_id.in_(ids))
