"""All SQL of the inventory: scoped lookups, lists, natural keys, bulk writes, graph edges, freshness."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Uuid,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from tandem.inventory.kinds import ENTITIES, Kind
from tandem.inventory.models import Relation
from tandem.platform.auth.permissions import visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.db.repository import Repository
from tandem.platform.errors import InvalidInput

VIEW = "inventory.view"
CHUNK = 500  # bound parameters per IN (...) list; SQLite allows 32766, PostgreSQL 65535


class KindRepository(Repository[Any]):
    """Queries for one inventory kind."""

    view_action = VIEW

    def __init__(self, session: Session, kind: Kind) -> None:
        super().__init__(session)
        self.kind = kind
        self.model = kind.model

    def list_page(self, principal: Principal, req: PageRequest) -> Page[Any]:
        """Return one page of visible records, filters coerced to their column types."""
        stmt = self.base_query(principal)
        for name, raw in req.filters.items():
            stmt = stmt.where(getattr(self.model, name) == _coerce(self.model, name, raw))
        if req.q and self.session.get_bind().dialect.name == "sqlite":
            stmt, req = self._sqlite_search(stmt, req), dataclasses.replace(req, q="")
        # By rowid: the page's rows are found on narrow (rowid, sort key) tuples and only they are read whole.
        return self.page(stmt, dataclasses.replace(req, filters={}), by_rowid=True)

    def _sqlite_search(self, stmt: Select[Any], req: PageRequest) -> Select[Any]:
        """Match q as the paging helper does, but as a rowid subquery that SQLite answers from a covering index.

        SQLite's LIKE ignores ASCII case and its lower() folds only ASCII, so `col LIKE p` matches exactly what
        `lower(col) LIKE lower(p)` does, at half the cost; the subquery names only the searched columns, so it
        scans ix_inventory_assets_search (or the narrowest index) instead of the table.
        """
        pattern = "%" + req.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        table = self.model.__table__
        found = table.alias("search_hits")
        matches = or_(*(found.c[f].like(pattern, escape="\\") for f in req.spec.search_fields))
        hits: Select[Any] = select(literal_column("search_hits.rowid")).select_from(found).where(matches)
        return stmt.where(literal_column(f"{table.name}.rowid").in_(hits))

    def row_count(self) -> int:
        """Count every row of the kind's table (all units)."""
        return int(self.session.scalar(select(func.count()).select_from(self.model)) or 0)

    def analyze(self) -> None:
        """Refresh the planner statistics of the kind's table (after bulk writes, so lists keep using indexes)."""
        # Full, not sampled (PRAGMA analysis_limit): sampled SQLite stats rate every index alike and the planner
        # then scans the unit's whole sort index for a filter pair that its own index answers at once.
        self.session.execute(text(f"ANALYZE {self.model.__tablename__}"))

    def find_by_key(self, org_unit_id: uuid.UUID, values: dict[str, Any]) -> Any | None:
        """Return the record with this natural key in the unit, visible or not (duplicates are conflicts)."""
        stmt = select(self.model).where(self.model.org_unit_id == org_unit_id)
        for name, value in values.items():
            col = getattr(self.model, name)
            stmt = stmt.where(col.is_(None) if value is None else col == value)
        return self.session.scalars(stmt.limit(1)).first()

    def find_visible_by_label(self, principal: Principal | None, label: str) -> list[Any]:
        """Return visible records whose label equals label (case-insensitive)."""
        col = getattr(self.model, self.kind.label)
        stmt = self.base_query(principal).where(func.lower(col) == label.strip().lower()).limit(5)
        return list(self.session.scalars(stmt))

    def visible_ids(self, principal: Principal | None, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Return which of ids exist and are visible to principal."""
        found: set[uuid.UUID] = set()
        id_list = list(ids)
        for start in range(0, len(id_list), CHUNK):
            chunk = id_list[start : start + CHUNK]
            stmt = self.base_query(principal).with_only_columns(self.model.id).where(self.model.id.in_(chunk))
            found.update(self.session.scalars(stmt))
        return found

    def labels(self, principal: Principal | None, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
        """Return {id: label} for the visible ones of ids."""
        out: dict[uuid.UUID, str] = {}
        id_list = list(ids)
        units = self.scope(principal)
        if not id_list or units == []:
            return out  # nothing asked, or nothing visible (base_query would add WHERE false)
        stmt = _labels_query(self.model, self.kind.label, units is not None)
        for start in range(0, len(id_list), CHUNK):
            params: dict[str, Any] = {"ids": id_list[start : start + CHUNK], "units": units}
            out.update({row[0]: str(row[1]) for row in self.session.execute(stmt, params)})
        return out

    def scope(self, principal: Principal | None) -> list[uuid.UUID] | None:
        """Return the units base_query(principal) restricts to, or None when it does not restrict."""
        if principal is None or not self.org_scoped:
            return None
        return visible_unit_ids(self.session, principal, self.view_action)

    def key_index(self, keys: Sequence[tuple[Any, ...]]) -> dict[tuple[Any, ...], dict[str, Any]]:
        """Return {(org_unit_id, *natural key): current column values} of the existing rows matching keys.

        keys are (org_unit_id, *natural key) with strings lower-cased, as imports build them. The keys go to a
        temporary staging table joined against the kind's table, so a chunk of 100k rows reads its matches, not
        every row of the unit. Keys with non-ASCII text fall back to reading the units: SQLite's lower() folds
        only ASCII, and a case-insensitive match must not miss 'MÜLLER' for 'müller'.
        """
        if not keys:
            return {}
        if any(isinstance(v, str) and not v.isascii() for key in keys for v in key):
            return self._unit_index({key[0] for key in keys})
        return self._staged_index(keys)

    def _key_row(self, row: Any) -> tuple[Any, ...]:
        return (row["org_unit_id"], *(_norm(row[k]) for k in self.kind.key))

    def _unit_index(self, org_unit_ids: set[uuid.UUID]) -> dict[tuple[Any, ...], dict[str, Any]]:
        table = self.model.__table__
        out: dict[tuple[Any, ...], dict[str, Any]] = {}
        for unit_id in org_unit_ids:
            for row in self.session.execute(select(*table.columns).where(table.c.org_unit_id == unit_id)).mappings():
                out[self._key_row(row)] = dict(row)
        return out

    def _staged_index(self, keys: Sequence[tuple[Any, ...]]) -> dict[tuple[Any, ...], dict[str, Any]]:
        table = self.model.__table__
        names = ["org_unit_id", *self.kind.key]
        stage_cols, joins, slots = [], [], []
        for i, name in enumerate(names):
            col = table.c[name]
            blank = _blank(col)
            if blank is _NO_MATCH:
                continue  # compared in Python only: the join returns a superset, the dict lookup is exact
            stage_cols.append(Column(f"k{i}", col.type))
            base = func.lower(col) if isinstance(blank, str) else col
            joins.append((func.coalesce(base, blank) if col.nullable else base, f"k{i}"))
            slots.append((i, blank))
        stage = Table(f"inventory_import_keys_{uuid.uuid4().hex[:12]}", MetaData(), *stage_cols, prefixes=["TEMPORARY"])
        conn = self.session.connection()
        stage.create(conn)
        try:
            params = [{f"k{i}": blank if key[i] is None else key[i] for i, blank in slots} for key in set(keys)]
            for start in range(0, len(params), 5000):
                conn.execute(insert(stage), params[start : start + 5000])
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"ANALYZE {stage.name}"))  # a hash join, not a guess of 1000 rows
            on = and_(*(expr == stage.c[slot] for expr, slot in joins))
            rows = conn.execute(select(*table.columns).distinct().join_from(table, stage, on)).mappings()
            wanted = set(keys)
            out = {k: dict(row) for row in rows if (k := self._key_row(row)) in wanted}
        finally:
            stage.drop(conn)
        return out

    def bulk_insert(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert many rows in one executemany (no ORM objects, no per-row audit)."""
        for start in range(0, len(rows), 5000):
            self.session.execute(insert(self.model.__table__), list(rows[start : start + 5000]))

    def bulk_update(self, rows: Sequence[dict[str, Any]]) -> None:
        """Update many rows by id in executemany batches."""
        table = self.model.__table__
        by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:
            by_shape.setdefault(tuple(sorted(row)), []).append(row)
        for shape, group in by_shape.items():
            values = {k: _bind(k) for k in shape if k != "id"}
            stmt = update(table).where(table.c.id == _bind("id")).values(**values)
            params = [{f"b_{k}": v for k, v in row.items()} for row in group]
            self.session.connection().execute(stmt, params)

    def stale(self, principal: Principal, before: dt.datetime, limit: int) -> list[Any]:
        """Return visible records not verified since before, oldest first."""
        col = self.model.last_verified_at
        stmt = self.base_query(principal).where(or_(col.is_(None), col < before))
        return list(self.session.scalars(stmt.order_by(col.asc().nulls_first(), self.model.id).limit(limit)))

    def touch_verified(self, ids: Sequence[uuid.UUID], when: dt.datetime) -> None:
        """Set last_verified_at on many rows at once (bulk attestation)."""
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            self.session.execute(update(self.model).where(self.model.id.in_(chunk)).values(last_verified_at=when))


def _bind(name: str) -> Any:
    return bindparam(f"b_{name}")


_NO_MATCH = object()


def _blank(col: Any) -> Any:
    """Return the stand-in for NULL when joining on col ('' or the nil UUID), or _NO_MATCH to skip col."""
    if isinstance(col.type, String):
        return ""
    if isinstance(col.type, Uuid):
        return uuid.UUID(int=0)
    return _NO_MATCH


def _norm(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _coerce(model: Any, name: str, raw: str) -> Any:
    column_type = getattr(model, name).type
    try:
        if isinstance(column_type, Boolean):
            if raw.lower() not in ("true", "false", "1", "0"):
                raise ValueError
            return raw.lower() in ("true", "1")
        if isinstance(column_type, Uuid):
            return uuid.UUID(raw)
        if isinstance(column_type, Integer):
            return int(raw)
    except ValueError:
        raise InvalidInput.one(f"query.{name}", f"{raw!r} is not a valid value") from None
    return raw


# --- relations and the graph --------------------------------------------------------------------


def relations_query(session: Session, principal: Principal | None) -> Select[Any]:
    """Return SELECT Relation scoped to what principal may see."""
    return KindRepository(session, _relation_kind()).base_query(principal)


def _relation_kind() -> Kind:
    from tandem.inventory.kinds import RELATIONS

    return RELATIONS


def relations_of(session: Session, principal: Principal | None, entity_id: uuid.UUID) -> list[Relation]:
    """Return the visible relations that start or end at entity_id."""
    units = KindRepository(session, _relation_kind()).scope(principal)
    if units == []:
        return []
    stmt = _relations_query(units is not None)
    return list(session.scalars(stmt, {"entity": entity_id, "units": units}))


def edges_from(
    session: Session, unit_ids: list[uuid.UUID] | None, column: str, ids: Sequence[uuid.UUID], types: Sequence[str]
) -> list[tuple[str, uuid.UUID, str, uuid.UUID, str]]:
    """Return (type, source_id, source_kind, target_id, target_kind) of edges whose `column` is in ids."""
    out: list[tuple[str, uuid.UUID, str, uuid.UUID, str]] = []
    if not types or unit_ids == []:
        return out  # IN () matches nothing
    stmt = _edges_query(column, unit_ids is not None)
    for start in range(0, len(ids), CHUNK):
        params = {"ids": list(ids[start : start + CHUNK]), "types": list(types), "units": unit_ids}
        out.extend((r[0], r[1], r[2], r[3], r[4]) for r in session.execute(stmt, params))
    return out


# The queries of the detail page and the impact graph, built once with their lists as expanding parameters: the
# SQL sent is the same as from building them per call (`col.in_(values)`), which cost ~0.4 ms of CPU each time to
# build and key for the statement cache, more than SQLite takes to answer them. Scoped ones filter by unit as
# KindRepository.base_query does (permissions.visible_to), on the units that KindRepository.scope() returns.
def _in(name: str) -> Any:
    return bindparam(name, expanding=True)


_label_queries: dict[tuple[str, str, bool], Select[Any]] = {}


def _labels_query(model: Any, label: str, scoped: bool) -> Select[Any]:
    key = (model.__tablename__, label, scoped)
    if (stmt := _label_queries.get(key)) is None:
        stmt = select(model.id, getattr(model, label))
        if scoped:
            stmt = stmt.where(model.org_unit_id.in_(_in("units")))
        stmt = _label_queries[key] = stmt.where(model.id.in_(_in("ids")))
    return stmt


@functools.cache
def _relations_query(scoped: bool) -> Select[Any]:
    stmt = select(Relation)
    if scoped:
        stmt = stmt.where(Relation.org_unit_id.in_(_in("units")))
    entity = bindparam("entity", type_=Relation.source_id.type)
    stmt = stmt.where(or_(Relation.source_id == entity, Relation.target_id == entity))
    return stmt.order_by(Relation.type, Relation.created_at)


@functools.cache
def _edges_query(column: str, scoped: bool) -> Select[Any]:
    stmt = select(Relation.type, Relation.source_id, Relation.source_kind, Relation.target_id, Relation.target_kind)
    stmt = stmt.where(getattr(Relation, column).in_(_in("ids")), Relation.type.in_(_in("types")))
    if scoped:
        stmt = stmt.where(Relation.org_unit_id.in_(_in("units")))
    return stmt  # type: ignore[return-value]  # typed rows; callers read them by position


def delete_relations_touching(session: Session, entity_id: uuid.UUID) -> None:
    """Delete every relation from or to entity_id (ORM deletes, so each is audited)."""
    stmt = select(Relation).where(or_(Relation.source_id == entity_id, Relation.target_id == entity_id))
    for rel in session.scalars(stmt):
        session.delete(rel)
    session.flush()


def unit_ids_for(session: Session, principal: Principal | None) -> list[uuid.UUID] | None:
    """Return the units principal may view inventory in (None = unscoped system access)."""
    return None if principal is None else visible_unit_ids(session, principal, VIEW)


def entity_repo(session: Session, entity: str) -> KindRepository:
    """Return the repository of an entity kind by its relation name."""
    return KindRepository(session, ENTITIES[entity])


def count_by_unit(session: Session, kind: Kind, unit_ids: list[uuid.UUID]) -> int:
    """Count records of kind in the units."""
    stmt = select(func.count()).select_from(kind.model).where(kind.model.org_unit_id.in_(unit_ids))
    return int(session.scalar(stmt) or 0)


def delete_ids(session: Session, kind: Kind, ids: Sequence[uuid.UUID]) -> None:
    """Delete rows by id without loading them (bulk cleanup in benchmarks)."""
    for start in range(0, len(ids), CHUNK):
        session.execute(delete(kind.model).where(kind.model.id.in_(ids[start : start + CHUNK])))


def referencing(session: Session, kind: Kind, column: str, record_id: uuid.UUID) -> list[Any]:
    """Return the records of kind whose `column` points at record_id."""
    return list(session.scalars(select(kind.model).where(getattr(kind.model, column) == record_id)))


def unit_names(session: Session) -> list[tuple[uuid.UUID, str]]:
    """Return (id, name) of every org unit."""
    from tandem.platform.auth.models import OrgUnit

    return [(r[0], r[1]) for r in session.execute(select(OrgUnit.id, OrgUnit.name))]


def label_index(session: Session, principal: Principal | None, kind: Kind, attr: str) -> list[tuple[Any, ...]]:
    """Return (id, org_unit_id, attr value) of every visible record of kind (reference lookups in imports)."""
    model = kind.model
    stmt = (
        KindRepository(session, kind)
        .base_query(principal)
        .with_only_columns(model.id, model.org_unit_id, getattr(model, attr))
    )
    return [tuple(r) for r in session.execute(stmt)]
