"""A small but real OpenID Connect provider on loopback for end-to-end SSO tests.

It serves discovery, JWKS, an authorisation endpoint that signs in `provider.identity` at once, and a
token endpoint that checks the client secret, the redirect URI and the PKCE S256 verifier before issuing
an RS256-signed ID token. Tests misbehave it on purpose through `claims_override`, `signing_key` and
`discovery_issuer`.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.support.live import free_port


def new_key(kid: str) -> RSAKey:
    """Return a fresh RS256 signing key."""
    return RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"})


@dataclass
class Identity:
    """The person the provider signs in."""

    sub: str = "user-1"
    preferred_username: str = "sso.alice"
    email: str = "alice@example.test"
    name: str = "Alice SSO"
    groups: list[str] = field(default_factory=lambda: ["tandem-admins"])


@dataclass
class Provider:
    """The provider's configuration, state and knobs for negative tests."""

    client_id: str = "tandem-test"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    issuer: str = ""
    key: RSAKey = field(default_factory=lambda: new_key("good"))
    signing_key: RSAKey | None = None  # None = the published key
    identity: Identity = field(default_factory=Identity)
    claims_override: dict[str, Any] = field(default_factory=dict)
    discovery_issuer: str | None = None
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    _codes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def reset(self) -> None:
        """Undo every knob a test turned."""
        self.signing_key, self.claims_override, self.discovery_issuer = None, {}, None
        self.identity = Identity()
        self.authorize_requests.clear()

    # --- endpoints ----------------------------------------------------------------------

    def discovery(self, request: Request) -> Response:
        return JSONResponse({
            "issuer": self.discovery_issuer or self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize", "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks", "response_types_supported": ["code"],
            "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"], "scopes_supported": ["openid", "profile", "email"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "authorization_response_iss_parameter_supported": True,
        })  # fmt: skip

    def jwks(self, request: Request) -> Response:
        return JSONResponse(KeySet([self.key]).as_dict(private=False))

    def authorize(self, request: Request) -> Response:
        params = dict(request.query_params)
        self.authorize_requests.append(params)
        problems = [
            params.get("client_id") != self.client_id, params.get("response_type") != "code",
            "openid" not in params.get("scope", "").split(), params.get("code_challenge_method") != "S256",
            not params.get("code_challenge"), not params.get("state"), not params.get("redirect_uri"),
        ]  # fmt: skip
        if any(problems):
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = secrets.token_urlsafe(24)
        self._codes[code] = {"params": params, "identity": self.identity, "at": time.time()}
        query = urllib.parse.urlencode({"code": code, "state": params["state"], "iss": self.issuer})
        return RedirectResponse(f"{params['redirect_uri']}?{query}", status_code=302)

    async def token(self, request: Request) -> Response:
        form = await request.form()
        grant = self._codes.pop(str(form.get("code", "")), None)  # single use
        scheme, _, raw = request.headers.get("authorization", "").partition(" ")
        client = base64.b64decode(raw).decode() if scheme.lower() == "basic" else ""
        if client != f"{self.client_id}:{self.client_secret}":
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if grant is None or form.get("grant_type") != "authorization_code":
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        params = grant["params"]
        digest = hashlib.sha256(str(form.get("code_verifier", "")).encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if form.get("redirect_uri") != params["redirect_uri"] or challenge != params["code_challenge"]:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        return JSONResponse({
            "access_token": "at-" + secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
            "id_token": self.id_token(grant["identity"], params.get("nonce")),
        })  # fmt: skip

    def id_token(self, identity: Identity, nonce: str | None) -> str:
        """Sign an ID token for identity (with any overridden claims)."""
        now = int(time.time())
        claims = {
            "iss": self.issuer, "sub": identity.sub, "aud": self.client_id, "exp": now + 300, "iat": now,
            "auth_time": now, "nonce": nonce, "preferred_username": identity.preferred_username,
            "email": identity.email, "name": identity.name, "groups": identity.groups, **self.claims_override,
        }  # fmt: skip
        key = self.signing_key or self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, {k: v for k, v in claims.items() if v is not None}, key)

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/.well-known/openid-configuration", self.discovery), Route("/jwks", self.jwks),
            Route("/authorize", self.authorize), Route("/token", self.token, methods=["POST"]),
        ])  # fmt: skip


def start() -> tuple[Provider, uvicorn.Server, threading.Thread]:
    """Start the provider on a free loopback port and wait until it answers."""
    port = free_port()
    provider = Provider(issuer=f"http://127.0.0.1:{port}")
    server = uvicorn.Server(uvicorn.Config(provider.app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{provider.issuer}/jwks", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    return provider, server, thread
