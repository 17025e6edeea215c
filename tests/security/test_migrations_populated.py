"""Migrations on a populated database (make security): the demo organisation is loaded, every branch whose head is
not its root steps back one revision and forward again with the data of the other tables intact, then the whole
schema goes down to base and back up — on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tandem.demo.org import load
from tandem.inventory.models import Application
from tandem.platform.audit.models import AuditEntry
from tandem.platform.db import migrate
from tandem.platform.db.uow import unit_of_work
from tests.support.databases import PG_ENV, drop_database, new_database

BRANCHES_WITH_STEPS = (
    "platform",
    "compliance",
    "strategy",
    "training",
    "incidents",
    "privacy",
    "reporting",
    "vulnerabilities",
    "monitoring",
    "inventory",
)


def _counts(database: object) -> tuple[int, int]:
    with unit_of_work(database, readonly=True) as session:  # type: ignore[arg-type]
        apps = session.scalar(select(func.count()).select_from(Application)) or 0
        audit = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    return apps, audit


@pytest.mark.reliability_full
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_migrations_step_down_and_up_on_the_demo(backend: str, tmp_path: Path) -> None:
    if backend == "postgres" and not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    database, handle = new_database(backend, tmp_path)
    try:
        with unit_of_work(database) as session:
            load(session, tmp_path / "logins.txt")
        before = _counts(database)
        assert before[0] > 0 and before[1] > 0
        for branch in BRANCHES_WITH_STEPS:
            migrate.downgrade(database.engine, f"{branch}@-1")
            assert migrate.pending_heads(database.engine) != []
            migrate.upgrade(database.engine)
            assert migrate.pending_heads(database.engine) == []
        # The inventory and the audit log were untouched by the other branches' steps.
        assert _counts(database) == before
        migrate.downgrade(database.engine, "base")
        assert migrate.current(database.engine) == set()
        migrate.upgrade(database.engine)
        assert migrate.pending_heads(database.engine) == [] and _counts(database) == (0, 0)
    finally:
        drop_database(database, handle)
