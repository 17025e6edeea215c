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


# The fast path hands orjson the values as they are. Every value orjson would render differently from
# jsonable() (datetimes, dates, dataclasses, Decimals, sets, non-str keys, big ints) makes it raise instead,
# and the entry then takes the original path, so the bytes are the same whichever path runs.
_FAST = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_dumps = orjson.dumps
_sha256 = hashlib.sha256
_EncodeError = orjson.JSONEncodeError
_UTC = dt.UTC
_datetime = dt.datetime


def _canonical_fields(
    seq: Any, ts: Any, actor_kind: Any, actor_id: Any, actor_label: Any, action: Any, entity_type: Any,
    entity_id: Any, changes: Any, request_id: Any, prev_hash: Any,
) -> bytes:  # fmt: skip
    """canonical() of the hashed fields given in HASHED_FIELDS order."""
    # astimezone(UTC) of a datetime already in UTC is the datetime itself.
    if type(ts) is not str:  # jsonable() returns a str as it is
        ts = ts.isoformat() if type(ts) is _datetime and ts.tzinfo is _UTC else jsonable(ts)
    body = {
        "seq": seq, "ts": ts, "actor_kind": actor_kind, "actor_id": actor_id, "actor_label": actor_label,
        "action": action, "entity_type": entity_type, "entity_id": entity_id, "changes": changes,
        "request_id": request_id, "prev_hash": prev_hash,
    }  # fmt: skip
    try:
        return _dumps(body, option=_FAST)
    except _EncodeError:
        return _dumps({k: jsonable(v) for k, v in body.items()}, option=orjson.OPT_SORT_KEYS)


def canonical(entry: dict[str, Any]) -> bytes:
    """Serialise the hashed fields of an entry deterministically (sorted keys, compact, UTF-8)."""
    get = entry.get
    return _canonical_fields(*[get(k) for k in HASHED_FIELDS])


def entry_hash(entry: dict[str, Any]) -> str:
    """Return the SHA-256 that chains this entry to entry['prev_hash']."""
    get = entry.get
    return _sha256(_ENTRY_TAG + _canonical_fields(*[get(k) for k in HASHED_FIELDS])).hexdigest()


def fields_hash(*fields: Any) -> str:
    """Return entry_hash() of an entry given as its HASHED_FIELDS values in order (a database row)."""
    return _sha256(_ENTRY_TAG + _canonical_fields(*fields)).hexdigest()


def checkpoint_mac(key: bytes, seq: int, chain_hash: str) -> str:
    """Return the HMAC-SHA256 that signs the chain state at seq."""
    return hmac.new(key, _CHECKPOINT_TAG + f"{seq}:{chain_hash}".encode(), hashlib.sha256).hexdigest()


def mac_ok(key: bytes, seq: int, chain_hash: str, mac: str) -> bool:
    """Return whether mac signs (seq, chain_hash) under key."""
    return hmac.compare_digest(checkpoint_mac(key, seq, chain_hash), mac)
