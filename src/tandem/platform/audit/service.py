"""Reading, verifying and signing the audit log; there is deliberately no way to change it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.platform.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from tandem.platform.audit.verify import VerifyReport, load_checkpoint_file, verify_chain
from tandem.platform.audit.writer import checkpoint_file, export_checkpoints, make_checkpoint
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.db.paging import ListSpec, Page, PageRequest, apply_page

LIST_SPEC = ListSpec(
    sort_fields=("seq", "ts"), default_sort="seq",
    filter_fields=("action", "entity_type", "entity_id", "actor_id", "actor_kind", "request_id"),
    search_fields=("actor_label", "entity_type", "action"),
)  # fmt: skip


def list_entries(
    session: Session, principal: Principal, req: PageRequest,
    since: dt.datetime | None = None, until: dt.datetime | None = None,
) -> Page[AuditEntry]:  # fmt: skip
    """List entries for auditors and administrators, newest first by default."""
    require(session, principal, "audit.view")
    stmt = select(AuditEntry)
    if since is not None:
        stmt = stmt.where(AuditEntry.ts >= since)
    if until is not None:
        stmt = stmt.where(AuditEntry.ts < until)
    return apply_page(session, stmt, AuditEntry, req)


def entries_for(session: Session, entity_type: str, entity_id: str, limit: int = 50) -> list[AuditEntry]:
    """Return the latest entries about one object (its history on detail pages)."""
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.seq.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def verify(session: Session, principal: Principal | None = None) -> VerifyReport:
    """Verify the chain against stored and exported checkpoints."""
    if principal is not None:
        require(session, principal, "audit.view")
    return verify_chain(session, get_settings().key("audit"), load_checkpoint_file(checkpoint_file()))


def sign_checkpoint(session: Session) -> int | None:
    """Sign the current head now (the worker does this every few minutes); return its seq."""
    head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    if head is None or head.seq == 0 or session.get(AuditCheckpoint, head.seq) is not None:
        return None
    row = make_checkpoint(head.seq, head.hash)
    session.add(AuditCheckpoint(**row))
    session.flush()
    session.info.setdefault("after_commit", []).append(lambda: export_checkpoints([row]))
    return int(head.seq)


def restart_export(session: Session) -> None:
    """After a restore: set the old export aside (it names entries that are gone) and export anew."""
    path = checkpoint_file()
    if path.exists():
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        path.rename(path.with_name(f"{path.name}.before-restore-{stamp}"))
    rows: list[dict[str, Any]] = [
        {"seq": c.seq, "hash": c.hash, "mac": c.mac, "created_at": c.created_at}
        for c in session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq))
    ]
    export_checkpoints(rows)
    sign_checkpoint(session)
