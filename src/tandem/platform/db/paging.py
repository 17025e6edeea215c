"""Cursor paging, filtering and sorting: the one convention every list follows."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, literal_column, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from tandem.platform.errors import InvalidInput

M = TypeVar("M")
MAX_LIMIT = 500


@dataclass(frozen=True)
class ListSpec:
    """What a list allows: sortable fields, exact-match filters, fields searched by q."""

    sort_fields: tuple[str, ...] = ("created_at",)
    default_sort: str = "created_at"
    filter_fields: tuple[str, ...] = ()
    search_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageRequest:
    """A validated list request."""

    limit: int = 50
    cursor: str | None = None
    sort: str = "created_at"
    descending: bool = False
    filters: dict[str, str] = field(default_factory=dict)
    q: str = ""
    spec: ListSpec = field(default_factory=ListSpec)

    @classmethod
    def parse(cls, spec: ListSpec, params: dict[str, str]) -> PageRequest:
        """Validate raw query parameters against spec; unknown parameters are errors."""
        params = dict(params)
        limit_raw = params.pop("limit", "50")
        if not limit_raw.isdigit() or not 1 <= int(limit_raw) <= MAX_LIMIT:
            raise InvalidInput.one("query.limit", f"must be a whole number from 1 to {MAX_LIMIT}")
        sort_raw = params.pop("sort", spec.default_sort)
        descending = sort_raw.startswith("-")
        sort = sort_raw.lstrip("-")
        if sort not in spec.sort_fields:
            raise InvalidInput.one("query.sort", f"must be one of {', '.join(spec.sort_fields)}")
        cursor = params.pop("cursor", None) or None
        q = params.pop("q", "")
        unknown = sorted(set(params) - set(spec.filter_fields))
        if unknown:
            allowed = ", ".join(("limit", "cursor", "sort", "q", *spec.filter_fields))
            raise InvalidInput.one(f"query.{unknown[0]}", f"unknown parameter (allowed: {allowed})")
        return cls(int(limit_raw), cursor, sort, descending, params, q, spec)


@dataclass
class Page(Generic[M]):
    """One page of items and the cursor of the next page (None at the end)."""

    items: Sequence[M]
    next_cursor: str | None


def _encode(values: list[Any]) -> str:
    raw = json.dumps(values, default=str, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        raise InvalidInput.one("query.cursor", "is not a cursor this list returned") from None
    if not isinstance(values, list) or len(values) != 2:
        raise InvalidInput.one("query.cursor", "is not a cursor this list returned")
    return values


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def apply_page(session: Session, stmt: Select[Any], model: Any, req: PageRequest, by_rowid: bool = False) -> Page[Any]:
    """Filter, search, sort by (field, id) and cut one page using a keyset cursor.

    by_rowid (SQLite, stmt selecting only model's table): find the page's rows by rowid first, then read them.
    """
    for name, value in req.filters.items():
        stmt = stmt.where(getattr(model, name) == value)
    if req.q:
        pattern = f"%{_escape_like(req.q)}%"
        stmt = stmt.where(or_(*(getattr(model, f).ilike(pattern, escape="\\") for f in req.spec.search_fields)))
    col = getattr(model, req.sort)
    key_name = sa_inspect(model).primary_key[0].key
    key = getattr(model, key_name)
    if req.cursor:
        last_value, last_id = _decode(req.cursor)
        last_value, last_id = _coerce(col, last_value), _coerce(key, last_id)
        if req.descending:
            stmt = stmt.where(or_(col < last_value, and_(col == last_value, key < last_id)))
        else:
            stmt = stmt.where(or_(col > last_value, and_(col == last_value, key > last_id)))
    order = (col.desc(), key.desc()) if req.descending else (col.asc(), key.asc())
    stmt = stmt.order_by(*order).limit(req.limit + 1)
    if by_rowid and session.get_bind().dialect.name == "sqlite":
        stmt = _by_rowid(stmt, model, order)
    rows = list(session.scalars(stmt))
    next_cursor = None
    if len(rows) > req.limit:
        rows = rows[: req.limit]
        last = rows[-1]
        next_cursor = _encode([_jsonable(getattr(last, req.sort)), _jsonable(getattr(last, key_name))])
    return Page(rows, next_cursor)


def _by_rowid(stmt: Select[Any], model: Any, order: tuple[Any, ...]) -> Select[Any]:
    """Return the same page read as: the rowids of the page (same filters, order and limit), then those rows.

    When no index gives the sort order (SQLite without planner statistics, or a kind without one), SQLite sorts
    every visible row whole (JSON lists, descriptions) to keep one page, a cost that grows with the table. Sorting
    (rowid, sort key) tuples, which an index on (unit, sort key) answers alone, then reading only the page's rows
    gives the same rows in the same order for less.
    """
    rowid: Any = literal_column(f"{model.__table__.name}.rowid")
    page_rowids = stmt.with_only_columns(rowid, maintain_column_froms=True)  # FROM even when nothing filters
    return (
        select(model).where(rowid.in_(page_rowids)).order_by(*order).execution_options(**stmt.get_execution_options())
    )


def _coerce(col: Any, value: Any) -> Any:
    """Turn a cursor's JSON value back into the column's Python type."""
    if value is None:
        return None
    try:
        kind = col.type.python_type
    except NotImplementedError:
        return value
    try:
        if kind is dt.datetime:
            return dt.datetime.fromisoformat(value)
        if kind is dt.date:
            return dt.date.fromisoformat(value)
        if kind is uuid.UUID:
            return uuid.UUID(value)
        if kind in (int, float):
            return kind(value)
    except (TypeError, ValueError):
        raise InvalidInput.one("query.cursor", "is not a cursor this list returned") from None
    return value


def _jsonable(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
