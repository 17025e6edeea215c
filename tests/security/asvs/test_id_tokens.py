"""ASVS V9 (self-contained tokens) for the ID tokens Tandem accepts at single sign-on: checked against the keys of
the configured issuer only, with a pinned algorithm, for this client and this purpose; the provider is a real one
on loopback (tests/support/oidc_provider.py), so keys are fetched from its JWKS over HTTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from tandem.platform.auth import oidc
from tandem.platform.config import get_settings
from tests.support.live import Live
from tests.support.oidc_provider import Identity, Provider, new_key, start

NONCE = "nonce-of-this-flow"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    """The loopback provider, configured as Tandem's issuer for this module."""
    idp, server, thread = start()
    port = urllib.parse.urlsplit(idp.issuer).port
    env = {
        "TANDEM_OIDC_ISSUER": idp.issuer, "TANDEM_OIDC_CLIENT_ID": idp.client_id,
        "TANDEM_OIDC_CLIENT_SECRET": idp.client_secret, "TANDEM_OUTBOUND_ALLOW_HOSTS": f"127.0.0.1:{port}",
    }  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        get_settings.cache_clear()
        oidc.clear_cache()
        yield idp
    get_settings.cache_clear()
    oidc.clear_cache()
    server.should_exit = True
    thread.join(timeout=10)


def claims(idp: Provider, **override: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"iss": idp.issuer, "aud": idp.client_id, "sub": "v9-user", "nonce": NONCE, "iat": now, "exp": now + 300}
    return {k: v for k, v in {**base, **override}.items() if v is not None}


def sign(key: Any, body: dict[str, Any], **header: Any) -> str:
    return jwt.encode({"alg": "RS256", "kid": key.kid, **header}, body, key)


def refused(token: str) -> bool:
    try:
        oidc.validate_id_token(token, NONCE)
    except oidc.SsoFailed:
        return True
    return False


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.asvs("V9.1.1")
def test_signature_is_verified_before_any_claim_is_used(provider: Provider) -> None:
    good = sign(provider.key, claims(provider))
    assert oidc.validate_id_token(good, NONCE)["sub"] == "v9-user"
    header, _, signature = good.split(".")
    forged_body = b64(json.dumps(claims(provider, sub="admin-of-another-tenant")).encode())
    assert refused(f"{header}.{forged_body}.{signature}")  # payload edited after signing
    assert refused(f"{header}.{good.split('.')[1]}.{b64(b'0' * 256)}")  # signature replaced
    assert refused(sign(new_key("good"), claims(provider)))  # same kid, key the issuer never published


@pytest.mark.asvs("V9.1.2")
def test_only_the_pinned_algorithm_is_accepted(provider: Provider) -> None:
    body = b64(json.dumps(claims(provider)).encode())
    assert refused(f"{b64(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{body}.")
    ec = ECKey.generate_key("P-256", parameters={"kid": "good"})
    assert refused(jwt.encode({"alg": "ES256", "kid": "good"}, claims(provider), ec))
    # HS256 keyed with the issuer's public key (the classic RS/HS confusion), built by hand.
    signing_input = f"{b64(json.dumps({'alg': 'HS256', 'kid': 'good'}).encode())}.{body}"
    mac = hmac.new(provider.key.as_pem(private=False), signing_input.encode(), hashlib.sha256).digest()
    assert refused(f"{signing_input}.{b64(mac)}")


@pytest.mark.asvs("V9.1.3")
def test_keys_come_only_from_the_configured_issuer(provider: Provider) -> None:
    attacker = RSAKey.generate_key(2048, parameters={"kid": "attacker"})
    public = attacker.as_dict(private=False)
    for header in (
        {"jwk": public},  # key embedded in the token
        {"jku": "http://127.0.0.1:9/jwks.json"},  # key set named by the token
        {"x5u": "http://127.0.0.1:9/cert.pem"},
        {"jwk": {**public, "kid": "good"}, "kid": "good"},
    ):
        assert refused(sign(attacker, claims(provider), **header)), header
    assert refused(sign(attacker, claims(provider, iss="http://127.0.0.1:9")))


@pytest.mark.asvs("V9.2.3", "V9.2.4")
def test_tokens_for_another_audience_are_refused(provider: Provider) -> None:
    key = provider.key
    assert refused(sign(key, claims(provider, aud="another-client")))
    assert refused(sign(key, claims(provider, aud=["another-client", "a-third-one"])))
    assert refused(sign(key, claims(provider, aud=None)))
    # Shared between audiences: accepted only when this client is the authorised party.
    shared = claims(provider, aud=[provider.client_id, "another-client"])
    assert refused(sign(key, {**shared, "azp": "another-client"}))
    assert refused(sign(key, shared))
    assert oidc.validate_id_token(sign(key, {**shared, "azp": provider.client_id}), NONCE)["sub"] == "v9-user"


@pytest.mark.asvs("V9.2.2")
def test_tokens_made_for_another_purpose_are_refused(provider: Provider) -> None:
    key = provider.key
    # An access token of the same provider: no nonce of this flow, and typed as an access token.
    assert refused(sign(key, claims(provider, nonce=None, scope="openid"), typ="at+jwt"))
    # A back-channel logout token: events claim, no nonce.
    events: dict[str, dict[str, str]] = {"http://schemas.openid.net/event/backchannel-logout": {}}
    assert refused(sign(key, claims(provider, nonce=None, events=events), typ="logout+jwt"))
    # The right nonce does not make another kind of token an ID token.
    assert refused(sign(key, claims(provider, scope="openid"), typ="at+jwt"))
    assert provider.id_token(Identity(sub="v9-user"), NONCE)


@pytest.mark.asvs("V7.6.2")
def test_single_sign_on_starts_only_from_the_users_own_click(live: Live, provider: Provider) -> None:
    with httpx.Client(base_url=live.base_url, timeout=30) as browser:
        page = browser.get("/login")
        assert page.status_code == 200 and "Sign in with SSO" in page.text  # offered, never started by itself
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        started = browser.post("/login/sso", data={"csrf_token": token})
    with httpx.Client(base_url=live.base_url, timeout=30) as other:
        assert other.get("/login/sso").status_code == 405  # no top-level GET can start it
        assert other.post("/login/sso", data={}).status_code == 403  # nor a cross-site form without the token
    assert started.status_code == 303
    authorize = urllib.parse.urlsplit(started.headers["location"])
    params = urllib.parse.parse_qs(authorize.query)
    assert authorize.geturl().startswith(provider.issuer)
    assert params.get("prompt", ["login"])[0] != "none"  # never a silent sign-in at the provider
    with httpx.Client(base_url=live.base_url) as stranger:  # an answer for a flow this browser never started
        callback = stranger.get("/login/sso/callback", params={"state": params["state"][0], "code": "x"})
        assert callback.status_code == 401 and "tandem_session" not in callback.headers.get("set-cookie", "")
