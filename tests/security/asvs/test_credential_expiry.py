"""ASVS V6.4.1: one-time passwords, pending second sign-in steps, SSO requests and public links are short-lived,
with lifetimes that are settings (TANDEM_ONE_TIME_PASSWORD_HOURS, _MFA_CHALLENGE_MINUTES, _SSO_REQUEST_MINUTES,
_LINK_MAX_DAYS), and refused once expired."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.platform.audit.models import AuditEntry
from tandem.platform.auth import challenges, oidc
from tandem.platform.auth import service as auth
from tandem.platform.auth.links import LinkExpired, issue_link, resolve_link
from tandem.platform.auth.models import OidcRequest, User
from tandem.platform.auth.sessions import ONE_TIME_EXPIRED, authenticate
from tandem.platform.db.types import utcnow
from tandem.platform.db.uow import unit_of_work
from tandem.platform.errors import InvalidInput, NotAuthenticated
from tests.support.live import Live


@pytest.mark.asvs("V6.4.1")
def test_a_one_time_password_expires(session: Session, settings_env: Callable[..., None]) -> None:
    settings_env(one_time_password_hours=2)
    user, one_time = auth.create_user(session, None, f"otp-{secrets.token_hex(3)}")
    assert one_time and user.must_change_password
    assert authenticate(session, user.username, one_time, "192.0.2.1").user is user
    user.password_changed_at = utcnow() - dt.timedelta(hours=2, minutes=1)
    result = authenticate(session, user.username, one_time, "192.0.2.1")
    assert result.user is None and isinstance(result.error, NotAuthenticated)
    assert result.error.message == ONE_TIME_EXPIRED
    refused = session.scalars(select(AuditEntry).where(AuditEntry.entity_id == str(user.id),
                                                       AuditEntry.action == "auth.login_refused")).all()  # fmt: skip
    assert [e.changes["reason"] for e in refused] == ["one-time password expired"]
    settings_env(one_time_password_hours=3)  # the lifetime is read when checked, so a longer one applies at once
    assert authenticate(session, user.username, one_time, "192.0.2.1").user is user


@pytest.mark.asvs("V6.4.1")
def test_an_expired_one_time_password_cannot_sign_in_on_the_web(live: Live) -> None:
    with unit_of_work(live.db) as s:
        user, one_time = auth.create_user(s, None, f"otp-web-{secrets.token_hex(3)}")
        user.password_changed_at = utcnow() - dt.timedelta(days=30)
        name = user.username
    with httpx.Client(base_url=live.base_url, timeout=30) as client:
        csrf = client.get("/login").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        answer = client.post("/login", data={"csrf_token": csrf, "username": name, "password": one_time})
    assert answer.status_code == 401 and "one-time password has expired" in answer.text
    with unit_of_work(live.db) as s:  # an administrator's reset issues a fresh one that works
        fresh = auth.reset_password(s, None, s.scalars(select(User.id).where(User.username == name)).one())
    assert fresh != one_time


@pytest.mark.asvs("V6.4.1")
def test_the_second_sign_in_step_expires(session: Session, settings_env: Callable[..., None]) -> None:
    settings_env(mfa_challenge_minutes=2)
    user, _ = auth.create_user(session, None, f"mfa-{secrets.token_hex(3)}", password="correct horse battery staple 42")
    cookie, row = challenges.start(session, user, "/home")
    assert dt.timedelta(seconds=110) < row.expires_at - utcnow() <= dt.timedelta(minutes=2)
    assert challenges.resolve(session, cookie) is not None
    row.expires_at = utcnow() - dt.timedelta(seconds=1)
    assert challenges.resolve(session, cookie) is None


@pytest.mark.asvs("V6.4.1")
def test_a_started_sso_sign_in_expires(session: Session, settings_env: Callable[..., None]) -> None:
    settings_env(sso_request_minutes=3)
    assert oidc.request_lifetime() == dt.timedelta(minutes=3)
    cookie, state = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    session.add(OidcRequest(state=state, browser_hash=oidc.browser_hash(cookie), nonce="n", code_verifier="v",
                            next_path="/home", expires_at=utcnow() - dt.timedelta(seconds=1)))  # fmt: skip
    session.flush()
    with pytest.raises(oidc.SsoFailed, match="expired"):
        oidc.take_request(session, state, cookie)


@pytest.mark.asvs("V6.4.1")
def test_links_expire_and_their_longest_life_is_a_setting(session: Session, settings_env: Callable[..., None]) -> None:
    settings_env(link_max_days=10)
    unit = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    with pytest.raises(InvalidInput, match="at most 10 days"):
        issue_link(session, purpose="p", subject_id=uuid.uuid4(), org_unit_id=unit.id,
                   expires_at=utcnow() + dt.timedelta(days=11))  # fmt: skip
    link, token = issue_link(session, purpose="p", subject_id=uuid.uuid4(), org_unit_id=unit.id,
                             expires_at=utcnow() + dt.timedelta(days=9))  # fmt: skip
    assert resolve_link(session, "p", token) is link
    link.expires_at = utcnow() - dt.timedelta(seconds=1)
    with pytest.raises(LinkExpired):
        resolve_link(session, "p", token)
