"""Sign-in, sessions, CSRF, passwords, lockout, API tokens and role scoping."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import update

from tandem.platform.auth import passwords, service, tokens
from tandem.platform.auth.models import ApiToken, WebSession
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.platform.db.uow import unit_of_work
from tandem.platform.errors import InvalidInput, NotFound
from tests.support.live import PASSWORD, Live


@pytest.mark.asvs("V6.2.1")
@pytest.mark.parametrize(
    ("password", "reason"),
    [("short pass", "at least 12"), ("x" * 129, "at most 128"), ("password1234", "commonly used")],
)
def test_password_policy_rejects(password: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        passwords.check_policy(password, "someone")


@pytest.mark.asvs("V6.2.9")
def test_password_policy_allows_any_characters_and_long_phrases() -> None:
    passwords.check_policy("ünïcødé 🔑 pass phrase with spaces", "someone")
    passwords.check_policy("y" * 128, "someone")


@pytest.mark.asvs("V11.4.2")
def test_passwords_are_argon2id() -> None:
    hashed = passwords.hash_password("a long enough password")
    assert hashed.startswith("$argon2id$")
    assert passwords.verify_password(hashed, "a long enough password")
    assert not passwords.verify_password(hashed, "another long password")
    assert not passwords.verify_password(None, "anything at all here")


def test_one_time_password_must_be_changed(session) -> None:  # type: ignore[no-untyped-def]
    user, one_time = service.create_user(session, None, "first.admin")
    assert one_time and user.must_change_password
    with pytest.raises(InvalidInput, match="current password"):
        service.change_password(session, user, "wrong one", "a brand new pass phrase")
    service.change_password(session, user, one_time, "a brand new pass phrase")
    assert not user.must_change_password


@pytest.mark.asvs("V3.3.4")
def test_session_cookie_is_httponly_lax_and_rotated(live: Live) -> None:
    live.add_user("cookie-user", "viewer", "root")
    first = live.login("cookie-user")
    second = live.login("cookie-user")
    one, two = first.cookies.get("tandem_session"), second.cookies.get("tandem_session")
    assert one and two and one != two
    raw = httpx.Client(base_url=live.base_url).get("/login")
    csrf = raw.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    login = httpx.Client(base_url=live.base_url, cookies=raw.cookies).post(
        "/login", data={"csrf_token": csrf, "username": "cookie-user", "password": PASSWORD}
    )
    set_cookie = login.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=lax" in set_cookie
    assert one not in login.text


@pytest.mark.asvs("V3.5.1")
def test_cookie_writes_need_the_csrf_token(live: Live) -> None:
    client = live.login("admin-user")
    unit = {"name": "csrf-test", "parent_id": str(live.units["it"])}
    assert client.post("/api/v1/auth/org-units", json=unit).status_code == 403
    bad_origin = client.post("/api/v1/auth/org-units", json=unit, headers={"Origin": "https://evil.example"})
    assert bad_origin.status_code == 403
    home = client.get("/account/tokens").text
    token = home.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    ok = client.post("/api/v1/auth/org-units", json=unit, headers={"X-CSRF-Token": token})
    assert ok.status_code == 201


@pytest.mark.asvs("V6.3.1")
def test_lockout_after_repeated_failures(live: Live) -> None:
    live.add_user("lockme", "viewer", "root")
    client = httpx.Client(base_url=live.base_url)
    page = client.get("/login").text
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    statuses = [
        client.post(
            "/login", data={"csrf_token": csrf, "username": "lockme", "password": f"wrong {i} password"}
        ).status_code
        for i in range(5)
    ]
    assert statuses == [401] * 5
    locked = client.post("/login", data={"csrf_token": csrf, "username": "lockme", "password": PASSWORD})
    assert locked.status_code == 429 and "temporarily locked" in locked.text


def test_wrong_password_message_does_not_say_which_part(live: Live) -> None:
    client = httpx.Client(base_url=live.base_url)
    csrf = client.get("/login").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    unknown = client.post("/login", data={"csrf_token": csrf, "username": "nobody-here", "password": "whatever it is"})
    assert unknown.status_code == 401 and "wrong user name or password" in unknown.text


@pytest.mark.asvs("V7.3.1")
def test_idle_session_expires(live: Live) -> None:
    live.add_user("idle-user", "viewer", "root")
    client = live.login("idle-user")
    with unit_of_work(live.db) as s:
        s.execute(update(WebSession).values(last_seen_at=utcnow() - dt.timedelta(hours=2)))
    response = client.get("/home/joint")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_logout_ends_the_session_on_the_server(live: Live) -> None:
    live.add_user("logout-user", "viewer", "root")
    client = live.login("logout-user")
    page = client.get("/home/joint").text
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
    stolen = httpx.Client(
        base_url=live.base_url, cookies={"tandem_session": client.cookies.get("tandem_session") or "x"}
    )
    assert stolen.get("/api/v1/auth/me").status_code == 401


@pytest.mark.asvs("V9.2.1")
def test_token_lifecycle_expiry_and_revocation(live: Live) -> None:
    name = live.add_user("token-owner", "viewer", "root")
    with live.client(name) as client:
        created = client.post("/api/v1/auth/tokens", json={"name": "ci", "scopes": ["*:read"]})
        assert created.status_code == 201
        secret, token_id = created.json()["token"], created.json()["id"]
        listed = client.get("/api/v1/auth/tokens").json()["items"]
        assert all("token" not in t and "digest" not in t for t in listed)
    bearer = httpx.Client(base_url=live.base_url, headers={"Authorization": f"Bearer {secret}"})
    assert bearer.get("/api/v1/auth/me").json()["scopes"] == ["*:read"]
    with live.client(name) as client:
        assert client.delete(f"/api/v1/auth/tokens/{token_id}").status_code == 204
    assert bearer.get("/api/v1/auth/me").status_code == 401
    with unit_of_work(live.db) as s:
        s.execute(update(ApiToken).where(ApiToken.name == "tests").where(ApiToken.user_id == live.users[name])
                  .values(expires_at=utcnow() - dt.timedelta(seconds=1)))  # fmt: skip
    with live.client(name) as client:
        assert client.get("/api/v1/auth/me").status_code == 401


def test_tokens_store_only_a_keyed_digest(session) -> None:  # type: ignore[no-untyped-def]
    user, _ = service.create_user(session, None, "digest-user", password="a long enough password")
    token, secret = tokens.new_token(session, user, "x", ["*:read"], None)
    assert (
        secret.startswith("tdm_") and secret.split("_", 2)[2] not in token.digest
    )  # the secret itself may contain "_"
    assert tokens.resolve(session, secret) is token
    assert tokens.resolve(session, secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    with pytest.raises(InvalidInput, match="unknown scope"):
        tokens.new_token(session, user, "y", ["everything"], None)


@pytest.mark.asvs("V7.4.2")
def test_disabled_user_loses_tokens_and_sessions(live: Live) -> None:
    name = live.add_user("to-disable", "viewer", "root")
    browser = live.login(name)
    with live.client("admin") as admin:
        assert admin.patch(f"/api/v1/auth/users/{live.users[name]}", json={"is_active": False}).status_code == 200
    with live.client(name) as client:
        assert client.get("/api/v1/auth/me").status_code == 401
    assert browser.get("/api/v1/auth/me").status_code == 401


def test_grants_apply_to_the_unit_and_its_children(session) -> None:  # type: ignore[no-untyped-def]
    root = service.create_unit(session, None, "Root", None)
    a = service.create_unit(session, None, "A", root.id)
    a1 = service.create_unit(session, None, "A1", a.id)
    b = service.create_unit(session, None, "B", root.id)
    user, _ = service.create_user(session, None, "scoped", password="a long enough password")
    service.grant_role(session, None, user.id, "viewer", a.id)
    principal: Principal = service.principal_for(user)
    assert principal.can("org.view", a1.path) and principal.can("org.view", a.path)
    assert not principal.can("org.view", b.path) and not principal.can("org.view", root.path)
    assert not principal.can("org.edit", a1.path)
    with pytest.raises(NotFound):
        service.get_unit(session, principal, b.id)
