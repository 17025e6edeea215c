"""API tokens: random secrets shown once, stored as keyed digests, with scopes and expiry."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.platform.auth.models import ApiToken, User
from tandem.platform.auth.roles import all_actions
from tandem.platform.config import get_settings
from tandem.platform.db.paging import ListSpec, Page, PageRequest, apply_page
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput, NotFound

TOKEN_LIST = ListSpec(("created_at", "name"), "created_at", (), ("name",))
TOKEN_PREFIX = "tdm_"  # noqa: S105 - not a secret; lets secret scanners recognise leaked Tandem tokens
_FORMAT = re.compile(r"^tdm_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{32,64})$")


def _hmac_sha256(secret: str) -> str:
    return hmac.new(get_settings().key("secret"), secret.encode(), hashlib.sha256).hexdigest()


# Crypto agility (ASVS V11.2.2): every stored digest names its algorithm, so a new one can be added here and
# used for new secrets while those stored under an older one keep verifying.
ALGORITHM = "hmac-sha256"
_DIGESTS = {"hmac-sha256": _hmac_sha256}
LEGACY_ALGORITHM = "hmac-sha256"  # what a bare hex digest, stored before algorithms were named, was made with


def digest(secret: str) -> str:
    """Return the stored form of a secret: `<algorithm>:<hex>` (HMAC-SHA256 under the server pepper)."""
    return f"{ALGORITHM}:{_DIGESTS[ALGORITHM](secret)}"


def digest_matches(stored: str, secret: str) -> bool:
    """Return whether secret matches a stored digest, whichever known algorithm made it (constant time)."""
    algorithm, _, value = stored.rpartition(":")
    make = _DIGESTS.get(algorithm or LEGACY_ALGORITHM)
    if make is None:
        hmac.compare_digest(value, _hmac_sha256(secret))  # same work as a real check, then refuse
        return False
    return hmac.compare_digest(value, make(secret))


def valid_scopes() -> set[str]:
    """Return every scope a token may carry: <domain>:read|write and *:read|write."""
    domains = {a.domain for a in all_actions()} | {"*"}
    return {f"{d}:{m}" for d in domains for m in ("read", "write")}


def check_scopes(scopes: list[str]) -> list[str]:
    """Validate scopes; raise a located error naming the bad ones."""
    if not scopes:
        raise InvalidInput.one("scopes", "give at least one scope, e.g. *:read")
    bad = sorted(set(scopes) - valid_scopes())
    if bad:
        raise InvalidInput.one("scopes", f"unknown scope(s) {', '.join(bad)}; use <domain>:read|write or *:read")
    return sorted(set(scopes))


def new_token(
    session: Session, user: User, name: str, scopes: list[str], expires_at: dt.datetime | None
) -> tuple[ApiToken, str]:
    """Create a token for user and return it with the plaintext, which is never stored."""
    if not name.strip():
        raise InvalidInput.one("name", "must not be empty")
    if expires_at is not None and expires_at <= utcnow():
        raise InvalidInput.one("expires_at", "must be in the future")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name.strip()[:100], prefix=prefix, digest=digest(secret),
        scopes=check_scopes(scopes), expires_at=expires_at,
    )  # fmt: skip
    session.add(token)
    session.flush()
    return token, f"{TOKEN_PREFIX}{prefix}_{secret}"


def resolve(session: Session, presented: str) -> ApiToken | None:
    """Return the live token matching a presented bearer string, or None."""
    match = _FORMAT.match(presented.strip())
    if match is None:
        return None
    token = session.scalars(select(ApiToken).where(ApiToken.prefix == match.group(1))).first()
    if token is None or not digest_matches(token.digest, match.group(2)):
        return None
    now = utcnow()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    return token


def revoke(session: Session, user_id: uuid.UUID, token_id: uuid.UUID, any_user: bool = False) -> ApiToken:
    """Revoke a token of user_id (or anyone's, for administrators)."""
    stmt = select(ApiToken).where(ApiToken.id == token_id)
    if not any_user:
        stmt = stmt.where(ApiToken.user_id == user_id)
    token = session.scalars(stmt).first()
    if token is None:
        raise NotFound("token not found")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    session.flush()
    return token


def list_for_user(session: Session, user_id: uuid.UUID, req: PageRequest) -> Page[ApiToken]:
    """List a user's own tokens."""
    return apply_page(session, select(ApiToken).where(ApiToken.user_id == user_id), ApiToken, req)
