"""Single sign-on end to end against a real OpenID Connect provider on loopback, and the ways it must fail."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import urllib.parse
from collections.abc import Callable, Iterator

import httpx
import pytest
from sqlalchemy import select

from tandem.platform.audit.models import AuditEntry
from tandem.platform.auth import oidc
from tandem.platform.auth.models import ExternalIdentity, User
from tandem.platform.config import get_settings
from tandem.platform.db.uow import unit_of_work
from tandem.platform.errors import InvalidInput
from tests.support.live import Live
from tests.support.oidc_provider import Identity, Provider, new_key, start


@pytest.fixture(scope="module")
def provider_server() -> Iterator[Provider]:
    """The loopback provider, shared by this module's tests."""
    provider, server, thread = start()
    yield provider
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def idp(provider_server: Provider, monkeypatch: pytest.MonkeyPatch) -> Iterator[Provider]:
    """Point Tandem at the provider (and allow-list its loopback address for the outbound guard)."""
    port = urllib.parse.urlsplit(provider_server.issuer).port
    env = {
        "TANDEM_OIDC_ISSUER": provider_server.issuer, "TANDEM_OIDC_CLIENT_ID": provider_server.client_id,
        "TANDEM_OIDC_CLIENT_SECRET": provider_server.client_secret, "TANDEM_OIDC_ALLOW_SIGNUP": "true",
        "TANDEM_OIDC_GROUP_ROLES": "tandem-admins=admin@/, security=ciso@/IT, security=viewer@/Finance",
        "TANDEM_OUTBOUND_ALLOW_HOSTS": f"127.0.0.1:{port}",
    }  # fmt: skip
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    oidc.clear_cache()
    yield provider_server
    provider_server.reset()
    monkeypatch.undo()
    get_settings.cache_clear()
    oidc.clear_cache()


def _start(live: Live) -> tuple[httpx.Client, str]:
    """Press "Sign in with SSO"; return the browser and the provider URL it is sent to."""
    browser = httpx.Client(base_url=live.base_url, timeout=30, follow_redirects=False)
    page = browser.get("/login?next=/home/joint").text
    assert "Sign in with SSO" in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    response = browser.post("/login/sso", data={"csrf_token": csrf.group(1), "next": "/home/joint"})
    assert response.status_code == 303, response.text
    return browser, response.headers["location"]


def _flow(live: Live, tamper: Callable[[str], str] = lambda url: url) -> tuple[httpx.Client, httpx.Response]:
    """Run the whole browser flow, following each redirect by hand; tamper may rewrite the callback URL."""
    browser, authorize = _start(live)
    answer = browser.get(authorize)
    assert answer.status_code == 302, answer.text
    return browser, browser.get(tamper(answer.headers["location"]))


def _user(live: Live, sub: str) -> User | None:
    with unit_of_work(live.db, readonly=True) as s:
        link = s.scalars(select(ExternalIdentity).where(ExternalIdentity.subject == sub)).first()
        user = s.get(User, link.user_id) if link else None
        if user is not None:
            s.expunge(user)
        return user


@pytest.mark.asvs("V10.2.1", "V10.1.1", "V6.1.3")
def test_sso_sign_in_creates_the_user_and_syncs_roles(live: Live, idp: Provider) -> None:
    idp.identity.sub, idp.identity.groups = "e2e-sub", ["tandem-admins", "security"]
    browser, authorize = _start(live)
    sent = urllib.parse.parse_qs(urllib.parse.urlsplit(authorize).query)
    assert sent["code_challenge_method"] == ["S256"] and len(sent["code_challenge"][0]) == 43
    assert sent["state"][0] and sent["nonce"][0] and "code_verifier" not in sent
    callback = browser.get(authorize).headers["location"]
    done = browser.get(callback)
    assert done.status_code == 303 and done.headers["location"] == "/home/joint", done.text
    assert "at-" not in done.text and "id_token" not in str(done.headers)  # provider tokens stay server-side
    assert browser.get("/home/joint").status_code == 200
    assert browser.get(callback).status_code == 401  # a state (and its code) is good for one answer only
    with unit_of_work(live.db, readonly=True) as s:
        link = s.scalars(select(ExternalIdentity).where(ExternalIdentity.subject == "e2e-sub")).one()
        user = s.get(User, link.user_id)
        assert user is not None and user.password_hash is None and link.issuer == idp.issuer
        held = {(g.role, g.org_unit_id) for g in user.grants}
        events = s.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == str(user.id))).all()
    assert held == {("admin", live.units["root"]), ("ciso", live.units["it"]), ("viewer", live.units["finance"])}
    assert "auth.sso_roles_synced" in events and "auth.login" in events
    idp.identity.groups = ["security"]  # removed from the admins group at the provider
    assert _flow(live)[1].status_code == 303
    again = _user(live, "e2e-sub")
    assert again is not None
    assert {(g.role, g.org_unit_id) for g in again.grants} == {
        ("ciso", live.units["it"]),
        ("viewer", live.units["finance"]),
    }


