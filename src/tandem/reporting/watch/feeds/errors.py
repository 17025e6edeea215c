"""Located errors, bounded JSON loading and small text helpers shared by the watch feed parsers."""

from __future__ import annotations

import html
import re
from typing import Any

from tandem.platform.safety import jsondoc
from tandem.platform.safety.jsondoc import DocumentError
from tandem.platform.safety.jsondoc import expect as expect  # re-exported for the parsers
from tandem.platform.safety.jsondoc import pointer as pointer  # re-exported for the parsers

# The largest real watch feed (the whole KEV catalogue) is ~1.3 MB; a document 20x that is not a feed we know.
MAX_FEED_BYTES = 32 * 1024 * 1024
_TAGS = re.compile(r"<[^>]{0,2000}>")


FeedError = DocumentError  # one located-error class for every JSON document parser


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


def load_json(data: bytes | str, name: str, max_bytes: int = MAX_FEED_BYTES) -> Any:
    """Parse JSON bytes (at most MAX_FEED_BYTES), raising TooLarge or a FeedError located at file:line:column."""
    return jsondoc.load_json(data, name, max_bytes)
