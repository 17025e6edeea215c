"""Located errors and bounded JSON loading shared by every feed parser."""

from __future__ import annotations

from typing import Any

from tandem.platform.safety import jsondoc
from tandem.platform.safety.jsondoc import DocumentError
from tandem.platform.safety.jsondoc import expect as expect  # re-exported for the parsers
from tandem.platform.safety.jsondoc import pointer as pointer  # re-exported for the parsers

# Yearly NVD 2.0 feeds are ~150-300 MB uncompressed; anything bigger is not a feed we know.
MAX_FEED_BYTES = 512 * 1024 * 1024


FeedError = DocumentError  # one located-error class for every JSON document parser


def text(obj: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    """Return obj[key] as a string; a missing key yields `default` or a located error."""
    value = obj.get(key, default)
    if value is None:
        raise FeedError(f"missing required field {key!r}", where)
    return str(value)


def load_json(data: bytes | str, name: str, max_bytes: int = MAX_FEED_BYTES) -> Any:
    """Parse JSON bytes (at most MAX_FEED_BYTES), raising TooLarge or a FeedError located at file:line:column."""
    return jsondoc.load_json(data, name, max_bytes)
