"""Domain errors raised by services; each adapter maps them to its own medium."""

from __future__ import annotations

from dataclasses import dataclass, field


class TandemError(Exception):
    """Base class for errors a user can act on."""

    title = "Error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(TandemError):
    """The object does not exist or the caller may not see it."""

    title = "Not found"


class PermissionDenied(TandemError):
    """The caller sees the object but may not perform the action."""

    title = "Forbidden"


class NotAuthenticated(TandemError):
    """No valid credentials were presented."""

    title = "Authentication required"


class Conflict(TandemError):
    """The request clashes with the current state (duplicate, wrong step, stale version)."""

    title = "Conflict"


class TooManyRequests(TandemError):
    """The caller exceeded a rate limit or is temporarily locked out."""

    title = "Too many requests"


@dataclass(frozen=True)
class FieldError:
    """One located problem: where (field path or file:line:column) and why."""

    location: str
    reason: str


@dataclass
class InvalidInput(TandemError):
    """Input failed validation; every problem is listed with its location."""

    errors: list[FieldError] = field(default_factory=list)
    title = "Invalid input"

    def __post_init__(self) -> None:
        super().__init__("; ".join(f"{e.location}: {e.reason}" for e in self.errors) or "invalid input")

    @classmethod
    def one(cls, location: str, reason: str) -> InvalidInput:
        """Build an error with a single located problem."""
        return cls([FieldError(location, reason)])
