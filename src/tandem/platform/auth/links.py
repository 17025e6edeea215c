"""Secret links to one object's public page, for people without an account (vendor contacts, trainees).

A link is `<prefix>.<secret>`: the prefix finds the row, the secret is compared with its keyed digest in constant
time, so a guessed or edited link is indistinguishable from an unknown one.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.platform.auth.models import AccessLink
from tandem.platform.auth.tokens import digest, digest_matches
from tandem.platform.config import get_settings
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput, NotFound, PermissionDenied

_FORMAT = re.compile(r"^([a-f0-9]{12})\.([A-Za-z0-9_-]{43})$")


def max_lifetime() -> dt.timedelta:
    """Return the longest lifetime a link may be given (TANDEM_LINK_MAX_DAYS)."""
    return dt.timedelta(days=get_settings().link_max_days)


class LinkExpired(PermissionDenied):
    """The link was real but has expired or was revoked."""

    title = "Link expired"
    is_authorisation = False  # a dead link, not a policy decision: not an `authz.denied` audit entry


def issue_link(
    session: Session, *, purpose: str, subject_id: uuid.UUID, org_unit_id: uuid.UUID, expires_at: dt.datetime
) -> tuple[AccessLink, str]:
    """Create a link for one subject and return it with the secret token, which is never stored."""
    now = utcnow()
    if expires_at <= now:
        raise InvalidInput.one("expires_at", "must be in the future")
    longest = max_lifetime()
    if expires_at - now > longest:
        raise InvalidInput.one("expires_at", f"a link may live at most {longest.days} days")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    link = AccessLink(
        purpose=purpose, subject_id=subject_id, org_unit_id=org_unit_id, prefix=prefix,
        digest=digest(secret), expires_at=expires_at, use_count=0,
    )  # fmt: skip
    session.add(link)
    session.flush()
    return link, f"{prefix}.{secret}"


def resolve_link(session: Session, purpose: str, token: str) -> AccessLink:
    """Return the live link a token opens; NotFound if unknown or tampered, LinkExpired if expired or revoked."""
    match = _FORMAT.match(token or "")
    if match is None:
        raise NotFound("link not found")
    prefix, secret = match.groups()
    link = session.scalars(select(AccessLink).where(AccessLink.prefix == prefix)).first()
    expected = link.digest if link is not None else digest("no such link")
    if not digest_matches(expected, secret) or link is None or link.purpose != purpose:
        raise NotFound("link not found")
    now = utcnow()
    if link.revoked_at is not None or link.expires_at <= now:
        raise LinkExpired("this link has expired or was withdrawn; ask your contact for a new one")
    link.last_used_at, link.use_count = now, link.use_count + 1
    return link


def revoke_link(session: Session, link_id: uuid.UUID) -> None:
    """Withdraw a link now."""
    link = session.get(AccessLink, link_id)
    if link is None:
        raise NotFound("link not found")
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        session.flush()


def links_for(session: Session, purpose: str, subject_id: uuid.UUID) -> list[AccessLink]:
    """Return the links issued for a subject, newest first."""
    stmt = select(AccessLink).where(AccessLink.purpose == purpose, AccessLink.subject_id == subject_id)
    return list(session.scalars(stmt.order_by(AccessLink.created_at.desc())))
