"""Check the whole audit chain, its head and its signed checkpoints; name the first bad entry."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.platform.audit.chain import GENESIS, entry_hash, mac_ok
from tandem.platform.audit.models import AuditCheckpoint, AuditEntry, AuditHead

_COLUMNS = list(AuditEntry.__table__.columns)
Progress = Callable[[int, int], None]


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
    result = session.execute(select(*_COLUMNS).order_by(AuditEntry.seq)).mappings()
    for row in result.yield_per(5000):
        entry: dict[str, Any] = dict(row)
        seq = entry["seq"]
        if seq != expected_seq:
            reason = f"expected entry {expected_seq} next but found {seq} (deleted or inserted entries)"
            return VerifyReport(False, count, 0, min(seq, expected_seq), reason), hashes, seq, prev
        if entry["prev_hash"] != prev:
            return VerifyReport(False, count, 0, seq, "does not link to the entry before it"), hashes, seq, prev
        if entry_hash(entry) != entry["hash"]:
            return VerifyReport(False, count, 0, seq, "content does not match its hash (edited)"), hashes, seq, prev
        hashes[seq] = prev = entry["hash"]
        expected_seq, count = seq + 1, count + 1
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