@pytest.mark.asvs("V6.8.1", "V10.3.3", "V10.5.2")
def test_users_are_keyed_on_issuer_and_subject_not_email(live: Live, idp: Provider) -> None:
    idp.identity.sub = "first-sub"
    assert _flow(live)[1].status_code == 303
    idp.identity.sub = "second-sub"  # same e-mail and user name, different subject
    assert _flow(live)[1].status_code == 303
    first, second = _user(live, "first-sub"), _user(live, "second-sub")
    assert first is not None and second is not None and first.id != second.id
    assert second.username != first.username


def _with_query(url: str, **changes: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query)) | changes
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


NEGATIVE: dict[str, tuple[Callable[[Provider], None], Callable[[str], str], str]] = {
    "wrong state": (lambda p: None, lambda url: _with_query(url, state="forged-state"), "unknown or expired"),
    "issuer mismatch in the response": (
        lambda p: None, lambda url: _with_query(url, iss="https://evil.example"), "another issuer (mix-up)"),
    "wrong nonce": (lambda p: p.claims_override.update(nonce="another-nonce"), str, "InvalidClaimError"),
    "token signed by another key": (lambda p: setattr(p, "signing_key", new_key("good")), str, "BadSignatureError"),
    "wrong audience": (lambda p: p.claims_override.update(aud="someone-else"), str, "InvalidClaimError"),
    "expired token": (
        lambda p: p.claims_override.update(exp=1_000_000_000, iat=999_999_000), str, "ExpiredTokenError"),
    "token from another issuer": (
        lambda p: p.claims_override.update(iss="https://evil.example"), str, "InvalidClaimError"),
}  # fmt: skip


@pytest.mark.asvs("V10.2.1", "V10.2.2", "V10.5.1", "V10.5.4", "V6.8.2")
@pytest.mark.parametrize("case", list(NEGATIVE))
def test_bad_answers_are_refused(live: Live, idp: Provider, case: str) -> None:
    setup, tamper, reason = NEGATIVE[case]
    idp.identity.sub = f"neg-{case}"
    setup(idp)
    browser, response = _flow(live, tamper)
    assert response.status_code == 401 and "Single sign-on failed" in response.text, response.text
    assert reason in response.text
    assert browser.get("/home/joint").status_code == 303
    assert _user(live, f"neg-{case}") is None
    with unit_of_work(live.db, readonly=True) as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "auth.sso_failed")).first() is not None


@pytest.mark.asvs("V10.1.2")
def test_callback_from_another_browser_is_refused(live: Live, idp: Provider) -> None:
    _, authorize = _start(live)
    callback = httpx.get(authorize).headers["location"]
    with httpx.Client(base_url=live.base_url) as attacker:
        response = attacker.get(callback)
    assert response.status_code == 401 and "another browser" in response.text


@pytest.mark.asvs("V10.5.3")
def test_discovery_naming_another_issuer_is_refused(live: Live, idp: Provider) -> None:
    idp.discovery_issuer = "https://impersonated.example"
    browser = httpx.Client(base_url=live.base_url)
    page = browser.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    response = browser.post("/login/sso", data={"csrf_token": csrf.group(1)})
    assert response.status_code == 502 and "cannot be reached" in response.text


