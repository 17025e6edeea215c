"""Canonical serialisation and hashing of audit entries (pure; no database)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid
from decimal import Decimal
from typing import Any

import orjson

GENESIS = "0" * 64
# Domain separation so an entry hash can never be confused with any other SHA-256 in Tandem.
_ENTRY_TAG = b"tandem-audit-entry-v1\x00"
_CHECKPOINT_TAG = b"tandem-audit-checkpoint-v1\x00"
HASHED_FIELDS = (
    "seq", "ts", "actor_kind", "actor_id", "actor_label", "action",
    "entity_type", "entity_id", "changes", "request_id", "prev_hash",
)  # fmt: skip


def jsonable(value: Any) -> Any:
    """Return a JSON-safe rendering of a column value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | uuid.UUID | Decimal):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if hasattr(value, "value"):  # enums
        return jsonable(value.value)
    return str(value)


def canonical(entry: dict[str, Any]) -> bytes:
    """Serialise the hashed fields of an entry deterministically (sorted keys, compact, UTF-8)."""
    body = {k: jsonable(entry.get(k)) for k in HASHED_FIELDS}
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def entry_hash(entry: dict[str, Any]) -> str:
    """Return the SHA-256 that chains this entry to entry['prev_hash']."""
    return hashlib.sha256(_ENTRY_TAG + canonical(entry)).hexdigest()


def checkpoint_mac(key: bytes, seq: int, chain_hash: str) -> str:
    """Return the HMAC-SHA256 that signs the chain state at seq."""
    return hmac.new(key, _CHECKPOINT_TAG + f"{seq}:{chain_hash}".encode(), hashlib.sha256).hexdigest()


def mac_ok(key: bytes, seq: int, chain_hash: str, mac: str) -> bool:
    """Return whether mac signs (seq, chain_hash) under key."""
    return hmac.compare_digest(checkpoint_mac(key, seq, chain_hash), mac)
