"""Remembered Principals: a change to who may do what takes effect on the very next request, from any process."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event, select, update

from tandem.platform.auth import service, sessions
from tandem.platform.auth.models import ApiToken, RoleGrant, User, WebSession
from tandem.platform.db import auth_generation
from tandem.platform.db.types import utcnow
from tandem.platform.db.uow import Database, unit_of_work
from tests.support.live import Live

NEW_PASSWORD = "a different pass phrase 77"

# Runs in its own interpreter, as another server process or `tandem` command would.
_REVOKE_CHILD = """
import sys, uuid
from tandem.platform.auth import service
from tandem.platform.db.uow import get_database, unit_of_work
with unit_of_work(get_database()) as session:
    service.revoke_role(session, None, uuid.UUID(sys.argv[1]), uuid.UUID(sys.argv[2]))
"""


def _generation(db: Database) -> str | None:
    with unit_of_work(db, readonly=True) as session:
        return auth_generation.read(session.connection())


def _grant_of(live: Live, username: str) -> uuid.UUID:
    with unit_of_work(live.db, readonly=True) as session:
        return session.scalars(select(RoleGrant.id).where(RoleGrant.user_id == live.users[username])).one()


@contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_a_remembered_token_costs_no_credential_queries(live: Live) -> None:
    name = live.add_user("cache-quiet", "viewer", "root")
    with live.client(name) as client:
        assert client.get("/api/v1/auth/me").status_code == 200
        with _statements(live.db) as seen:
            assert client.get("/api/v1/auth/me").status_code == 200
    credential_reads = [s for s in seen if any(t in s for t in ("api_tokens", "role_grants", "FROM users"))]
    assert seen and not credential_reads, credential_reads


def test_a_revoked_role_is_refused_on_the_next_request(live: Live) -> None:
    name = live.add_user("cache-revoked", "viewer", "root")
    grant = _grant_of(live, name)
    with live.client(name) as client:
        assert client.get("/api/v1/auth/me").status_code == 200  # now remembered
        with live.client("admin") as admin:
            assert admin.delete(f"/api/v1/auth/users/{live.users[name]}/grants/{grant}").status_code == 204
        assert client.get("/api/v1/auth/me").status_code == 403


def test_a_role_revoked_by_another_process_is_refused_on_the_next_request(live: Live) -> None:
    name = live.add_user("cache-elsewhere", "viewer", "root")
    grant = _grant_of(live, name)
    with live.client(name) as client:
        assert client.get("/api/v1/auth/me").status_code == 200
        env = {**os.environ, "TANDEM_DATABASE_URL": live.db.engine.url.render_as_string(hide_password=False)}
        child = [sys.executable, "-c", _REVOKE_CHILD, str(live.users[name]), str(grant)]
        done = subprocess.run(child, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        assert client.get("/api/v1/auth/me").status_code == 403


def test_a_password_change_ends_remembered_sessions(live: Live) -> None:
    name = live.add_user("cache-password", "viewer", "root")
    browser = live.login(name)
    assert browser.get("/api/v1/auth/me").status_code == 200
    with live.client(name) as client:
        body = {"current_password": "correct horse battery staple 42", "new_password": NEW_PASSWORD}
        assert client.post("/api/v1/auth/me/password", json=body).status_code == 204
    assert browser.get("/api/v1/auth/me").status_code == 401


def test_a_signed_out_session_is_refused_at_once(live: Live) -> None:
    name = live.add_user("cache-logout", "viewer", "root")
    browser = live.login(name)
    assert browser.get("/api/v1/auth/me").status_code == 200
    cookie = browser.cookies.get("tandem_session") or ""
    with unit_of_work(live.db) as session:
        sessions.end_session(session, cookie)
    stolen = httpx.Client(base_url=live.base_url, cookies={"tandem_session": cookie})
    assert stolen.get("/api/v1/auth/me").status_code == 401


def test_a_new_unit_is_in_scope_on_the_next_request(live: Live) -> None:
    with live.client("finance-viewer") as viewer, live.client("admin") as admin:
        before = {u["name"] for u in viewer.get("/api/v1/auth/org-units").json()["items"]}
        made = admin.post("/api/v1/auth/org-units", json={"name": "Treasury", "parent_id": str(live.units["finance"])})
        assert made.status_code == 201
        after = {u["name"] for u in viewer.get("/api/v1/auth/org-units").json()["items"]}
    assert "Treasury" not in before and after == before | {"Treasury"}


def test_activity_leaves_the_generation_and_rights_changes_replace_it(live: Live) -> None:
    name = live.add_user("cache-rules", "viewer", "root")
    user_id = live.users[name]
    with unit_of_work(live.db) as session:
        user = session.get(User, user_id)
        assert user is not None
        sessions.start_session(session, user, "127.0.0.1", "tests")  # a sign-in
    first = _generation(live.db)
    with unit_of_work(live.db) as session:
        row = session.scalars(select(WebSession).where(WebSession.user_id == user_id)).one()
        row.last_seen_at = utcnow() + dt.timedelta(seconds=5)  # activity moves forward
        token = session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)).one()
        token.last_used_at = utcnow()
    assert _generation(live.db) == first
    with unit_of_work(live.db) as session:
        row = session.scalars(select(WebSession).where(WebSession.user_id == user_id)).one()
        row.last_seen_at = utcnow() - dt.timedelta(hours=3)  # made to look idle: its cached use must end
    second = _generation(live.db)
    assert second != first
    with unit_of_work(live.db) as session:
        session.execute(update(ApiToken).where(ApiToken.user_id == user_id).values(scopes=["*:read"]))
    third = _generation(live.db)
    assert third != second
    with unit_of_work(live.db) as session:
        service.grant_role(session, None, user_id, "auditor", live.units["it"])
    assert _generation(live.db) != third


def test_the_generation_read_asks_for_the_key_that_changes_record(db: Database) -> None:
    with unit_of_work(db) as session:
        auth_generation.bump(session.connection())
    with db.engine.connect() as conn:
        written = conn.execute(
            select(auth_generation._META.c.value).where(auth_generation._META.c.key == auth_generation.KEY)
        )
        assert auth_generation.read(conn) == written.scalar() is not None
