"""Capture every record of Tandem's, uvicorn's and SQLAlchemy's loggers at DEBUG, and find secrets in them."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select

from tandem.platform.audit.models import AuditEntry
from tandem.platform.db.uow import Database

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}
# httpx is left out: in this process it also logs the test client's own requests, secret URLs included.
LOGGERS = ("tandem", "uvicorn", "uvicorn.access", "uvicorn.error", "sqlalchemy", "authlib")


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[tuple[str, str]] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # a record whose arguments do not fit its message still counts, raw
            text = f"{record.msg!r} {record.args!r}"
        extra = {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
        self.lines.append((record.name, f"{text} {extra!r}" if extra else text))


@contextmanager
def captured_logs() -> Iterator[list[tuple[str, str]]]:
    """Collect (logger, formatted record) for everything logged at DEBUG or above; restore levels afterwards."""
    collector = _Collector()
    saved = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level))
        logger.setLevel(logging.DEBUG)
        logger.addHandler(collector)
    try:
        yield collector.lines
    finally:
        for logger, level in saved:
            logger.removeHandler(collector)
            logger.setLevel(level)


def audit_text(db: Database) -> list[str]:
    """Return every audit entry as one JSON line (actor, entity, changes)."""
    with db.engine.connect() as conn:
        rows = conn.execute(select(AuditEntry)).mappings().all()
    return [json.dumps({k: str(v) for k, v in row.items()}) for row in rows]


@dataclass(frozen=True)
class Secret:
    """A secret value seen during the flows; short numeric codes match only as whole numbers."""

    kind: str
    value: str

    def pattern(self) -> re.Pattern[str]:
        """Return the regex that finds the value; a short code must stand alone (not inside a hash, id or time)."""
        escaped = re.escape(self.value)
        return re.compile(rf"(?<![0-9A-Za-z.]){escaped}(?![0-9A-Za-z])" if self.value.isdigit() else escaped)


def leaks(secrets: list[Secret], logs: list[tuple[str, str]], audit: list[str]) -> list[tuple[str, str, str]]:
    """Return (secret kind, logger or 'audit', excerpt) for every place a secret appears."""
    found = []
    for secret in secrets:
        pattern = secret.pattern()
        for logger, line in logs:
            if pattern.search(line):
                found.append((secret.kind, logger, line[:300]))
        for entry in audit:
            if pattern.search(entry):
                found.append((secret.kind, "audit", entry[:300]))
    return found
