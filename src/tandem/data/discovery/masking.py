"""Masked previews and keyed hashes, so stored findings never hold a raw value."""

from __future__ import annotations

import hashlib
import hmac

from .types import EntityType as T

# How many trailing characters a preview keeps, by type: enough to tell values apart, not to use them.
_KEEP_TAIL = {T.US_SSN: 4, T.US_ITIN: 4, T.CREDIT_CARD: 4, T.IBAN: 4, T.PHONE: 2, T.US_PASSPORT: 2,
              T.US_DRIVER_LICENSE: 2, T.MEDICAL_RECORD_NUMBER: 2}  # fmt: skip
_KEEP_HEAD = {T.AWS_ACCESS_KEY_ID: 4, T.GITHUB_TOKEN: 4, T.IBAN: 2, T.JWT: 3}
_SEPARATORS = " -./()+:"


def _mask_chars(value: str, head: int, tail: int) -> str:
    positions = [i for i, char in enumerate(value) if char.isalnum()]
    keep = set(positions[:head]) | (set(positions[-tail:]) if tail else set())
    # Keep at most half of the characters, whatever the type says, so short values stay hidden.
    if len(keep) * 2 > len(positions):
        keep = set()
    return "".join(char if i in keep or char in _SEPARATORS else "*" for i, char in enumerate(value))


def mask(entity: T, value: str) -> str:
    """Return a preview of `value` with most characters replaced by `*` (e.g. `***-**-1234`)."""
    if entity is T.PRIVATE_KEY:
        first_line = value.strip().split("\n", 1)[0].strip()
        return f"{first_line} [redacted]"
    if entity is T.EMAIL:
        local, _, domain = value.rpartition("@")
        return f"{local[:1]}***@{domain}"
    if entity is T.PERSON:
        return " ".join(f"{word[:1]}***" for word in value.split())
    if entity is T.IP_ADDRESS:
        return _mask_chars(value, 0, 0) if ":" in value else value.split(".", 1)[0] + ".***.***.***"
    if entity in (T.AWS_SECRET_ACCESS_KEY, T.SECRET):
        return "*" * min(len(value), 12)
    return _mask_chars(value, _KEEP_HEAD.get(entity, 0), _KEEP_TAIL.get(entity, 0))


def normalise(entity: T, value: str) -> str:
    """Return the canonical form that equal values share (no separators, e-mail in lower case)."""
    if entity in (T.CREDIT_CARD, T.US_SSN, T.US_ITIN, T.PHONE, T.IBAN):
        return "".join(char for char in value if char.isalnum()).upper()
    if entity is T.EMAIL:
        return value.lower()
    return " ".join(value.split())


def keyed_hash(key: bytes, entity: T, value: str) -> str:
    """Return HMAC-SHA256 of the normalised value under `key`, so equal values correlate without being kept."""
    message = f"{entity.value}\x00{normalise(entity, value)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
