"""Inventory lists on SQLite find a page's rows by rowid first: the pages, their order, their cursors and the unit
scope are exactly those of the plain paging query, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tandem.inventory import repository as repo
from tandem.inventory import service
from tandem.inventory.kinds import KINDS
from tandem.inventory.models import Asset
from tandem.platform.auth.permissions import unit_path
from tandem.platform.auth.principal import Grant, Principal
from tandem.platform.db.paging import PageRequest, apply_page
from tests.inventory.conftest import Org

ASSETS = KINDS["assets"]


def _viewer(session: Session, unit: uuid.UUID) -> Principal:
    return Principal(uuid.uuid4(), "viewer", (Grant("viewer", unit, unit_path(session, unit) or "/"),))


def _assets(session: Session, org: Org) -> set[uuid.UUID]:
    """Make assets in IT and Finance, several with the same created_at (ties go by id); return the IT ones."""
    tag, same = uuid.uuid4().hex[:6], dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    made = {}
    for n in range(14):
        unit = org.it if n % 3 else org.finance
        data = {"hostname": f"h{n:02d}-{tag}", "org_unit_id": unit, "criticality": ("low", "high")[n % 2]}
        made[service.create_record(session, None, ASSETS, ASSETS.create.model_validate(data))] = unit
    for obj in list(made)[:6]:
        obj.created_at = same
    session.flush()
    return {obj.id for obj, unit in made.items() if unit == org.it}


def _walk(session: Session, principal: Principal, params: dict[str, str], by_rowid: bool) -> list[list[Any]]:
    kinds = repo.KindRepository(session, ASSETS)
    pages, cursor = [], None
    while True:
        req = PageRequest.parse(ASSETS.spec, {**params, **({"cursor": cursor} if cursor else {})})
        if by_rowid:
            page = kinds.list_page(principal, req)
        else:
            stmt = kinds.base_query(principal)
            page = kinds.page(stmt, dataclasses.replace(req, filters={}))
        pages.append([obj.id for obj in page.items])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


@pytest.mark.parametrize("sort", ["-created_at", "created_at", "hostname", "-hostname"])
def test_pages_by_rowid_match_the_plain_query(session: Session, org: Org, sort: str) -> None:
    it_ids = _assets(session, org)
    for unit in (org.root, org.it):
        principal = _viewer(session, unit)
        params = {"limit": "4", "sort": sort}
        pages = _walk(session, principal, params, by_rowid=True)
        assert pages == _walk(session, principal, params, by_rowid=False)
        if unit == org.it:
            seen = {i for page in pages for i in page}
            assert it_ids <= seen and all(_unit_of(session, i) == org.it for i in seen)


def _unit_of(session: Session, asset_id: uuid.UUID) -> uuid.UUID:
    unit: uuid.UUID = service.get_record(session, None, ASSETS, asset_id).org_unit_id
    return unit


def test_sqlite_lists_read_the_page_by_rowid(session: Session, org: Org, backend: str) -> None:
    _assets(session, org)
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        req = PageRequest.parse(ASSETS.spec, {"limit": "3"})
        assert len(repo.KindRepository(session, ASSETS).list_page(_viewer(session, org.root), req).items) == 3
    finally:
        event.remove(engine, "before_cursor_execute", record)
    listed = [s for s in sent if "FROM inventory_assets" in s]
    assert len(listed) == 1
    assert ("inventory_assets.rowid IN (SELECT" in listed[0]) == (backend == "sqlite")


def test_an_unscoped_page_by_rowid_matches_the_plain_query(session: Session, org: Org) -> None:
    _assets(session, org)
    req = PageRequest.parse(ASSETS.spec, {"limit": "5"})
    plain = apply_page(session, select(Asset), Asset, req)
    narrowed = apply_page(session, select(Asset), Asset, req, by_rowid=True)
    assert [a.id for a in narrowed.items] == [a.id for a in plain.items] and len(plain.items) == 5
    assert narrowed.next_cursor == plain.next_cursor
