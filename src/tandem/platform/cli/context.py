"""What every command shares: the database, the CLI actor, and the --json/--csv/--debug flags."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from tandem.platform.config import get_settings
from tandem.platform.db.migrate import pending_heads
from tandem.platform.db.uow import Actor, Database, get_database, unit_of_work
from tandem.platform.errors import Conflict


def cli_actor() -> Actor:
    """Return the audit actor for commands run at the console (the operator's OS account)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor("cli", None, f"cli:{user}")


def database(check_migrations: bool = True) -> Database:
    """Return the configured database, refusing to work on an unmigrated schema."""
    db = get_database(get_settings())
    if check_migrations:
        missing = pending_heads(db.engine)
        if missing:
            raise Conflict("the database schema is not up to date; run `tandem db upgrade` first")
    return db


@contextmanager
def cli_uow(readonly: bool = False) -> Iterator[Session]:
    """Open a transaction for a command, attributed to the CLI actor."""
    with unit_of_work(database(), actor=cli_actor(), readonly=readonly) as session:
        yield session
