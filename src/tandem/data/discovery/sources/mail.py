"""E-mail messages (RFC 822 / .eml): headers, text bodies, and attachments scanned as files."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable, Iterator
from email.message import EmailMessage

from .segment import Segment

_TAGS = re.compile(r"<[^>]{0,500}>")
_HEADERS = ("From", "To", "Cc", "Reply-To", "Subject")
Extractor = Callable[[bytes, str, int], Iterator[Segment]]


def eml_segments(data: bytes, path: str, depth: int, extract: Extractor) -> Iterator[Segment]:
    """Yield headers and text parts of a message; attachments go back through `extract`."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    header_lines = [f"{name}: {message[name]}" for name in _HEADERS if message[name]]
    if header_lines:
        yield Segment("\n".join(header_lines) + "\n", path)
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        if filename:
            yield from extract(payload, f"{path}!{filename}", depth + 1)
        elif part.get_content_type() in ("text/plain", "text/html"):
            text = payload.decode(part.get_content_charset() or "utf-8", "replace")
            if part.get_content_type() == "text/html":
                text = _TAGS.sub(" ", text)
            yield Segment(text, path)
