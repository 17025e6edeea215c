"""Repository base: the SQL for one model, always scoped by visible_to() for lists and lookups."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from tandem.platform.auth.permissions import note_hidden, visible_to, visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest, apply_page

M = TypeVar("M")


_by_id_queries: dict[tuple[Any, bool], Select[Any]] = {}


def _by_id(model: Any, scoped: bool) -> Select[Any]:
    """Return SELECT model [scoped] WHERE id = :id, built once per model."""
    if (stmt := _by_id_queries.get((model, scoped))) is None:
        stmt = select(model)
        if scoped:
            stmt = stmt.where(model.org_unit_id.in_(bindparam("units", expanding=True)))
        stmt = _by_id_queries[(model, scoped)] = stmt.where(model.id == bindparam("id", type_=model.id.type))
    return stmt


class Repository(Generic[M]):
    """Generic queries for a model; domains subclass it and add their own."""

    model: type[M]
    view_action: str
    org_scoped: bool = True

    def __init__(self, session: Session) -> None:
        self.session = session

    def base_query(self, principal: Principal | None) -> Select[Any]:
        """Return SELECT model, scoped to principal's visible units (None = unscoped system read)."""
        stmt = select(self.model)
        if principal is not None and self.org_scoped:
            stmt = visible_to(stmt, self.session, principal, self.model, self.view_action)
        return stmt

    def get(self, principal: Principal | None, obj_id: uuid.UUID) -> M | None:
        """Return the object if it exists and principal may see it."""
        if type(self).base_query is Repository.base_query:
            obj = self._get_by_id(principal, obj_id)
        else:
            stmt = self.base_query(principal).where(self.model.id == obj_id)  # type: ignore[attr-defined]
            obj = self.session.scalars(stmt).first()
        if obj is None and principal is not None and self.org_scoped:
            # Only on misses: tells a 404 by policy (recorded as a refusal) from an id that does not exist.
            note_hidden(self.session, self.model, obj_id, self.view_action)
        return obj

    def _get_by_id(self, principal: Principal | None, obj_id: uuid.UUID) -> M | None:
        """get() with the statement base_query() would build, built once per model: the same SQL, without ~0.4 ms
        of CPU per call spent building it and keying it for the statement cache."""
        units = None
        if principal is not None and self.org_scoped:
            units = visible_unit_ids(self.session, principal, self.view_action)
            if not units:
                return None  # visible_to() would add WHERE false
        stmt = _by_id(self.model, units is not None)
        return self.session.scalars(stmt, {"units": units, "id": obj_id}).first()

    def add(self, obj: M) -> M:
        """Stage a new object and flush so constraint errors surface here."""
        self.session.add(obj)
        self.session.flush()
        return obj

    def delete(self, obj: M) -> None:
        """Delete the object."""
        self.session.delete(obj)
        self.session.flush()

    def page(self, stmt: Select[Any], request: PageRequest, by_rowid: bool = False) -> Page[M]:
        """Run stmt with cursor paging, filtering and sorting from request (by_rowid: see apply_page)."""
        return apply_page(self.session, stmt, self.model, request, by_rowid)

    def count(self, stmt: Select[Any]) -> int:
        """Count the rows stmt would return."""
        return int(self.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)

    def all(self, stmt: Select[Any]) -> Sequence[M]:
        """Return every row of stmt."""
        return self.session.scalars(stmt).all()
