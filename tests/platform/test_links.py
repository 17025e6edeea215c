"""Secret links: only the exact token opens its own purpose; expiry, revocation and guessing; rate limiting."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy.orm import Session

from tandem.platform.api.ratelimit import WINDOW_S, SlidingWindow
from tandem.platform.audit.models import AuditEntry
from tandem.platform.auth import service as auth
from tandem.platform.auth.links import LinkExpired, issue_link, links_for, resolve_link, revoke_link
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput, NotFound

PURPOSE = "vendors.questionnaire"


def _link(session: Session, days: float = 7) -> tuple[uuid.UUID, str, uuid.UUID]:
    unit = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    subject = uuid.uuid4()
    link, token = issue_link(session, purpose=PURPOSE, subject_id=subject, org_unit_id=unit.id,
                             expires_at=utcnow() + dt.timedelta(days=days))  # fmt: skip
    return link.id, token, subject


def test_the_token_opens_its_subject_and_counts_uses(session: Session) -> None:
    link_id, token, subject = _link(session)
    link = resolve_link(session, PURPOSE, token)
    assert (link.id, link.subject_id, link.use_count) == (link_id, subject, 1)
    assert resolve_link(session, PURPOSE, token).use_count == 2
    assert [x.id for x in links_for(session, PURPOSE, subject)] == [link_id]


def test_the_secret_is_stored_only_as_a_redacted_digest(session: Session) -> None:
    link_id, token, _ = _link(session)
    secret = token.split(".")[1]
    entry = session.query(AuditEntry).filter(AuditEntry.entity_id == str(link_id)).one()
    assert secret not in str(entry.changes) and "digest" in str(entry.changes)


@pytest.mark.parametrize("tamper", ["flip", "prefix", "purpose", "garbage", "empty"])
def test_tampered_guessed_or_foreign_tokens_are_not_found(session: Session, tamper: str) -> None:
    _, token, _ = _link(session)
    prefix, secret = token.split(".")
    purpose = PURPOSE
    if tamper == "flip":
        token = f"{prefix}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"
    elif tamper == "prefix":
        token = f"{'0' * 12}.{secret}"
    elif tamper == "purpose":
        purpose = "training.quiz"
    elif tamper == "garbage":
        token = "../../etc/passwd"
    else:
        token = ""
    with pytest.raises(NotFound):
        resolve_link(session, purpose, token)


def test_expired_and_revoked_links_say_so(session: Session) -> None:
    link_id, token, _ = _link(session)
    revoke_link(session, link_id)
    with pytest.raises(LinkExpired):
        resolve_link(session, PURPOSE, token)
    _, other, _ = _link(session)
    link = resolve_link(session, PURPOSE, other)
    link.expires_at = utcnow() - dt.timedelta(seconds=1)
    session.flush()
    with pytest.raises(LinkExpired):
        resolve_link(session, PURPOSE, other)


def test_lifetime_is_bounded(session: Session) -> None:
    with pytest.raises(InvalidInput):
        _link(session, days=-1)
    with pytest.raises(InvalidInput):
        _link(session, days=400)


def test_sliding_window_limits_per_address_and_recovers() -> None:
    window = SlidingWindow()
    assert all(window.allow("10.0.0.1", 3, now=100.0 + n) for n in range(3))
    assert not window.allow("10.0.0.1", 3, now=103.0)
    assert window.allow("10.0.0.2", 3, now=103.0)  # another address has its own budget
    assert window.allow("10.0.0.1", 3, now=100.0 + WINDOW_S + 1.5)
