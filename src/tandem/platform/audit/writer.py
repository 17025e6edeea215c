"""The session hook that writes one chained audit entry per changed row, in the same transaction."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import event, insert, inspect, select, update
from sqlalchemy.orm import Session

from tandem.platform.audit.chain import GENESIS, checkpoint_mac, entry_hash, jsonable
from tandem.platform.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from tandem.platform.config import get_settings
from tandem.platform.db.base import Base
from tandem.platform.db.types import utcnow

REDACTED = "***"


def _digest(value: Any) -> str | None:
    """Return "sha256:<hex>" of a value: text as its UTF-8 bytes (so a stored JSON document hashes as itself),
    anything else as its canonical JSON; None stays None."""
    if value is None:
        return None
    if isinstance(value, str | bytes):
        data = value.encode() if isinstance(value, str) else value
    else:
        data = orjson.dumps(jsonable(value), option=orjson.OPT_SORT_KEYS)
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def _changes(obj: Base, kind: str) -> dict[str, list[Any]] | None:
    state = inspect(obj)
    mapper = state.mapper
    secret, ignore, digest = type(obj).__audit_secret__, type(obj).__audit_ignore__, type(obj).__audit_digest__
    out: dict[str, list[Any]] = {}
    for attr in mapper.column_attrs:
        key = attr.key
        hist = state.attrs[key].history
        if kind == "create":
            before, after = None, getattr(obj, key)
        elif kind == "delete":
            before, after = (hist.deleted[0] if hist.deleted else getattr(obj, key)), None
        else:
            if not hist.has_changes():
                continue
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            if before == after:
                continue
        if key in secret:
            before, after = (REDACTED if before is not None else None), (REDACTED if after is not None else None)
        elif key in digest:
            before, after = _digest(before), _digest(after)
        out[key] = [jsonable(before), jsonable(after)]
    if kind == "update" and set(out) <= ignore:
        return None
    return out


def _entity_id(obj: Base) -> str | None:
    ident = inspect(obj).identity or tuple(getattr(obj, str(c.key)) for c in inspect(obj).mapper.primary_key)
    return ",".join(str(v) for v in ident) if ident else None


def collect(session: Session) -> list[dict[str, Any]]:
    """Describe every pending audited change of the flush."""
    found: list[dict[str, Any]] = []
    for kind, objs in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objs:
            if not isinstance(obj, Base) or not type(obj).__audit__:
                continue
            if kind == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = _changes(obj, kind)
            if changes is None:
                continue
            entity = type(obj).__tablename__
            found.append({"action": kind, "entity_type": entity, "entity_id": _entity_id(obj), "changes": changes})
    return found


def append(session: Session, items: list[dict[str, Any]]) -> None:
    """Chain and insert entries for items, locking the head so there is only ever one chain."""
    if not items:
        return
    conn = session.connection()
    head_stmt = select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)
    if conn.dialect.name != "sqlite":  # SQLite writers are already serialised by the writer lock
        head_stmt = head_stmt.with_for_update()
    head = conn.execute(head_stmt).first()
    seq, prev = (head.seq, head.hash) if head else (0, GENESIS)
    actor = session.info.get("actor")
    request_id = session.info.get("request_id")
    rows, checkpoints = [], []
    now = utcnow()
    for item in items:
        seq += 1
        row = {
            "seq": seq, "ts": now, "actor_kind": getattr(actor, "kind", "system"),
            "actor_id": getattr(actor, "id", None), "actor_label": getattr(actor, "label", "system"),
            "request_id": request_id, "prev_hash": prev, **item,
        }  # fmt: skip
        row["changes"] = jsonable(row["changes"])
        row["hash"] = prev = entry_hash(row)
        rows.append(row)
        if seq % get_settings().audit_checkpoint_every == 0:
            checkpoints.append(make_checkpoint(seq, prev))
    conn.execute(insert(AuditEntry), rows)
    if head:
        conn.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=prev))
    else:
        conn.execute(insert(AuditHead).values(id=1, seq=seq, hash=prev))
    if checkpoints:
        conn.execute(insert(AuditCheckpoint), checkpoints)
        session.info.setdefault("after_commit", []).append(lambda: export_checkpoints(checkpoints))


def make_checkpoint(seq: int, chain_hash: str) -> dict[str, Any]:
    """Return a checkpoint row signing the chain at seq."""
    mac = checkpoint_mac(get_settings().key("audit"), seq, chain_hash)
    return {"seq": seq, "hash": chain_hash, "mac": mac, "created_at": utcnow()}


def record_event(
    session: Session, action: str, entity_type: str, entity_id: str | None, details: dict[str, Any]
) -> None:
    """Write a security or business event (sign-in, denial, approval) to the chain."""
    append(session, [{"action": action, "entity_type": entity_type, "entity_id": entity_id, "changes": details}])


def checkpoint_file() -> Path:
    """Return the file checkpoints are exported to, outside the database."""
    settings = get_settings()
    return (settings.audit_checkpoint_dir or settings.data_dir) / "audit-checkpoints.jsonl"


def export_checkpoints(rows: list[dict[str, Any]]) -> None:
    """Append committed checkpoints to the export file."""
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps({k: jsonable(v) for k, v in row.items()}, sort_keys=True) + "\n")


@event.listens_for(Session, "after_flush")
def _audit_after_flush(session: Session, _ctx: Any) -> None:
    append(session, collect(session))
