"""SQL of the watch: items by source and key, filtered lists, counts, and the per-source import record."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tandem.platform.db.paging import ListSpec, Page, PageRequest, apply_page
from tandem.reporting.watch.models import WatchItem, WatchSource

ITEM_SPEC = ListSpec(
    ("created_at", "published", "cvss", "title", "source", "status"),
    "-published",
    ("source", "status", "matched", "severity"),
    ("title", "summary", "external_id"),
)


def known_ids(session: Session, source: str, ids: Iterable[str]) -> set[str]:
    """Return which of the external ids of a source are stored already."""
    wanted = list(dict.fromkeys(ids))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):  # bound the IN list
        chunk = wanted[start : start + 500]
        stmt = select(WatchItem.external_id).where(WatchItem.source == source, WatchItem.external_id.in_(chunk))
        found.update(session.scalars(stmt))
    return found


def by_external_id(session: Session, external_id: str) -> list[WatchItem]:
    """Return the items (one per source at most) with this source key."""
    return list(session.scalars(select(WatchItem).where(WatchItem.external_id == external_id)))


def get_item(session: Session, item_id: uuid.UUID) -> WatchItem | None:
    """Return one item by id."""
    return session.get(WatchItem, item_id)


def list_page(session: Session, req: PageRequest) -> Page[WatchItem]:
    """Return one page of items (filters, search and keyset paging of the platform convention)."""
    filters: dict[str, Any] = dict(req.filters)
    stmt: Select[Any] = select(WatchItem)
    if "matched" in filters:
        stmt = stmt.where(WatchItem.matched.is_(filters.pop("matched") in ("true", "1", "yes")))
    req = PageRequest(req.limit, req.cursor, req.sort, req.descending, filters, req.q, req.spec)
    return apply_page(session, stmt, WatchItem, req)


def all_items(session: Session) -> list[WatchItem]:
    """Return every item (for re-matching)."""
    return list(session.scalars(select(WatchItem).order_by(WatchItem.created_at)))


def counts(session: Session) -> dict[str, Any]:
    """Return totals by status and by source, and how many are matched."""
    by_status = dict(session.execute(select(WatchItem.status, func.count()).group_by(WatchItem.status)).all())
    by_source = dict(session.execute(select(WatchItem.source, func.count()).group_by(WatchItem.source)).all())
    matched = session.scalar(select(func.count()).select_from(WatchItem).where(WatchItem.matched.is_(True))) or 0
    return {"total": sum(by_status.values()), "matched": int(matched), "by_status": by_status, "by_source": by_source}


def source_row(session: Session, source: str) -> WatchSource | None:
    """Return what was last imported from a source."""
    return session.scalars(select(WatchSource).where(WatchSource.source == source)).first()


def sources(session: Session) -> list[WatchSource]:
    """Return every source's import record."""
    return list(session.scalars(select(WatchSource).order_by(WatchSource.source)))
