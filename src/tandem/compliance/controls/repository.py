"""SQL of control links: the requirements a control meets and the inventory objects in its scope."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tandem.compliance.models import Control, ControlRequirement, ControlScope

CHUNK = 500


def set_requirements(session: Session, control_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> None:
    """Replace the control's requirement links (ORM rows, so each change is audited)."""
    current = {link.requirement_id: link for link in session.scalars(
        select(ControlRequirement).where(ControlRequirement.control_id == control_id))}  # fmt: skip
    wanted = list(dict.fromkeys(ids))
    for rid, link in current.items():
        if rid not in wanted:
            session.delete(link)
    for rid in wanted:
        if rid not in current:
            session.add(ControlRequirement(control_id=control_id, requirement_id=rid))
    session.flush()


def set_scope(session: Session, control_id: uuid.UUID, scope: Sequence[tuple[str, uuid.UUID]]) -> None:
    """Replace the control's inventory scope."""
    current = {
        s.object_id: s for s in session.scalars(select(ControlScope).where(ControlScope.control_id == control_id))
    }
    wanted = dict((obj_id, kind) for kind, obj_id in scope)
    for obj_id, row in current.items():
        if obj_id not in wanted:
            session.delete(row)
    for obj_id, kind in wanted.items():
        if obj_id not in current:
            session.add(ControlScope(control_id=control_id, object_kind=kind, object_id=obj_id))
    session.flush()


def requirement_ids(session: Session, control_id: uuid.UUID) -> list[uuid.UUID]:
    """Return the requirement ids a control is linked to."""
    stmt = select(ControlRequirement.requirement_id).where(ControlRequirement.control_id == control_id)
    return list(session.scalars(stmt.order_by(ControlRequirement.created_at, ControlRequirement.id)))


def scope_of(session: Session, control_id: uuid.UUID) -> list[tuple[str, uuid.UUID]]:
    """Return (kind, id) of the inventory objects in a control's scope."""
    stmt = select(ControlScope.object_kind, ControlScope.object_id).where(ControlScope.control_id == control_id)
    return [(r[0], r[1]) for r in session.execute(stmt.order_by(ControlScope.created_at, ControlScope.id))]


def controls_by_ids(
    session: Session, ids: Sequence[uuid.UUID], unit_ids: list[uuid.UUID] | None
) -> dict[uuid.UUID, Control]:
    """Return visible controls by id (unit_ids None = unscoped)."""
    out: dict[uuid.UUID, Control] = {}
    for start in range(0, len(ids), CHUNK):
        stmt = select(Control).where(Control.id.in_(ids[start : start + CHUNK]))
        if unit_ids is not None:
            stmt = stmt.where(Control.org_unit_id.in_(unit_ids))
        out.update({c.id: c for c in session.scalars(stmt)})
    return out


def delete_links_of(session: Session, control_id: uuid.UUID) -> None:
    """Remove every link of a control without loading it (bulk cleanup)."""
    session.execute(delete(ControlRequirement).where(ControlRequirement.control_id == control_id))
    session.execute(delete(ControlScope).where(ControlScope.control_id == control_id))
