"""ASVS V13.2.2: Tandem runs under a least-privilege database account. On PostgreSQL the migrations are applied by the
schema owner, and the server's own role needs nothing beyond SELECT/INSERT/UPDATE/DELETE: everything the application
does at run time (sign-up, tokens, the audit chain, its verification, the migration check) works under such a role,
and the role cannot change or drop the schema (SECURITY.md: "on PostgreSQL use a dedicated role")."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from tandem.platform.audit.verify import verify_chain
from tandem.platform.auth import service, tokens
from tandem.platform.config import get_settings
from tandem.platform.db import migrate
from tandem.platform.db.engine import make_engine
from tandem.platform.db.uow import Database, unit_of_work
from tests.support.databases import PG_ENV, drop_database, new_database

GRANTS = """
GRANT CONNECT ON DATABASE "{db}" TO {role};
GRANT USAGE ON SCHEMA public TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
"""


@pytest.mark.asvs("V13.2.2")
def test_tandem_works_under_a_data_only_role_that_cannot_change_the_schema(tmp_path: Path) -> None:
    if not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (CI sets it; .ci/run starts the server)")
    owner, handle = new_database("postgres", tmp_path)  # migrated by the schema owner
    role, password = f"tandem_app_{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    with owner.engine.begin() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{password}' NOSUPERUSER NOCREATEDB NOCREATEROLE"))
        for statement in GRANTS.format(db=handle, role=role).strip().splitlines():
            conn.execute(text(statement))
    url = make_url(owner.engine.url.render_as_string(hide_password=False)).set(username=role, password=password)
    app = Database(make_engine(url.render_as_string(hide_password=False)))
    try:
        assert migrate.pending_heads(app.engine) == []  # the start-up check reads, never writes
        with unit_of_work(app) as session:
            unit = service.create_unit(session, None, "Least privilege", None)
            user, _ = service.create_user(session, None, f"app-{secrets.token_hex(3)}", password="x" * 16 + "Q9!")
            service.grant_role(session, None, user.id, "viewer", unit.id)
            tokens.new_token(session, user, "role test", ["*:read"], None)
        with unit_of_work(app, readonly=True) as session:
            assert verify_chain(session, get_settings().key("audit")).ok
        for ddl in ("DROP TABLE audit_entries", "ALTER TABLE users ADD COLUMN x int", "CREATE TABLE evil (x int)",
                    "TRUNCATE audit_entries"):  # fmt: skip
            with pytest.raises(ProgrammingError, match=r"permission denied|must be owner"), app.engine.begin() as c:
                c.execute(text(ddl))
    finally:
        app.engine.dispose()
        drop_database(owner, handle)
        server = make_url(os.environ[PG_ENV]).set(drivername="postgresql+psycopg")
        admin = create_engine(server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()
