"""OpenID Connect relying party: code flow with PKCE S256, state and nonce; ID tokens checked against the
issuer's JWKS; users keyed on (issuer, subject); roles synced from the provider's groups at every sign-in."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tandem.platform.auth.models import OidcRequest, OrgUnit
from tandem.platform.auth.roles import ROLES
from tandem.platform.config import Settings, get_settings
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, InvalidInput, NotAuthenticated
from tandem.platform.safety.urls import check_url, fetch

ALGORITHMS = ["RS256"]  # pinned: alg=none and HS256-with-the-public-key are never accepted
CACHE_SECONDS = 3600
MAX_DOCUMENT_BYTES = 256 * 1024
LEEWAY_SECONDS = 60


def request_lifetime() -> dt.timedelta:
    """Return how long a started SSO sign-in (state, nonce, PKCE verifier) stays valid."""
    return dt.timedelta(minutes=get_settings().sso_request_minutes)


class SsoFailed(NotAuthenticated):
    """The single sign-on response was refused (the reason is for the log and the page, never a secret)."""


# --- configuration -------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleRule:
    """Members of `group` get `role` on the unit at `path` (unit names from the root; "/" is the root)."""

    group: str
    role: str
    path: str


def enabled(settings: Settings | None = None) -> bool:
    """Return whether single sign-on is configured."""
    settings = settings or get_settings()
    return bool(settings.oidc_issuer and settings.oidc_client_id)


def parse_group_roles(raw: str) -> list[RoleRule]:
    """Parse TANDEM_OIDC_GROUP_ROLES: `group=role@/Unit/Path`, comma-separated."""
    rules = []
    for n, entry in enumerate(e.strip() for e in raw.split(",") if e.strip()):
        group, eq, rest = entry.partition("=")
        role, at, path = rest.partition("@")
        location = f"TANDEM_OIDC_GROUP_ROLES.{n}"
        if not eq or not group.strip() or not at or not path.startswith("/"):
            raise InvalidInput.one(location, f"{entry!r} is not of the form group=role@/Unit/Path")
        if role.strip() not in ROLES:
            raise InvalidInput.one(location, f"unknown role {role.strip()!r}")
        rules.append(RoleRule(group.strip(), role.strip(), "/" + path.strip().strip("/")))
    return rules


def unit_at(session: Session, path: str) -> OrgUnit:
    """Find the unit named by a path of names; the first segment is a child of the root."""
    unit = session.scalars(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.created_at)).first()
    for name in [p for p in path.split("/") if p]:
        if unit is None:
            break
        unit = session.scalars(select(OrgUnit).where(OrgUnit.parent_id == unit.id, OrgUnit.name == name)).first()
    if unit is None:
        raise Conflict(f"single sign-on is misconfigured: no org unit at {path!r}")
    return unit


# --- talking to the provider (every request through the outbound URL guard) ------------------

_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_cache_lock = threading.Lock()


def clear_cache() -> None:
    """Forget cached discovery documents and key sets (tests, key rotation)."""
    with _cache_lock:
        _cache.clear()


def _get_json(url: str, settings: Settings, cached: bool = True) -> dict[str, Any]:
    with _cache_lock:
        hit = _cache.get(url)
    if cached and hit is not None and hit[0] > time.monotonic():
        return hit[1]
    body = fetch(url, allow_hosts=settings.allow_hosts(), max_bytes=MAX_DOCUMENT_BYTES, max_redirects=0)
    document = json.loads(body)
    if not isinstance(document, dict):
        raise SsoFailed(f"{url} did not return a JSON object")
    with _cache_lock:
        _cache[url] = (time.monotonic() + CACHE_SECONDS, document)
    return document


def discovery(settings: Settings | None = None) -> dict[str, Any]:
    """Return the issuer's metadata, refusing a document that names another issuer (impersonation)."""
    settings = settings or get_settings()
    issuer = settings.oidc_issuer.rstrip("/")
    document = _get_json(f"{issuer}/.well-known/openid-configuration", settings)
    if document.get("issuer") != settings.oidc_issuer:
        raise SsoFailed("the provider's discovery document names a different issuer")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(document.get(key), str):
            raise SsoFailed(f"the provider's discovery document has no {key}")
    return document


