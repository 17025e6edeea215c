"""Located errors, bounded JSON loading and small text helpers shared by the watch feed parsers."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import orjson

from tandem.platform.safety.errors import TooLarge, UnsafeInput

# The largest real watch feed (the whole KEV catalogue) is ~1.3 MB; a document 20x that is not a feed we know.
MAX_FEED_BYTES = 32 * 1024 * 1024
_TAGS = re.compile(r"<[^>]{0,2000}>")


class FeedError(UnsafeInput):
    """A feed document is malformed; `location` is `file:line:column` or `file#/json/pointer`."""


def pointer(name: str, *parts: str | int) -> str:
    """Return `name#/a/0/b`, the JSON-pointer location of a value inside a file (extends an existing pointer)."""
    base = name.rstrip("/") if "#" in name else name + "#"
    return base + "".join(f"/{p}" for p in parts)


def load_json(data: bytes, name: str, max_bytes: int = MAX_FEED_BYTES) -> Any:
    """Parse JSON bytes, raising TooLarge or a FeedError located at file:line:column."""
    if len(data) > max_bytes:
        raise TooLarge(f"JSON exceeds the {max_bytes}-byte limit", name)
    try:
        return orjson.loads(data)
    except json.JSONDecodeError as exc:  # orjson's error subclasses it and carries line/column
        raise FeedError(f"malformed JSON: {exc.msg}", f"{name}:{exc.lineno}:{exc.colno}") from exc


def expect(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    """Return `value` if it has the expected JSON type, else raise a located FeedError."""
    if not isinstance(value, kind):
        wanted = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise FeedError(f"expected {wanted}, got {type(value).__name__}", where)
    return value


def required(obj: dict[str, Any], key: str, where: str) -> str:
    """Return obj[key] as a non-empty string or raise a located FeedError."""
    value = obj.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise FeedError(f"missing required field {key!r}", where)
    if isinstance(value, dict | list):
        raise FeedError(f"field {key!r} must be text, got {type(value).__name__}", where)
    return str(value).strip()


def plain(text: str | None, limit: int = 4000) -> str:
    """Return text with HTML tags removed, entities decoded and whitespace collapsed, cut to limit."""
    if not text:
        return ""
    if "<" in text or "&" in text:  # most feed text is plain; skip the regex and the unescape then
        text = html.unescape(_TAGS.sub(" ", text))
    return " ".join(text.split())[:limit]
