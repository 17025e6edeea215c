"""Two-step sign-in: TOTP enrolment, the second step, replay, lockout, recovery codes, policy and admin reset."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyotp
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.platform.audit.models import AuditEntry
from tandem.platform.auth import mfa, service
from tandem.platform.auth.models import MfaFactor, RecoveryCode
from tandem.platform.db.uow import unit_of_work
from tandem.platform.errors import Conflict, InvalidInput
from tests.support.cli import run
from tests.support.live import PASSWORD, Live


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def _password_step(live: Live, username: str, password: str = PASSWORD) -> httpx.Client:
    """Post the sign-in form; return the client holding the pending second step."""
    client = httpx.Client(base_url=live.base_url, timeout=30, follow_redirects=False)
    csrf = _csrf(client.get("/login").text)
    response = client.post("/login", data={"csrf_token": csrf, "username": username, "password": password})
    assert response.status_code == 303 and response.headers["location"] == "/login/mfa", response.text
    return client


def _second_step(client: httpx.Client, code: str) -> httpx.Response:
    return client.post("/login/mfa", data={"csrf_token": _csrf(client.get("/login/mfa").text), "code": code})


def _enrol(client: httpx.Client) -> tuple[pyotp.TOTP, list[str]]:
    """Enrol through the pages; return the authenticator and the recovery codes shown once."""
    page = client.post("/account/mfa/enrol", data={"csrf_token": _csrf(client.get("/account/mfa").text)})
    assert page.status_code == 200 and "<svg" in page.text
    seed = re.search(r'id="mfa-secret">([A-Z2-7]+)<', page.text)
    assert seed
    totp = pyotp.TOTP(seed.group(1))
    done = client.post("/account/mfa/confirm", data={"csrf_token": _csrf(page.text), "code": totp.now()})
    assert done.status_code == 200, done.text
    codes = re.findall(r'class="recovery-code">([a-z0-9-]+)<', done.text)
    return totp, codes


def _next_code(totp: pyotp.TOTP) -> str:
    return totp.at(time.time() + 30)


@pytest.mark.asvs("V6.5.1", "V6.5.2", "V6.5.5", "V6.4.3")
def test_enrol_then_sign_in_needs_the_code_once(live: Live) -> None:
    name = live.add_user("mfa-user", "viewer", "root")
    totp, codes = _enrol(live.login(name))
    assert len(codes) == 10 and len(set(codes)) == 10
    client = _password_step(live, name)
    assert client.get("/home/joint").status_code == 303  # no session until the second step
    assert not any("session" in c for c in client.cookies)
    assert _second_step(client, totp.now()).status_code == 401  # the enrolment code cannot be replayed
    ok = _second_step(client, _next_code(totp))
    assert ok.status_code == 303 and ok.headers["location"] == "/home"
    assert client.get("/home/joint").status_code == 200
    again = _password_step(live, name)
    assert _second_step(again, codes[0].upper()).status_code == 303  # recovery codes: any case, once
    third = _password_step(live, name)
    assert _second_step(third, codes[0]).status_code == 401
    with unit_of_work(live.db) as s:  # a password reset does not skip the second step
        one_time = service.reset_password(s, None, live.users[name])
    _password_step(live, name, one_time)
    with unit_of_work(live.db, readonly=True) as s:
        hashes = s.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == live.users[name])).all()
        factor = s.scalars(select(MfaFactor).where(MfaFactor.user_id == live.users[name])).one()
        audit = " ".join(str(e.changes) for e in s.scalars(select(AuditEntry).where(AuditEntry.entity_id.in_(
            [str(live.users[name]), str(factor.id)]))))  # fmt: skip
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert totp.secret not in factor.secret_encrypted and totp.secret not in audit


@pytest.mark.asvs("V6.6.3", "V6.3.1")
def test_wrong_codes_are_limited_and_lock_the_account(live: Live) -> None:
    name = live.add_user("mfa-guess", "viewer", "root")
    _enrol(live.login(name))
    client = _password_step(live, name)
    statuses = [_second_step(client, f"{n:06d}").status_code for n in range(4)]
    assert statuses == [401] * 4
    last = _second_step(client, "000004")
    assert "sign in again" in last.text.lower()
    assert client.get("/login/mfa").status_code == 303  # the pending sign-in is gone
    fresh = httpx.Client(base_url=live.base_url)
    csrf = _csrf(fresh.get("/login").text)
    locked = fresh.post("/login", data={"csrf_token": csrf, "username": name, "password": PASSWORD})
    assert locked.status_code == 429  # five wrong codes count like five wrong passwords


@pytest.fixture
def mfa_policy(live: Live) -> Iterator[None]:
    """Require MFA for it_analyst while the test runs (the shared test org normally requires none)."""
    with unit_of_work(live.db) as s:
        mfa.set_required_roles(s, ["it_analyst"])
    yield
    with unit_of_work(live.db) as s:
        mfa.set_required_roles(s, [])


@pytest.mark.asvs("V6.3.3")
@pytest.mark.usefixtures("mfa_policy")
def test_role_policy_holds_the_session_until_enrolled(live: Live) -> None:
    name = live.add_user("must-enrol", "it_analyst", "root")
    browser = live.login(name)
    home = browser.get("/home/joint", follow_redirects=True)
    assert str(home.url).endswith("/account/mfa") and "requires two-step sign-in" in home.text
    assert browser.get("/api/v1/auth/org-units").status_code == 403
    with live.client(name) as api:  # API tokens are machine credentials: not held back
        assert api.get("/api/v1/auth/org-units").status_code == 200
    totp, _ = _enrol(browser)
    assert browser.get("/home/joint").status_code == 200
    off = browser.post("/account/mfa/disable", data={"csrf_token": _csrf(browser.get("/account/mfa").text),
                                                    "code": _next_code(totp)})  # fmt: skip
    assert off.status_code == 422 and "requires MFA" in off.text


@pytest.mark.asvs("V6.4.4")
def test_admin_reset_is_audited_and_ends_sessions(live: Live) -> None:
    name = live.add_user("lost-phone", "viewer", "root")
    browser = live.login(name)
    _enrol(browser)
    admin = live.login("admin-user")
    page = admin.get(f"/admin/users/{live.users[name]}")
    assert "Reset two-step sign-in" in page.text
    reset = admin.post(f"/admin/users/{live.users[name]}/reset-mfa", data={"csrf_token": _csrf(page.text)})
    assert reset.status_code == 303
    assert browser.get("/home/joint").status_code == 303  # signed out everywhere
    live.login(name)  # no second step any more
    with unit_of_work(live.db, readonly=True) as s:
        events = s.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == str(live.users[name]))).all()
    assert "auth.mfa_reset" in events and "auth.mfa_enabled" in events


@pytest.mark.asvs("V6.5.1", "V7.5.1")
def test_regenerate_and_disable_need_a_current_code(session: Session) -> None:
    user, _ = service.create_user(session, None, "mfa.service", password="a long enough pass phrase")
    seed, uri, svg = mfa.begin_enrolment(session, user)
    assert uri.startswith("otpauth://totp/Tandem:mfa.service?") and "<svg" in svg
    totp = pyotp.TOTP(seed)
    codes = mfa.confirm_enrolment(session, user, totp.now())
    with pytest.raises(Conflict):
        mfa.begin_enrolment(session, user)
    with pytest.raises(InvalidInput):
        mfa.regenerate_codes(session, user, "123456")
    fresh = mfa.regenerate_codes(session, user, _next_code(totp))
    assert not mfa.use_recovery_code(session, user.id, codes[0])  # old codes stopped working
    with pytest.raises(InvalidInput):
        mfa.disable(session, user, codes[0])
    mfa.disable(session, user, fresh[0])
    assert not mfa.is_enabled(session, user.id) and mfa.remaining_codes(session, user.id) == 0


@pytest.mark.asvs("V6.5.5", "V6.5.3", "V6.5.4")
def test_codes_accept_one_step_either_side_and_are_random() -> None:
    seed = pyotp.random_base32(32)
    owner = uuid.uuid4()
    factor = MfaFactor(user_id=owner, secret_encrypted=mfa._seal(seed, owner), last_step=0)
    totp, now = pyotp.TOTP(seed), 1_800_000_000.0
    assert not mfa.verify_totp(factor, totp.at(now - 60), now)
    assert mfa.verify_totp(factor, totp.at(now - 30), now)
    assert mfa.verify_totp(factor, totp.at(now + 30), now)
    assert not mfa.verify_totp(factor, totp.at(now), now)  # older than the last accepted step
    assert not mfa.verify_totp(factor, totp.at(now + 90), now)
    codes = {mfa.generate_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 11 and set(c.replace("-", "")) <= set(mfa.CODE_ALPHABET) for c in codes)
    assert mfa.CODE_LENGTH * 4.9 >= 20  # log2(31) ≈ 4.95 bits per symbol


def test_sso_accounts_never_owe_local_enrolment(session: Session) -> None:
    user, _ = service.create_user(session, None, "sso.person", password="a long enough pass phrase")
    root = service.root_unit(session) or service.create_unit(session, None, "Root", None)
    service.grant_role(session, None, user.id, "admin", root.id)
    assert not mfa.must_enrol(user)  # no policy stored: databases made without `tandem init` require nothing
    mfa.set_required_roles(session, ["admin"])
    assert mfa.must_enrol(user) and service.principal_for(user).must_change_password
    assert not service.principal_for(user, frozenset({"*:read"}), user.id).must_change_password
    user.password_hash = None
    assert not mfa.must_enrol(user)


def test_cli_sets_the_policy_and_resets_mfa(tmp_path: Path) -> None:
    assert run(tmp_path, "init", "--org", "MFA Org").returncode == 0
    policy = run(tmp_path, "users", "mfa-policy", "--roles", "ciso,cio")
    assert policy.returncode == 0 and "cio, ciso" in policy.stdout
    reset = run(tmp_path, "users", "reset-mfa", "admin")
    assert reset.returncode == 0 and "reset for admin" in reset.stdout
