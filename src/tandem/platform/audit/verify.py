"""Check the whole audit chain, its head and its signed checkpoints; name the first bad entry."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import DateTime, Table, Text, cast, func, select, type_coerce
from sqlalchemy.orm import Session

from tandem.platform.audit.chain import GENESIS, HASHED_FIELDS, fields_hash, mac_ok
from tandem.platform.audit.models import AuditCheckpoint, AuditEntry, AuditHead

_TABLE: Table = AuditEntry.__table__  # type: ignore[assignment]
# The hashed fields in HASHED_FIELDS order (as _walk unpacks them), then the stored hash.
# `ts` is read without UTCDateTime's wrapper and `changes` as its JSON text; _ts_text() and _json() redo
# what those column types (and jsonable()) do, only faster, so the hashed values are the same.
_COLUMNS: list[Any] = [_TABLE.c[name] for name in HASHED_FIELDS] + [_TABLE.c.hash]
_COLUMNS[HASHED_FIELDS.index("ts")] = type_coerce(_TABLE.c.ts, DateTime(timezone=True)).label("ts")
_COLUMNS[HASHED_FIELDS.index("changes")] = cast(_TABLE.c.changes, Text).label("changes")
assert [c.name for c in _COLUMNS] == [*HASHED_FIELDS, "hash"]
_UTC = dt.UTC
# orjson.loads turns integers outside 64 bits into floats where json.loads keeps them exact: any run of 19
# digits sends the text to json.loads (as does anything orjson refuses: NaN, Infinity, lone surrogates).
_LONG_NUMBER = re.compile(r"\d{19}").search
_orjson_loads, _json_loads, _DecodeError = orjson.loads, json.loads, orjson.JSONDecodeError
_BATCH = 20_000
Progress = Callable[[int, int], None]


def _json(text: str | None) -> Any:
    """Decode a stored `changes` text to exactly what the JSON column type (json.loads) returns."""
    if text is None:
        return None
    if _LONG_NUMBER(text) is None:
        try:
            return _orjson_loads(text)
        except _DecodeError:
            pass
    return _json_loads(text)


def _ts_text(value: dt.datetime | None) -> str | None:
    """Return jsonable() of the value UTCDateTime would have returned for this timestamp."""
    if value is None:
        return None
    return (value.replace(tzinfo=_UTC) if value.tzinfo is None else value).astimezone(_UTC).isoformat()


@dataclass
class VerifyReport:
    """The outcome of a verification."""

    ok: bool
    entries: int
    checkpoints: int
    first_bad_seq: int | None = None
    reason: str = ""

    def summary(self) -> str:
        """Return one line a human can act on."""
        if self.ok:
            return f"audit chain OK: {self.entries} entries, {self.checkpoints} checkpoints verified"
        where = f"entry {self.first_bad_seq}" if self.first_bad_seq is not None else "chain"
        return f"audit chain BROKEN at {where}: {self.reason}"


def _walk(session: Session, progress: Progress | None) -> tuple[VerifyReport | None, dict[int, str], int, str]:
    """Recompute the chain; return (failure or None, hash by seq, last seq, last hash)."""
    total = int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0) if progress else 0
    hashes: dict[int, str] = {}
    expected_seq, prev, count = 1, GENESIS, 0
    # Plain Core tuples streamed in large batches (a server-side cursor on PostgreSQL), no ORM, no mappings.
    stmt = select(*_COLUMNS).order_by(_TABLE.c.seq).execution_options(yield_per=_BATCH)
    with session.connection().execute(stmt) as result:
        for partition in result.partitions():
            for seq, ts, kind, actor, label, action, etype, eid, changes, rid, prev_hash, stored in partition:
                if seq != expected_seq:
                    reason = f"expected entry {expected_seq} next but found {seq} (deleted or inserted entries)"
                    return VerifyReport(False, count, 0, min(seq, expected_seq), reason), hashes, seq, prev
                if prev_hash != prev:
                    reason = "does not link to the entry before it"
                    return VerifyReport(False, count, 0, seq, reason), hashes, seq, prev
                fields = (seq, _ts_text(ts), kind, actor, label, action, etype, eid, _json(changes), rid, prev)
                if fields_hash(*fields) != stored:
                    reason = "content does not match its hash (edited)"
                    return VerifyReport(False, count, 0, seq, reason), hashes, seq, prev
                hashes[seq] = prev = stored
                expected_seq = seq + 1
                count += 1
                if progress is not None and count % 5000 == 0:
                    progress(count, total)
    return None, hashes, expected_seq - 1, prev


def load_checkpoint_file(path: Path) -> list[dict[str, Any]]:
    """Read exported checkpoints (one JSON object per line); a missing file holds none."""
    if not path.exists():
        return []
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                rows.append({"seq": -number, "hash": "", "mac": "", "bad_line": number})
    return rows


def verify_chain(
    session: Session, key: bytes, exported: list[dict[str, Any]] | None = None, progress: Progress | None = None
) -> VerifyReport:
    """Verify entries, the head row and every checkpoint (database and exported)."""
    failure, hashes, last_seq, last_hash = _walk(session, progress)
    if failure is not None:
        return failure
    count = len(hashes)
    head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    if head is None and count:
        return VerifyReport(False, count, 0, None, f"the head row is missing but the chain has {count} entries")
    if head is not None and (head.seq, head.hash) != (last_seq, last_hash):
        # Entries past the head were added behind the writer's back; a head past the chain means entries are gone.
        bad = head.seq + 1 if head.seq < last_seq else last_seq + 1
        return VerifyReport(False, count, 0, bad, f"head names entry {head.seq} but the chain ends at {last_seq}")
    stored = [
        dict(r)
        for r in session.execute(select(AuditCheckpoint.seq, AuditCheckpoint.hash, AuditCheckpoint.mac)).mappings()
    ]
    checks = stored + list(exported or [])
    for cp in sorted(checks, key=lambda c: c["seq"]):
        seq = cp["seq"]
        if "bad_line" in cp:
            return VerifyReport(False, count, 0, None, f"checkpoint file line {cp['bad_line']} is not valid JSON")
        if not mac_ok(key, seq, cp["hash"], cp["mac"]):
            return VerifyReport(False, count, 0, seq, "checkpoint signature is invalid (forged checkpoint)")
        if seq > last_seq:
            return VerifyReport(
                False,
                count,
                0,
                last_seq + 1,
                f"signed checkpoint at {seq} but the chain ends at {last_seq} (truncated)",
            )
        if hashes.get(seq) != cp["hash"]:
            return VerifyReport(False, count, 0, seq, "chain differs from the signed checkpoint (rewritten)")
    return VerifyReport(True, count, len({c["seq"] for c in checks}))
