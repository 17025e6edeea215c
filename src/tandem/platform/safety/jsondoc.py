"""Bounded JSON loading with located errors, shared by the parsers of feeds and other JSON documents."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

from tandem.platform.safety.errors import TooLarge, UnsafeInput


class DocumentError(UnsafeInput):
    """A document is malformed; `location` is `file:line:column` or `file#/json/pointer`."""


def pointer(name: str, *parts: str | int) -> str:
    """Return `name#/a/0/b`, the JSON-pointer location of a value inside a file (extends an existing pointer)."""
    base = name.rstrip("/") if "#" in name else name + "#"
    return base + "".join(f"/{p}" for p in parts)


# Real documents nest far less (OSCAL 800-53 ~12, CSAF and NVD ~10). orjson accepts 1,024 levels, but a value
# nested ~990 deep already overflows Python's recursion limit when anything later prints or walks it (500s).
MAX_DEPTH = 64
_ESCAPED = re.compile(rb"\\.")
_STRING = re.compile(rb'"[^"]*"')
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def _nests_at_most(data: bytes, depth: int) -> bool:
    """Return whether well-formed JSON nests at most `depth` levels (each pass peels the innermost level)."""
    brackets = _STRING.sub(b"", _ESCAPED.sub(b"", data)).translate(None, _NOT_BRACKET)
    for _ in range(depth):
        if not brackets:
            return True
        brackets = brackets.replace(b"[]", b"").replace(b"{}", b"")
    return not brackets


def load_json(data: bytes | str, name: str, max_bytes: int, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON bytes, raising TooLarge or a DocumentError located at file:line:column."""
    if len(data) > max_bytes:
        raise TooLarge(f"JSON exceeds the {max_bytes}-byte limit", name)
    try:
        value = orjson.loads(data)
    except json.JSONDecodeError as exc:  # orjson's error subclasses it and carries line/column
        raise DocumentError(f"malformed JSON: {exc.msg}", f"{name}:{exc.lineno}:{exc.colno}") from exc
    raw = data.encode() if isinstance(data, str) else data
    if isinstance(value, dict | list) and not _nests_at_most(raw, max_depth):
        raise DocumentError(f"nested more than {max_depth} levels deep", name)
    return value


def expect(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    """Return `value` if it has the expected JSON type, else raise a located DocumentError."""
    if not isinstance(value, kind):
        wanted = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise DocumentError(f"expected {wanted}, got {type(value).__name__}", where)
    return value
