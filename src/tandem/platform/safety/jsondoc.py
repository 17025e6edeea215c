"""Bounded JSON loading with located errors, shared by the parsers of feeds and other JSON documents."""

from __future__ import annotations

import json
from typing import Any

import orjson

from tandem.platform.safety.errors import TooLarge, UnsafeInput


class DocumentError(UnsafeInput):
    """A document is malformed; `location` is `file:line:column` or `file#/json/pointer`."""


def pointer(name: str, *parts: str | int) -> str:
    """Return `name#/a/0/b`, the JSON-pointer location of a value inside a file (extends an existing pointer)."""
    base = name.rstrip("/") if "#" in name else name + "#"
    return base + "".join(f"/{p}" for p in parts)


def load_json(data: bytes | str, name: str, max_bytes: int) -> Any:
    """Parse JSON bytes, raising TooLarge or a DocumentError located at file:line:column."""
    if len(data) > max_bytes:
        raise TooLarge(f"JSON exceeds the {max_bytes}-byte limit", name)
    try:
        return orjson.loads(data)
    except json.JSONDecodeError as exc:  # orjson's error subclasses it and carries line/column
        raise DocumentError(f"malformed JSON: {exc.msg}", f"{name}:{exc.lineno}:{exc.colno}") from exc


def expect(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    """Return `value` if it has the expected JSON type, else raise a located DocumentError."""
    if not isinstance(value, kind):
        wanted = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise DocumentError(f"expected {wanted}, got {type(value).__name__}", where)
    return value
