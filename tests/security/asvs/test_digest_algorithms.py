"""ASVS V11.2.2 crypto agility: every stored token and link digest names its algorithm; digests stored before that
(bare hex HMAC-SHA256) still verify, the migration names them, and a digest under an unknown algorithm opens nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from tandem.platform.auth import service as auth
from tandem.platform.auth import tokens
from tandem.platform.auth.links import issue_link, resolve_link
from tandem.platform.auth.models import AccessLink, ApiToken
from tandem.platform.db import migrate
from tandem.platform.db.types import utcnow
from tandem.platform.db.uow import unit_of_work
from tandem.platform.errors import NotFound
from tests.support.databases import drop_database, new_database


def _token(session: Session) -> tuple[ApiToken, str]:
    user, _ = auth.create_user(
        session, None, f"agile-{uuid.uuid4().hex[:6]}", password="correct horse battery staple 42"
    )
    return tokens.new_token(session, user, "t", ["*:read"], None)


@pytest.mark.asvs("V11.2.2")
def test_new_digests_name_their_algorithm(session: Session) -> None:
    token, secret = _token(session)
    assert token.digest.startswith("hmac-sha256:") and len(token.digest) == len("hmac-sha256:") + 64
    assert tokens.resolve(session, secret) is token
    unit = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    link, opener = issue_link(session, purpose="p", subject_id=uuid.uuid4(), org_unit_id=unit.id,
                              expires_at=utcnow() + dt.timedelta(days=1))  # fmt: skip
    assert link.digest.startswith("hmac-sha256:") and resolve_link(session, "p", opener) is link


@pytest.mark.asvs("V11.2.2")
def test_legacy_digests_verify_and_unknown_algorithms_open_nothing(session: Session) -> None:
    token, secret = _token(session)
    bare = token.digest.split(":", 1)[1]
    session.execute(update(ApiToken).where(ApiToken.id == token.id).values(digest=bare))
    session.expire_all()
    assert tokens.resolve(session, secret) is not None  # stored before algorithms were named
    session.execute(update(ApiToken).where(ApiToken.id == token.id).values(digest=f"sha3-512:{bare}"))
    session.expire_all()
    assert tokens.resolve(session, secret) is None
    assert not tokens.digest_matches(f"md5:{bare}", secret) and not tokens.digest_matches(
        "hmac-sha256:" + "0" * 64, secret
    )


@pytest.mark.asvs("V11.2.2")
def test_the_migration_names_stored_digests_and_downgrades(backend: str, tmp_path: Path) -> None:
    database, handle = new_database(backend, tmp_path)
    try:
        with unit_of_work(database) as s:
            _, secret = _token(s)
            unit = auth.create_unit(s, None, "Org", None)
            _, opener = issue_link(s, purpose="p", subject_id=uuid.uuid4(), org_unit_id=unit.id,
                                   expires_at=utcnow() + dt.timedelta(days=1))  # fmt: skip
        migrate.downgrade(database.engine, "0003_platform_mfa_sso")
        with database.engine.connect() as conn:
            stored = conn.execute(text("SELECT digest FROM api_tokens")).scalars().all()
            links = conn.execute(text("SELECT digest FROM access_links")).scalars().all()
        assert stored and all(":" not in d and len(d) == 64 for d in [*stored, *links])
        migrate.upgrade(database.engine)
        assert migrate.pending_heads(database.engine) == []
        with unit_of_work(database) as s:
            assert all(d.startswith("hmac-sha256:") for d in s.scalars(select(ApiToken.digest)))
            assert all(d.startswith("hmac-sha256:") for d in s.scalars(select(AccessLink.digest)))
            assert tokens.resolve(s, secret) is not None and resolve_link(s, "p", opener) is not None
            with pytest.raises(NotFound):
                resolve_link(s, "p", opener[:-1] + ("A" if opener[-1] != "A" else "B"))
    finally:
        drop_database(database, handle)
