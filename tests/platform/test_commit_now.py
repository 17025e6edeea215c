"""A unit of work committed before its block ends (the server does it as a write route returns)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from tandem.platform.audit.models import AuditEntry
from tandem.platform.auth.models import Meta
from tandem.platform.db.uow import Database, commit_now, unit_of_work


def test_commit_now_makes_the_write_and_its_audit_entry_durable_before_the_block_ends(db: Database) -> None:
    key, calls = f"commit-now-{uuid.uuid4().hex[:8]}", []
    with unit_of_work(db) as session:
        session.add(Meta(key=key, value="early"))
        session.info.setdefault("after_commit", []).append(lambda: calls.append("after"))
        commit_now(session)
        assert calls == ["after"]
        with unit_of_work(db, readonly=True) as other:  # another connection already sees it
            assert other.scalar(select(Meta.value).where(Meta.key == key)) == "early"
            assert other.scalar(select(AuditEntry.seq).where(AuditEntry.entity_id == key)) is not None
        commit_now(session)  # a second call does nothing
    assert calls == ["after"]  # the end of the block does not commit again


def test_work_after_commit_now_is_rolled_back_at_the_end_of_the_block(db: Database) -> None:
    key = f"commit-now-{uuid.uuid4().hex[:8]}"
    with unit_of_work(db) as session:
        session.add(Meta(key=key, value="kept"))
        commit_now(session)
        session.get(Meta, key).value = "not kept"  # type: ignore[union-attr]
        session.flush()
    with unit_of_work(db, readonly=True) as session:
        assert session.scalar(select(Meta.value).where(Meta.key == key)) == "kept"
