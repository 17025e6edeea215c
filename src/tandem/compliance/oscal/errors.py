"""Located errors raised by the OSCAL parsers, validator and profile resolver."""

from __future__ import annotations

from tandem.platform.safety.errors import UnsafeInput


class OscalError(UnsafeInput):
    """An OSCAL document is malformed or inconsistent; `location` is `file:json.path` or `file:line:col`."""


def where(name: str, path: str) -> str:
    """Join a document name and a JSON path into one location string."""
    return f"{name}:{path}" if path else name