def _post_form(url: str, data: dict[str, str], auth: tuple[str, str], settings: Settings) -> dict[str, Any]:
    """POST to the token endpoint, connecting only to the address the guard checked."""
    target = check_url(url, settings.allow_hosts())
    headers = {"Host": target.host_header, "Accept": "application/json"}
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    with httpx.Client(trust_env=False, follow_redirects=False, timeout=10.0) as client:
        response = client.post(target.connect_url, data=data, auth=auth, headers=headers, extensions=extensions)
    if len(response.content) > MAX_DOCUMENT_BYTES:
        raise SsoFailed("the token response is too large")
    if response.status_code != 200:
        raise SsoFailed(f"the provider refused the code (HTTP {response.status_code})")
    body = response.json()
    if not isinstance(body, dict):
        raise SsoFailed("the token response is not a JSON object")
    return body


# --- the flow ------------------------------------------------------------------------------


def browser_hash(cookie: str) -> str:
    """Return the stored form of the cookie that binds a request to one browser."""
    return hashlib.sha256(cookie.encode()).hexdigest()


def begin(session: Session, redirect_uri: str, next_path: str) -> tuple[str, str]:
    """Record a new authorisation request; return (provider URL to send the browser to, browser cookie)."""
    settings = get_settings()
    meta = discovery(settings)
    session.execute(delete(OidcRequest).where(OidcRequest.expires_at < utcnow()))
    state, nonce, verifier, cookie = (secrets.token_urlsafe(32) for _ in range(4))
    session.add(OidcRequest(
        state=state, browser_hash=browser_hash(cookie), nonce=nonce, code_verifier=verifier,
        next_path=next_path, expires_at=utcnow() + request_lifetime(),
    ))  # fmt: skip
    params = {
        "response_type": "code", "client_id": settings.oidc_client_id, "redirect_uri": redirect_uri,
        "scope": "openid profile email", "state": state, "nonce": nonce,
        "code_challenge": create_s256_code_challenge(verifier), "code_challenge_method": "S256",
    }  # fmt: skip
    if settings.oidc_max_age_minutes:  # the provider must re-authenticate anyone who signed in there longer ago
        params["max_age"] = str(settings.oidc_max_age_minutes * 60)
    if required_acr(settings):
        params["acr_values"] = " ".join(required_acr(settings))
    endpoint = meta["authorization_endpoint"]
    sep = "&" if "?" in endpoint else "?"
    return f"{endpoint}{sep}{urllib.parse.urlencode(params)}", cookie


def take_request(session: Session, state: str, cookie: str) -> OidcRequest:
    """Return and consume the request this browser started with this state (V10.1.2, V10.2.1)."""
    row = session.get(OidcRequest, state[:100]) if state else None
    if row is None or row.expires_at <= utcnow():
        raise SsoFailed("unknown or expired sign-in request (state); start again")
    if not cookie or not secrets.compare_digest(row.browser_hash, browser_hash(cookie)):
        raise SsoFailed("this sign-in was started in another browser; start again")
    session.delete(row)
    session.flush()
    return row


def _key_set(meta: dict[str, Any], settings: Settings, refresh: bool) -> KeySet:
    return KeySet.import_key_set(_get_json(meta["jwks_uri"], settings, cached=not refresh))  # type: ignore[arg-type]


