"""require() and visible_to(): the two checks every service runs."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import Select, event, false, select
from sqlalchemy.orm import Session

from tandem.platform.audit import denials
from tandem.platform.auth.models import OrgUnit
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import NotAuthenticated, NotFound, PermissionDenied

T = TypeVar("T")


# The org-unit tree is read on nearly every permission check; a session keeps one copy until a unit changes.
_UNITS = "tandem.org_units"
UNITS_KEY = _UNITS  # platform/api/deps seeds it with the tree read under the same auth generation


def unit_paths(session: Session) -> dict[uuid.UUID, str]:
    """Return every unit's path by id, read once per session."""
    return _unit_paths(session)


def _unit_paths(session: Session) -> dict[uuid.UUID, str]:
    """Return every unit's path by id, read once per session (re-read after a unit is added, moved or deleted)."""
    if any(isinstance(obj, OrgUnit) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.flush()  # a pending unit must count, as it would through the query's autoflush
    paths: dict[uuid.UUID, str] | None = session.info.get(_UNITS)
    if paths is None:
        paths = {uid: path for uid, path in session.execute(select(OrgUnit.id, OrgUnit.path))}
        session.info[_UNITS] = paths
    return paths


@event.listens_for(Session, "after_flush")
def _forget_units_on_change(session: Session, _context: Any) -> None:
    if any(isinstance(obj, OrgUnit) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info.pop(_UNITS, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_units_on_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(_UNITS, None)


def unit_path(session: Session, org_unit_id: uuid.UUID | None) -> str | None:
    """Return the materialised path of a unit (None when the object has no unit)."""
    if org_unit_id is None:
        return None
    path = _unit_paths(session).get(org_unit_id)
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
    hidden = obj is not None and path is not None and not _can_view(principal, view_action, path)
    _note_refusal(session, action, obj, hidden)
    if hidden:
        raise NotFound(f"{type(obj).__name__} not found")
    raise PermissionDenied(f"you are not allowed to {action.replace('.', ': ')}")


def _note_refusal(session: Session, action: str, obj: Any, hidden: bool) -> None:
    """Tell the audit log which object and action policy refused (written once the request has failed)."""
    table = getattr(obj, "__tablename__", None)
    obj_id = getattr(obj, "id", None) if obj is not None else None
    why = "outside the caller's scope (answered as not found)" if hidden else "no role grants this action here"
    detail: dict[str, str | None] = {"action": action, "reason": why}
    if table is not None:
        detail |= {"entity_type": table, "entity_id": str(obj_id) if obj_id is not None else None}
    denials.note(session.info.get("request_id"), detail)


def note_hidden(session: Session, model: Any, obj_id: Any, action: str) -> None:
    """After a scoped lookup missed: if the object exists, note that policy hid it (its 404 is a refusal)."""
    if session.scalar(select(model.id).where(model.id == obj_id)) is not None:
        denials.hidden_object(session.info.get("request_id"), model.__tablename__, obj_id, action)


def _can_view(principal: Principal, view_action: str, path: str) -> bool:
    try:
        return principal.can(view_action, path)
    except KeyError:
        return False


def visible_unit_ids(session: Session, principal: Principal, action: str) -> list[uuid.UUID]:
    """Return the ids of every unit where principal may perform action (subtrees included)."""
    paths = tuple(principal.granted_paths(action))
    if not paths:
        return []
    return [uid for uid, p in _unit_paths(session).items() if p.startswith(paths)]


def visible_to(stmt: Select[Any], session: Session, principal: Principal, model: Any, action: str) -> Select[Any]:
    """Restrict a query on an org-scoped model to the rows principal may act on (default deny)."""
    ids = visible_unit_ids(session, principal, action)
    if not ids:
        return stmt.where(false())
    return stmt.where(model.org_unit_id.in_(ids))
