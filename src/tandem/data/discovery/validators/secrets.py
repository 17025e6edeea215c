"""Secret checks: entropy, GitHub token checksum, AWS secret key shape, JWT structure."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import zlib
from collections import Counter

# GitHub encodes the token's CRC32 in base62 with digits first, then upper case, then lower case.
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_AWS_SECRET_CHARS = re.compile(r"[A-Za-z0-9/+]*")
_DIGIT = re.compile(r"[0-9]")
_PLACEHOLDERS = frozenset({"changeme", "password", "secret", "example", "redacted", "none", "null", "true", "false"})


def shannon_entropy(value: str) -> float:
    """Return the Shannon entropy of `value` in bits per character."""
    if not value:
        return 0.0
    size = len(value)
    return -sum(count / size * math.log2(count / size) for count in Counter(value).values())


def _base62(number: int, width: int) -> str:
    chars = []
    while number:
        number, rest = divmod(number, 62)
        chars.append(_BASE62[rest])
    return "".join(reversed(chars)).rjust(width, "0")


def github_checksum_ok(token: str) -> bool:
    """Return whether a `gh?_` token's last 6 characters are the base62 CRC32 of its random part."""
    body = token[4:]
    if len(body) != 36:
        return False
    return _base62(zlib.crc32(body[:30].encode()), 6) == body[30:]


def is_aws_secret(value: str) -> bool:
    """Return whether `value` has the shape of an AWS secret access key (40 base64 chars, mixed classes)."""
    if len(value) != 40:
        return False
    if value.isascii():
        if _AWS_SECRET_CHARS.fullmatch(value) is None:
            return False
        classes = (value.upper() != value) + (value.lower() != value) + (_DIGIT.search(value) is not None)
    elif not all(char.isalnum() or char in "/+" for char in value):
        return False
    else:
        classes = sum(
            (any(c.islower() for c in value), any(c.isupper() for c in value), any(c.isdigit() for c in value))
        )
    return classes >= 2 and shannon_entropy(value) > 3.5


def looks_secret(value: str, strict: bool) -> bool:
    """Return whether a value under a secret-like key is a real secret rather than a placeholder."""
    if len(value) < 8 or value.lower() in _PLACEHOLDERS or value.startswith(("${", "{{", "<", "%(")):
        return False
    if set(value) <= set("*xX#.-_ "):
        return False
    if strict:
        return len(value) >= 16 and shannon_entropy(value) >= 3.0
    return shannon_entropy(value) >= 2.0


def is_jwt(value: str) -> bool:
    """Return whether `value` is three base64url parts whose first decodes to a JSON header with `alg`."""
    parts = value.split(".")
    if len(parts) != 3:
        return False
    header = parts[0] + "=" * (-len(parts[0]) % 4)
    try:
        decoded = json.loads(base64.urlsafe_b64decode(header))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return False
    return isinstance(decoded, dict) and "alg" in decoded
