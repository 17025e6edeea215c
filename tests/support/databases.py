"""Create and drop throwaway databases built by the migrations."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tandem.platform.db import migrate
from tandem.platform.db.engine import make_engine
from tandem.platform.db.uow import Database

PG_ENV = "TANDEM_TEST_POSTGRES_URL"


def _admin_url() -> str:
    url = make_url(os.environ[PG_ENV]).set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def new_database(backend: str, folder: Path, migrated: bool = True) -> tuple[Database, str]:
    """Return a new empty database (migrated to heads unless told otherwise) and a handle to drop it."""
    if backend == "sqlite":
        path = folder / f"tandem-{secrets.token_hex(4)}.db"
        database = Database(make_engine(f"sqlite:///{path}"))
        handle = str(path)
    else:
        name = f"tandem_test_{os.getpid()}_{secrets.token_hex(4)}"
        admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(_admin_url()).set(database=name).render_as_string(hide_password=False)
        database = Database(make_engine(url))
        handle = name
    if migrated:
        migrate.upgrade(database.engine)
    return database, handle


def drop_database(database: Database, handle: str) -> None:
    """Dispose of a database made by new_database."""
    database.engine.dispose()
    if database.is_sqlite:
        for suffix in ("", "-wal", "-shm", ".writelock"):
            Path(handle + suffix).unlink(missing_ok=True)
        return
    admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{handle}" WITH (FORCE)'))
    admin.dispose()
