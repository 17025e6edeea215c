"""Read and tamper with the audit chain directly in the database, bypassing the writer (as an attacker would)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, text, update
from sqlalchemy.orm import Session

from tandem.platform.audit.chain import entry_hash
from tandem.platform.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from tandem.platform.audit.verify import VerifyReport, verify_chain
from tandem.platform.auth.models import Meta
from tandem.platform.config import get_settings
from tandem.platform.db.uow import Actor, Database

ENTRIES = cast(Table, AuditEntry.__table__)
CHECKPOINTS = cast(Table, AuditCheckpoint.__table__)


@contextmanager
def rolled_back(database: Database, actor: Actor | None = None) -> Iterator[Session]:
    """Yield a session whose whole transaction is rolled back at the end (savepoints for commits)."""
    conn = database.engine.connect()
    trans = conn.begin()
    session = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    session.info.update(actor=actor or Actor("user", "u-1", "alice"), request_id=uuid.uuid4().hex)
    try:
        yield session
    finally:
        session.close()
        trans.rollback()
        conn.close()


def head(session: Session) -> tuple[int, str] | None:
    """Return (seq, hash) of the head row, or None when there is none."""
    row = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    return (int(row.seq), str(row.hash)) if row else None


def rows(session: Session, after: int = 0) -> list[dict[str, Any]]:
    """Return the entries after seq `after`, in order, as plain dicts."""
    stmt = select(*ENTRIES.columns).where(ENTRIES.c.seq > after).order_by(ENTRIES.c.seq)
    return [dict(r) for r in session.execute(stmt).mappings()]


def checkpoints(session: Session) -> list[dict[str, Any]]:
    """Return the stored checkpoints as the export file would hold them."""
    stmt = select(CHECKPOINTS.c.seq, CHECKPOINTS.c.hash, CHECKPOINTS.c.mac).order_by(CHECKPOINTS.c.seq)
    return [dict(r) for r in session.execute(stmt).mappings()]


def sql(session: Session, statement: str, **params: Any) -> None:
    """Run raw SQL on the session's connection."""
    session.execute(text(statement), params)


def edit(session: Session, seq: int, **values: Any) -> None:
    """Overwrite columns of one entry (typed values such as JSON or timestamps)."""
    session.execute(update(ENTRIES).where(ENTRIES.c.seq == seq).values(**values))


def swap(session: Session, a: int, b: int) -> None:
    """Swap everything but the seq of two entries."""
    first, second = (rows(session, s - 1)[0] for s in (a, b))
    for seq, body in ((a, second), (b, first)):
        values = {k: v for k, v in body.items() if k != "seq"}
        session.execute(update(ENTRIES).where(ENTRIES.c.seq == seq).values(**values))


def insert_at(session: Session, at: int, well_formed: bool) -> int:
    """Shift entries >= at up by one and insert a forged entry at `at` (linked and hashed if well_formed).

    Return the first entry that no longer verifies: the forgery itself, or the one after a well-formed forgery.
    """
    # Two steps so the primary key is never duplicated mid-statement.
    sql(session, "UPDATE audit_entries SET seq = -(seq + 1) WHERE seq >= :at", at=at)
    sql(session, "UPDATE audit_entries SET seq = -seq WHERE seq < 0")
    before = rows(session, at - 2)[0]
    forged = {**before, "seq": at, "actor_label": "mallory", "prev_hash": before["hash"]}
    forged["hash"] = entry_hash(forged) if well_formed else "f" * 64
    session.execute(insert(ENTRIES).values(**forged))
    last = rows(session, 0)[-1]
    sql(session, "UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1", seq=last["seq"], hash=last["hash"])
    return at + 1 if well_formed else at


def append_behind_writer(session: Session) -> int:
    """Add a correctly linked and hashed entry after the last one without moving the head; return its seq."""
    last = rows(session, 0)[-1]
    forged = {**last, "seq": last["seq"] + 1, "action": "forged", "prev_hash": last["hash"]}
    forged["hash"] = entry_hash(forged)
    session.execute(insert(ENTRIES).values(**forged))
    return int(forged["seq"])


def truncate(session: Session, keep: int) -> None:
    """Delete entries and stored checkpoints after `keep` and point the head at the new end (a careful attacker)."""
    session.execute(delete(ENTRIES).where(ENTRIES.c.seq > keep))
    session.execute(delete(CHECKPOINTS).where(CHECKPOINTS.c.seq > keep))
    last = rows(session, keep - 1)[0]
    sql(session, "UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1", seq=keep, hash=last["hash"])


def rewrite_from(session: Session, seq: int, changes: dict[str, Any]) -> None:
    """Edit entry seq and recompute every hash after it and the head: a chain that links perfectly."""
    chain = rows(session, seq - 1)
    prev = chain[0]["prev_hash"]
    chain[0]["changes"] = changes
    for entry in chain:
        entry["prev_hash"] = prev
        entry["hash"] = prev = entry_hash(entry)
        session.execute(
            update(ENTRIES)
            .where(ENTRIES.c.seq == entry["seq"])
            .values(changes=entry["changes"], prev_hash=entry["prev_hash"], hash=entry["hash"])
        )
    sql(session, "UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1", seq=chain[-1]["seq"], hash=prev)


def fill(session: Session, count: int) -> None:
    """Write `count` entries through the ORM hook (seq 1..count in an empty chain)."""
    for i in range(count):
        session.add(Meta(key=f"fill-{i}", value=str(i)))
        session.flush()


def verify(session: Session, exported: list[dict[str, Any]] | None = None) -> VerifyReport:
    """Verify the chain with this run's audit key."""
    return verify_chain(session, get_settings().key("audit"), exported)


def entries_about(session: Session, entity_id: str) -> list[AuditEntry]:
    """Return the entries naming one entity, oldest first."""
    stmt = select(AuditEntry).where(AuditEntry.entity_id == entity_id).order_by(AuditEntry.seq)
    return list(session.scalars(stmt))
