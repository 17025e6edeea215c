"""ASVS V7.4.3 and V7.4.5: a credential change ends the sessions that might have been stolen, whether the user
changes the password or an administrator resets it."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy.orm import Session

from tandem.platform.auth import service, sessions

OLD, NEW = "an old enough pass phrase", "a brand new pass phrase"


@pytest.mark.asvs("V7.4.3")
def test_changing_the_password_ends_the_other_sessions(session: Session) -> None:
    user, _ = service.create_user(session, None, f"rotate-{secrets.token_hex(3)}", password=OLD)
    stolen = sessions.start_session(session, user, "198.51.100.7", "attacker")
    sessions.start_session(session, user, "127.0.0.1", "owner")
    service.change_password(session, user, OLD, NEW)
    assert sessions.resolve_session(session, stolen.cookie_value) is None


@pytest.mark.asvs("V7.4.5")
def test_an_administrators_password_reset_ends_the_users_sessions(session: Session) -> None:
    user, _ = service.create_user(session, None, f"reset-{secrets.token_hex(3)}", password=OLD)
    live_session = sessions.start_session(session, user, "198.51.100.7", "attacker")
    service.reset_password(session, None, user.id)
    assert sessions.resolve_session(session, live_session.cookie_value) is None