def test_no_signup_without_permission_and_bad_group_maps(
    live: Live, idp: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TANDEM_OIDC_ALLOW_SIGNUP", "false")
    get_settings.cache_clear()
    idp.identity.sub = "not-provisioned"
    response = _flow(live)[1]
    assert response.status_code == 401 and "no Tandem account" in response.text
    with pytest.raises(InvalidInput):
        oidc.parse_group_roles("admins=superuser@/")
    with pytest.raises(InvalidInput):
        oidc.parse_group_roles("admins=admin")
    assert oidc.parse_group_roles(" a=admin@/ , b=ciso@/IT/Ops/ ") == [
        oidc.RoleRule("a", "admin", "/"), oidc.RoleRule("b", "ciso", "/IT/Ops")]  # fmt: skip


def test_login_page_has_no_sso_button_when_not_configured(live: Live) -> None:
    assert "Sign in with SSO" not in httpx.get(f"{live.base_url}/login").text


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.asvs("V6.8.2")
def test_unsigned_and_algorithm_confusion_tokens_are_refused(idp: Provider) -> None:
    now = int(time.time())
    claims = {"iss": idp.issuer, "aud": idp.client_id, "sub": "x", "nonce": "n", "iat": now, "exp": now + 300}
    body = _b64(json.dumps(claims).encode())
    unsigned = _b64(json.dumps({"alg": "none"}).encode()) + f".{body}."
    public_pem = idp.key.as_pem(private=False)
    signing_input = f"{_b64(json.dumps({'alg': 'HS256', 'kid': 'good'}).encode())}.{body}"
    confused = f"{signing_input}.{_b64(hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest())}"
    good = idp.id_token(Identity(sub="x"), "n")
    assert oidc.validate_id_token(good, "n")["sub"] == "x"
    for token in (unsigned, confused):
        with pytest.raises(oidc.SsoFailed):
            oidc.validate_id_token(token, "n")


@pytest.mark.asvs("V7.6.1")
def test_max_age_is_asked_for_and_an_older_provider_sign_in_is_refused(
    live: Live, idp: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TANDEM_OIDC_MAX_AGE_MINUTES", "10")
    get_settings.cache_clear()
    idp.identity.sub = "max-age-sub"
    _, authorize = _start(live)
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(authorize).query)["max_age"] == ["600"]
    idp.claims_override = {"auth_time": int(time.time()) - 11 * 60}  # signed in at the provider 11 minutes ago
    refused = _flow(live)[1]
    assert refused.status_code == 401 and "too old" in refused.text and _user(live, "max-age-sub") is None
    idp.claims_override = {"auth_time": None}  # max_age asked for: auth_time is required
    assert _flow(live)[1].status_code == 401
    idp.claims_override = {"auth_time": int(time.time()) - 60}
    assert _flow(live)[1].status_code == 303


@pytest.mark.asvs("V6.8.4")
def test_the_required_authentication_strength_is_asked_for_checked_and_recorded(
    live: Live, idp: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TANDEM_OIDC_ACR_VALUES", "urn:example:mfa, phr")
    get_settings.cache_clear()
    idp.identity.sub = "acr-sub"
    _, authorize = _start(live)
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(authorize).query)["acr_values"] == ["urn:example:mfa phr"]
    for weak in ({"acr": "urn:example:password"}, {}):
        idp.claims_override = weak
        refused = _flow(live)[1]
        assert refused.status_code == 401 and "authentication strength" in refused.text
    idp.claims_override = {"acr": "phr", "amr": ["hwk", "pin"]}
    assert _flow(live)[1].status_code == 303
    user = _user(live, "acr-sub")
    assert user is not None
    with unit_of_work(live.db, readonly=True) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == str(user.id),
                                                   AuditEntry.action == "auth.sso_login")).one()  # fmt: skip
    assert entry.changes["acr"] == "phr" and entry.changes["amr"] == ["hwk", "pin"] and entry.changes["auth_time"]


@pytest.mark.asvs("V6.8.4", "V7.6.1")
def test_assurance_claims_are_checked_only_when_configured() -> None:
    now = 1_800_000_000.0
    settings = get_settings().model_copy(update={"oidc_max_age_minutes": 0, "oidc_acr_values": ""})
    oidc.check_assurance({"auth_time": int(now) - 86_400}, settings, now)  # no policy: any age, any strength
    with pytest.raises(oidc.SsoFailed, match="auth_time"):
        oidc.check_assurance({"auth_time": int(now) + 3600}, settings, now)  # never from the future
    strict = settings.model_copy(update={"oidc_max_age_minutes": 5, "oidc_acr_values": "gold"})
    oidc.check_assurance({"auth_time": int(now) - 299, "acr": "gold"}, strict, now)
    with pytest.raises(oidc.SsoFailed, match="too old"):
        oidc.check_assurance({"auth_time": int(now) - 301 - oidc.LEEWAY_SECONDS, "acr": "gold"}, strict, now)