def validate_id_token(id_token: str, nonce: str, settings: Settings | None = None) -> dict[str, Any]:
    """Verify the signature with the issuer's keys and the iss, aud, exp, iat and nonce claims."""
    settings = settings or get_settings()
    meta = discovery(settings)
    try:
        try:
            token = jwt.decode(id_token, _key_set(meta, settings, refresh=False), algorithms=ALGORITHMS)
        except JoseError:
            # The provider may have rotated its keys: fetch them once more, then give up.
            token = jwt.decode(id_token, _key_set(meta, settings, refresh=True), algorithms=ALGORITHMS)
        registry = jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS, iss={"essential": True, "value": settings.oidc_issuer},
            aud={"essential": True, "value": settings.oidc_client_id}, nonce={"essential": True, "value": nonce},
            exp={"essential": True}, iat={"essential": True}, sub={"essential": True},
        )  # fmt: skip
        registry.validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise SsoFailed(f"the ID token was refused ({type(exc).__name__})") from None
    claims = dict(token.claims)
    # A token minted for another purpose by the same issuer (an RFC 9068 access token "at+jwt", a logout token
    # carrying "events") has the right signature, issuer and audience: refuse it by its type (V9.2.2).
    if str(token.header.get("typ", "JWT")).lower() != "jwt" or "events" in claims:
        raise SsoFailed("the token is not an ID token (typ/events)")
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != settings.oidc_client_id:
        raise SsoFailed("the ID token was issued to another party (azp)")
    check_assurance(claims, settings)
    return claims


def required_acr(settings: Settings) -> list[str]:
    """Return the authentication strengths (acr values) an SSO login must show; empty = any."""
    return [v.strip() for v in settings.oidc_acr_values.split(",") if v.strip()]


def check_assurance(claims: dict[str, Any], settings: Settings, now: float | None = None) -> None:
    """Refuse an ID token whose sign-in at the provider is too old (auth_time vs TANDEM_OIDC_MAX_AGE_MINUTES) or too
    weak (acr not in TANDEM_OIDC_ACR_VALUES): ASVS V6.8.4 and V7.6.1."""
    now = time.time() if now is None else now
    auth_time = claims.get("auth_time")
    if auth_time is not None and (not isinstance(auth_time, int | float) or auth_time > now + LEEWAY_SECONDS):
        raise SsoFailed("the ID token's auth_time is not a past time")
    if settings.oidc_max_age_minutes:
        if auth_time is None:
            raise SsoFailed("the provider did not say when you signed in there (auth_time); sign in again")
        if now - auth_time > settings.oidc_max_age_minutes * 60 + LEEWAY_SECONDS:
            raise SsoFailed("your sign-in at the identity provider is too old for Tandem; sign in there again")
    wanted = required_acr(settings)
    if wanted and str(claims.get("acr", "")) not in wanted:
        shown = str(claims.get("acr") or "none")[:60]
        raise SsoFailed(f"the identity provider reports authentication strength {shown!r}; Tandem requires one of "
                        f"{', '.join(wanted)}")  # fmt: skip


def assurance(claims: dict[str, Any]) -> dict[str, Any]:
    """Return what the provider said about how the user signed in, for the audit log."""
    auth_time = claims.get("auth_time")
    when = dt.datetime.fromtimestamp(auth_time, dt.UTC).isoformat() if isinstance(auth_time, int | float) else None
    amr = claims.get("amr")
    return {"acr": str(claims.get("acr") or "")[:100] or None, "auth_time": when,
            "amr": [str(m)[:40] for m in amr][:10] if isinstance(amr, list) else None}  # fmt: skip


def finish(row: OidcRequest, code: str, redirect_uri: str, iss: str | None) -> dict[str, Any]:
    """Exchange the code (with the PKCE verifier) and return the checked ID token claims."""
    settings = get_settings()
    if iss is not None and iss != settings.oidc_issuer:
        raise SsoFailed("the response came from another issuer (mix-up)")
    meta = discovery(settings)
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "code_verifier": row.code_verifier}  # fmt: skip
    tokens = _post_form(meta["token_endpoint"], data, (settings.oidc_client_id, settings.oidc_client_secret), settings)
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise SsoFailed("the provider sent no ID token")
    # The access and refresh tokens are dropped here: the browser never sees them (V10.1.1).
    return validate_id_token(id_token, row.nonce, settings)
