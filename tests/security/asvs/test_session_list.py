"""ASVS V7.5.2: a user sees their live sessions (when and where they signed in, last activity) and ends any of
them, or all the others, from the web page and the API; administrators do the same for anyone, also from the CLI;
each ending is audited."""

from __future__ import annotations

import secrets

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tandem.platform.audit.models import AuditEntry
from tandem.platform.auth import sessions_cli
from tandem.platform.db import uow
from tandem.platform.db.uow import unit_of_work
from tests.support.live import Live


def _signed_in(live: Live, name: str, agent: str) -> httpx.Client:
    client = live.login(name)
    client.headers["User-Agent"] = agent
    return client


def _still_in(client: httpx.Client) -> bool:
    return client.get("/account/sessions").status_code == 200


def _csrf(client: httpx.Client) -> str:
    page = client.get("/account/sessions")
    assert page.status_code == 200, page.text
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _ended(live: Live, user_id: str) -> list[AuditEntry]:
    with unit_of_work(live.db, readonly=True) as s:
        stmt = select(AuditEntry).where(AuditEntry.entity_id == user_id, AuditEntry.action.like("auth.session%"))
        return list(s.scalars(stmt.order_by(AuditEntry.seq)))


@pytest.mark.asvs("V7.5.2")
def test_users_list_their_sessions_and_end_one_from_the_api(live: Live) -> None:
    name = live.add_user(f"roamer-{secrets.token_hex(3)}", "viewer", "root")
    laptop, phone = live.login(name), _signed_in(live, name, "PhoneBrowser/1.0")
    listed = laptop.get("/api/v1/auth/me/sessions")
    assert listed.status_code == 200, listed.text
    rows = listed.json()
    assert len(rows) == 2 and sum(r["current"] for r in rows) == 1
    assert all(r["ip"] == "127.0.0.1" and r["created_at"] and r["last_seen_at"] and r["expires_at"] for r in rows)
    assert {r["user_agent"].split("/")[0] for r in rows} == {"python-httpx"}  # as recorded at sign-in
    other = next(r for r in rows if not r["current"])
    ended = laptop.delete(f"/api/v1/auth/me/sessions/{other['handle']}", headers={"X-CSRF-Token": _csrf(laptop)})
    assert ended.status_code == 204
    assert not _still_in(phone) and _still_in(laptop)  # signed out there, still in here
    assert [e.changes["session"] for e in _ended(live, str(live.users[name]))] == [other["handle"]]
    assert laptop.delete("/api/v1/auth/me/sessions/not-a-handle",
                         headers={"X-CSRF-Token": _csrf(laptop)}).status_code == 422  # fmt: skip
    assert laptop.delete(f"/api/v1/auth/me/sessions/{'0' * 16}",
                         headers={"X-CSRF-Token": _csrf(laptop)}).status_code == 404  # fmt: skip


@pytest.mark.asvs("V7.5.2")
def test_the_account_page_ends_one_or_all_other_sessions(live: Live) -> None:
    name = live.add_user(f"pager-{secrets.token_hex(3)}", "viewer", "root")
    here, there, elsewhere = (live.login(name) for _ in range(3))
    page = here.get("/account/sessions")
    assert page.status_code == 200 and page.text.count('data-session="') == 3 and "(this session)" in page.text
    handles = [part.split('"', 1)[0] for part in page.text.split('data-session="')[1:]]
    mine = here.get("/api/v1/auth/me/sessions").json()
    other = next(r["handle"] for r in mine if not r["current"])
    assert other in handles
    answer = here.post(f"/account/sessions/{other}/end", data={"csrf_token": _csrf(here)})
    assert answer.status_code == 303 and len(here.get("/api/v1/auth/me/sessions").json()) == 2
    answer = here.post("/account/sessions/end-others", data={"csrf_token": _csrf(here)})
    assert answer.status_code == 303
    assert [r["current"] for r in here.get("/api/v1/auth/me/sessions").json()] == [True]
    assert not _still_in(there) and not _still_in(elsewhere) and _still_in(here)
    actions = [e.action for e in _ended(live, str(live.users[name]))]
    assert actions == ["auth.session_ended", "auth.sessions_ended"]


@pytest.mark.asvs("V7.5.2")
def test_others_sessions_are_visible_only_to_administrators(live: Live) -> None:
    name = live.add_user(f"watched-{secrets.token_hex(3)}", "viewer", "root")
    live.login(name), live.login(name)
    user_id = live.users[name]
    with live.client("viewer") as api:
        assert api.get(f"/api/v1/auth/users/{user_id}/sessions").status_code == 403
        assert api.delete(f"/api/v1/auth/users/{user_id}/sessions").status_code == 403
    with live.client("admin") as api:
        listed = api.get(f"/api/v1/auth/users/{user_id}/sessions")
        assert listed.status_code == 200 and len(listed.json()) == 2
        one = listed.json()[0]["handle"]
        assert api.delete(f"/api/v1/auth/users/{user_id}/sessions/{one}").status_code == 204
        assert api.delete(f"/api/v1/auth/users/{user_id}/sessions").json() == {"ended": 1}
        assert api.get(f"/api/v1/auth/users/{user_id}/sessions").json() == []


@pytest.mark.asvs("V7.5.2")
def test_administrators_list_and_end_sessions_from_the_cli(live: Live) -> None:
    name = live.add_user(f"console-{secrets.token_hex(3)}", "viewer", "root")
    first, _second = live.login(name), live.login(name)
    previous = uow._default
    uow.set_database(live.db)
    try:
        runner = CliRunner()
        listed = runner.invoke(sessions_cli.app, ["list", name, "--format", "json"])
        assert listed.exit_code == 0, listed.output
        handle = first.get("/api/v1/auth/me/sessions").json()[0]["handle"]
        assert handle in listed.output
        assert runner.invoke(sessions_cli.app, ["end", name, handle]).exit_code == 0
        done = runner.invoke(sessions_cli.app, ["end-all", name])
        assert done.exit_code == 0 and "ended 1 session(s)" in done.output
        missing = runner.invoke(sessions_cli.app, ["end", name, "0" * 16])
        assert missing.exit_code != 0
    finally:
        uow.set_database(previous)
    by = {e.changes.get("by") for e in _ended(live, str(live.users[name]))}
    assert by == {"console"}
