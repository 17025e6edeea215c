"""Shared fixtures: databases built by the migrations (SQLite always, PostgreSQL when configured),
one rolled-back transaction per test, and a live server on loopback for HTTP tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tandem.app import register
from tandem.domains import load_manifests
from tandem.platform.config import get_settings
from tandem.platform.db.uow import Actor, Database
from tests.support.databases import PG_ENV, drop_database, new_database

register(load_manifests())
BACKENDS = ["sqlite", "postgres"]


def pytest_configure(config: pytest.Config) -> None:
    # Keys, checkpoint exports and SQLite files of the test run live in a private folder.
    os.environ.setdefault("TANDEM_DATA_DIR", str(Path(config.rootpath) / "var" / f"test-{os.getpid()}"))
    get_settings.cache_clear()


def pytest_runtest_setup(item: pytest.Item) -> None:
    # ASVS ids travel with the report (and into junit) so security/asvs_report.py can count coverage.
    for marker in item.iter_markers("asvs"):
        item.user_properties.extend(("asvs", requirement) for requirement in marker.args)


@pytest.fixture(scope="session", params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A migrated database per backend for the whole run; PostgreSQL is skipped only if not configured."""
    if request.param == "postgres" and not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (CI sets it; .ci/run starts the server)")
    database, handle = new_database(request.param, tmp_path_factory.mktemp("db"))
    yield database
    drop_database(database, handle)


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test (savepoints for commits)."""
    conn = db.engine.connect()
    trans = conn.begin()
    s = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    s.info.update(actor=Actor("user", str(uuid.uuid4()), "test"), request_id=uuid.uuid4().hex)
    try:
        yield s
    finally:
        s.close()
        if trans.is_active:
            trans.rollback()
        conn.close()


@pytest.fixture
def backend(db: Database) -> str:
    """The name of the backend under test."""
    return "sqlite" if db.is_sqlite else "postgres"


@pytest.fixture(scope="session", params=BACKENDS)
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A live server per backend with the Acme organisation (see tests/support/live.py)."""
    from tests.support.live import start

    if request.param == "postgres" and not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (CI sets it; .ci/run starts the server)")
    database, handle = new_database(request.param, tmp_path_factory.mktemp("live"))
    live_server, server, thread = start(database)
    yield live_server
    server.should_exit = True
    thread.join(timeout=10)
    drop_database(database, handle)


@pytest.fixture(autouse=True)
def _fresh_public_rate_limit() -> None:
    """Tests share one loopback address; each starts with an empty public-page rate window."""
    from tandem.platform.api.ratelimit import PUBLIC

    PUBLIC.reset()


@pytest.fixture
def smtp_sink(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A real SMTP server on loopback; TANDEM_SMTP_* point at it for the test's duration."""
    from tests.support.smtp import start_sink

    sink, controller = start_sink()
    monkeypatch.setenv("TANDEM_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TANDEM_SMTP_PORT", str(sink.port))
    monkeypatch.setenv("TANDEM_SMTP_FROM", "tandem@northwind.test")
    get_settings.cache_clear()
    try:
        yield sink
    finally:
        controller.stop()
        monkeypatch.undo()
        get_settings.cache_clear()
