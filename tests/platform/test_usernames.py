"""Usernames are one spelling per person: Unicode case and composition never create a second account or a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tandem.platform.auth import service
from tandem.platform.errors import Conflict
from tests.support.live import Live

ONLY_TWICE = "WHERE full_name = 'Same Name Twice'"


@pytest.mark.parametrize("second", ["À", "à", "A\u0300", "a\u0300"])
def test_non_ascii_username_clashes_in_any_case_and_composition(session, second: str) -> None:  # type: ignore[no-untyped-def]
    service.create_user(session, None, "\u00c0", password="a long enough pass phrase")
    with pytest.raises(Conflict, match="already exists"):
        service.create_user(session, None, second, password="a long enough pass phrase")
    assert service.find_user(session, second) is not None


def test_decomposed_username_is_stored_composed(session) -> None:  # type: ignore[no-untyped-def]
    user, _ = service.create_user(session, None, "Jose\u0301", password="a long enough pass phrase")
    assert user.username == "José"
    assert service.find_user(session, "JOSÉ") is user


def test_api_answers_conflict_not_server_error(live: Live) -> None:
    with live.client("admin") as client:
        first = client.post("/api/v1/auth/users", json={"username": "Ærøskøbing"})
        again = client.post("/api/v1/auth/users", json={"username": "ærøskøbing"})
    assert first.status_code == 201, first.text
    assert again.status_code == 409 and "already exists" in again.json()["detail"]


def test_a_uniqueness_race_is_a_conflict(live: Live) -> None:
    # Two requests racing past a service's check both reach the unique index: the loser gets 409, never 500.
    with live.db.engine.begin() as conn:
        conn.execute(text(f"CREATE UNIQUE INDEX IF NOT EXISTS test_race_fullname ON users (full_name) {ONLY_TWICE}"))
    try:
        with live.client("admin") as client:
            first = client.post("/api/v1/auth/users", json={"username": "racer.one", "full_name": "Same Name Twice"})
            second = client.post("/api/v1/auth/users", json={"username": "racer.two", "full_name": "Same Name Twice"})
    finally:
        with live.db.engine.begin() as conn:
            conn.execute(text("DROP INDEX test_race_fullname"))
    assert first.status_code == 201, first.text
    assert second.status_code == 409, second.text
    assert second.json()["title"] == "Conflict"
