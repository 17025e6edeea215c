"""ASVS V16 against the running server: what an audit entry records about a change, that every sign-in attempt is
recorded, and that hostile text cannot forge log lines."""

from __future__ import annotations

import logging
import secrets
import uuid

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
def test_refused_authorisation_is_recorded(live: Live) -> None:
    name = live.add_user(f"refused-{secrets.token_hex(3)}", "viewer", "finance")
    user = str(live.users[name])
    with live.client(name) as api:
        assert api.get("/api/v1/auth/users").status_code == 403
        body = {"hostname": "denied.test", "org_unit_id": str(live.units["root"])}
        assert api.post("/api/v1/inventory/assets", json=body).status_code in (403, 404)
    denied = [e for e in entries(live, actor_id=user) if e.action == "authz.denied"]
    assert len(denied) == 2, [(e.action, e.changes) for e in entries(live, actor_id=user)]
    listing, creating = denied
    # who (the entry's actor), what (route and the action it needs), why, and how the request can be joined
    assert listing.actor_label.startswith(name) and listing.request_id
    assert listing.changes["status"] == 403 and listing.changes["method"] == "GET"
    assert listing.changes["route"] == "/api/v1/auth/users" and listing.changes["action"] == "users.view"
    assert listing.changes["reason"] and listing.changes["ip"] == "127.0.0.1"
    assert creating.changes["route"] == "/api/v1/inventory/assets" and creating.changes["method"] == "POST"


@pytest.mark.asvs("V16.3.2")
def test_refusals_by_policy_of_hidden_objects_name_the_object(live: Live) -> None:
    with live.client("admin") as api:
        made = api.post(
            "/api/v1/inventory/assets",
            json={"hostname": f"hidden-{secrets.token_hex(3)}.test", "org_unit_id": str(live.units["it"])},
        )
    assert made.status_code == 201
    name = live.add_user(f"outsider-{secrets.token_hex(3)}", "admin", "finance")
    with live.client(name) as api:
        assert api.get(f"/api/v1/inventory/assets/{made.json()['id']}").status_code == 404
        assert api.get(f"/api/v1/inventory/assets/{uuid.uuid4()}").status_code == 404  # really missing: no entry
    denied = [e for e in entries(live, actor_id=str(live.users[name])) if e.action == "authz.denied"]
    assert len(denied) == 1, [e.changes for e in denied]
    assert denied[0].entity_type == "inventory_assets" and denied[0].entity_id == made.json()["id"]
    assert denied[0].changes["status"] == 404 and "scope" in denied[0].changes["reason"]


@pytest.mark.asvs("V16.3.2")
def test_repeated_refusals_are_coalesced_not_flooded(live: Live) -> None:
    name = live.add_user(f"flooder-{secrets.token_hex(3)}", "viewer", "finance")
    with live.client(name) as api:
        for _ in range(25):
            assert api.get("/api/v1/auth/users").status_code == 403
    denied = [e for e in entries(live, actor_id=str(live.users[name])) if e.action == "authz.denied"]
    # one entry per caller, route and minute; a run that straddles a minute boundary writes a second one that
    # carries the count of refusals folded into it
    assert 1 <= len(denied) <= 2
    assert len(denied) + sum(e.changes["coalesced"] for e in denied) <= 25
