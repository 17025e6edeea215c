"""ASVS V16 against the running server: what an audit entry records about a change, that every sign-in attempt is
recorded, and that hostile text cannot forge log lines."""

from __future__ import annotations

import logging
import secrets

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tandem.platform.audit.models import AuditEntry
from tandem.platform.db.uow import unit_of_work
from tests.support.live import PASSWORD, Live


def entries(live: Live, **where: str) -> list[AuditEntry]:
    with unit_of_work(live.db, readonly=True) as session:
        stmt = select(AuditEntry).order_by(AuditEntry.seq)
        for column, value in where.items():
            stmt = stmt.where(getattr(AuditEntry, column) == value)
        return list(session.scalars(stmt))


def sign_in(live: Live, username: str, password: str) -> httpx.Response:
    with httpx.Client(base_url=live.base_url, timeout=30) as client:
        csrf = client.get("/login").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        return client.post("/login", data={"csrf_token": csrf, "username": username, "password": password})


@pytest.mark.asvs("V16.2.1")
def test_each_entry_says_when_where_who_and_what(live: Live) -> None:
    hostname = f"audited-{secrets.token_hex(4)}.test"
    with live.client("admin") as api:
        created = api.post(
            "/api/v1/inventory/assets", json={"hostname": hostname, "org_unit_id": str(live.units["it"])}
        )
    assert created.status_code == 201
    entry = entries(live, entity_id=created.json()["id"])[0]
    assert entry.ts is not None and entry.ts.utcoffset() is not None  # when
    assert entry.request_id == created.headers["x-request-id"]  # where: the request, joinable with the access log
    assert entry.actor_kind == "token" and entry.actor_id == str(live.users["admin-user"])  # who, and how
    assert "admin-user" in entry.actor_label
    assert entry.action and entry.entity_type and hostname in str(entry.changes)  # what, with the values


@pytest.mark.asvs("V16.3.1")
def test_every_sign_in_attempt_is_recorded_with_its_address(live: Live) -> None:
    name = live.add_user(f"logged-{secrets.token_hex(3)}", "viewer", "root")
    stranger = f"stranger-{secrets.token_hex(3)}"
    assert sign_in(live, name, "not the password at all").status_code == 401
    assert sign_in(live, stranger, "not the password at all").status_code == 401
    assert sign_in(live, name, PASSWORD).status_code == 303
    mine = entries(live, entity_id=str(live.users[name]))
    assert [e.action for e in mine if e.action.startswith("auth.")] == ["auth.login_failed", "auth.login"]
    assert all(e.changes.get("ip") == "127.0.0.1" for e in mine if e.action.startswith("auth."))
    unknown = [e for e in entries(live, action="auth.login_failed") if e.changes.get("username") == stranger]
    assert len(unknown) == 1 and unknown[0].entity_id is None  # an unknown name is logged too


@pytest.mark.asvs("V16.4.1")
def test_hostile_text_cannot_forge_log_lines(live: Live, inproc_app: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    forged = "x\nFAKE INFO tandem.auth: admin signed in"
    assert sign_in(live, forged, "not the password at all").status_code == 401
    stored = [e for e in entries(live, action="auth.login_failed") if e.changes.get("username") == forged]
    assert len(stored) == 1  # the audit log keeps it as one JSON string value

    def boom(rest: str) -> None:
        raise RuntimeError("boom")

    inproc_app.add_api_route("/api/v1/asvs-log/{rest}", boom)
    with caplog.at_level(logging.ERROR), TestClient(inproc_app, raise_server_exceptions=False) as client:
        # %0A decodes to a newline in the path; the logged target must still be one line.
        assert client.get("/api/v1/asvs-log/x%0AFAKE%20INFO%20admin%20signed%20in").status_code == 500
    lines = [r.getMessage() for r in caplog.records if "asvs-log" in r.getMessage()]
    assert lines and all("\n" not in line and "\r" not in line for line in lines), lines


@pytest.mark.asvs("V16.3.2")
@pytest.mark.xfail(
    strict=True,
    reason="gap: a refused request (403 by permission, 404 out of scope) writes no audit or security event",
)
def test_refused_authorisation_is_recorded(live: Live) -> None:
    user = str(live.users["finance-viewer"])
    before = len(entries(live, actor_id=user))
    with live.client("finance-viewer") as api:
        assert api.get("/api/v1/auth/users").status_code == 403
        body = {"hostname": "denied.test", "org_unit_id": str(live.units["root"])}
        assert api.post("/api/v1/inventory/assets", json=body).status_code in (403, 404)
    assert len(entries(live, actor_id=user)) >= before + 2
