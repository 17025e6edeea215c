"""Located input errors of the FAIR engine."""

from __future__ import annotations


class FairInputError(ValueError):
    """Reject bad estimates, scenarios or treatments, naming every offending field."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(f"{path}: {reason}" for path, reason in self.errors))


def prefixed(prefix: str, errors: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return errors with their field paths placed under `prefix`."""
    return [(f"{prefix}.{path}" if path else prefix, reason) for path, reason in errors]
