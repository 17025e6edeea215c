"""Exceptions raised when untrusted input fails a safety check."""

from __future__ import annotations


class UnsafeInput(ValueError):
    """Untrusted input was rejected; `location` says where (file, `file:line:col`, archive member)."""

    def __init__(self, reason: str, location: str | None = None) -> None:
        super().__init__(reason, location)
        self.reason = reason
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}" if self.location else self.reason


class TooLarge(UnsafeInput):
    """Input exceeds a size, count or length limit."""


class TypeMismatch(UnsafeInput):
    """File content does not match its name, or its type is not allowed."""


class UnsafeXML(UnsafeInput):
    """XML uses a forbidden construct (DTD, entity, external reference)."""


class InvalidXML(UnsafeInput):
    """XML is not well-formed."""


class UnsafeArchive(UnsafeInput):
    """Archive has a dangerous member, is a bomb, or cannot be read."""


class BlockedURL(UnsafeInput):
    """Outbound URL is not allowed (scheme, credentials, or a non-public address)."""
