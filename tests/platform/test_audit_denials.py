"""The flood bound of `authz.denied` entries: one per caller, method and route a minute, the rest counted into the
next entry; at most `cap` entries per caller a minute."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from tandem.platform.audit import denials
from tandem.platform.audit.denials import Throttle
from tandem.platform.audit.models import AuditEntry
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.uow import Actor, Database, unit_of_work
from tandem.platform.errors import PermissionDenied


@pytest.mark.asvs("V16.3.2")
def test_refusals_coalesce_per_caller_and_route_and_minute() -> None:
    gate = Throttle(cap=2)
    key = ("user", "u1", "GET", "/api/v1/auth/users")
    assert gate.decide(key, now=60.0) == {"coalesced": 0, "unrecorded_over_cap": 0}
    assert all(gate.decide(key, now=61.0 + i) is None for i in range(10))  # same minute: counted only
    assert gate.decide(key, now=120.0) == {"coalesced": 10, "unrecorded_over_cap": 0}  # next minute carries them
    assert gate.decide(("user", "u2", "GET", "/api/v1/auth/users"), now=121.0) is not None  # another caller


def test_each_caller_is_capped_and_the_surplus_reported() -> None:
    gate = Throttle(cap=2)
    routes = [("user", "u1", "GET", f"/r{i}") for i in range(5)]
    decided = [gate.decide(key, now=0.0) for key in routes]
    assert [d is not None for d in decided] == [True, True, False, False, False]
    assert gate.decide(routes[0], now=60.0) == {"coalesced": 0, "unrecorded_over_cap": 3}


def test_a_failed_write_is_counted_into_the_next_entry() -> None:
    gate = Throttle(cap=5)
    key = ("token", "u1", "POST", "/x")
    counts = gate.decide(key, now=0.0)
    assert counts is not None
    gate.give_back(key, counts)
    assert gate.decide(key, now=60.0) == {"coalesced": 1, "unrecorded_over_cap": 0}


@pytest.mark.asvs("V16.3.2")
def test_a_refusal_caught_by_a_page_form_is_recorded_with_the_request(db: Database) -> None:
    denials.reset()
    rid = uuid.uuid4().hex
    nobody = Principal(user_id=uuid.uuid4(), username="formless")
    with unit_of_work(db, actor=Actor("user", str(nobody.user_id), "formless"), request_id=rid) as session:
        with pytest.raises(PermissionDenied):
            require(session, nobody, "users.edit")
        session.rollback()  # what a form's discard() does before answering the form again
        assert denials.record_noted(session)
        assert not denials.record_noted(session)  # the note is used once
    with unit_of_work(db, readonly=True) as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.request_id == rid)).one()
    assert entry.action == "authz.denied" and entry.actor_label == "formless"
    assert entry.changes["action"] == "users.edit" and entry.changes["status"] == "form"
