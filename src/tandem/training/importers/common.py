"""Shared pieces of the training parsers: result rows, timestamps, JSON and CSV reading with locations."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from tandem.platform.errors import FieldError, InvalidInput
from tandem.platform.safety import jsondoc
from tandem.platform.safety.csvsafe import read_csv
from tandem.platform.safety.errors import UnsafeInput

_FRACTION = re.compile(r"(\.\d{6})\d+")
ZERO_TIME = ("0001-01-01",)  # Go's zero time: GoPhish writes it for events that never happened


@dataclass(frozen=True)
class PhishingRow:
    """One recipient's result in a phishing campaign."""

    where: str
    email: str
    first_name: str
    last_name: str
    position: str
    department: str
    sent_at: dt.datetime | None
    opened_at: dt.datetime | None
    clicked_at: dt.datetime | None
    submitted_at: dt.datetime | None
    reported_at: dt.datetime | None


@dataclass(frozen=True)
class CompletionRow:
    """One course attempt from an LMS: who, which course (title or activity id), when, score, passed."""

    where: str
    email: str
    course: str
    completed_at: dt.datetime
    score: float | None
    passed: bool


def parse_time(raw: str) -> dt.datetime | None:
    """Parse an ISO 8601 / RFC 3339 time (nanoseconds and Z allowed) as UTC; empty or Go zero time is None."""
    text = raw.strip()
    if not text or text.startswith(ZERO_TIME):
        return None
    text = _FRACTION.sub(r"\1", text.replace("Z", "+00:00").replace("z", "+00:00"))
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{raw!r} is not an ISO 8601 time (e.g. 2026-03-04T10:15:00Z)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def valid_email(raw: str) -> str:
    """Return a normalised e-mail address or raise ValueError."""
    email = raw.strip().lower().removeprefix("mailto:")
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or len(email) > 320 or any(c.isspace() for c in email):
        raise ValueError(f"{raw!r} is not an e-mail address")
    return email


def csv_records(data: bytes, name: str, required: set[str], allowed: set[str]) -> list[tuple[int, dict[str, str]]]:
    """Return (line, record) pairs of a strict CSV, or raise the located safety error."""
    try:
        records = read_csv(data, name, required=required, allowed=allowed)
    except UnsafeInput as exc:
        raise InvalidInput.one(exc.location or name, exc.reason) from None
    return list(zip(record_lines(data), records, strict=False))


def record_lines(data: bytes) -> list[int]:
    """Return the physical line each data record starts on (quoted fields may span lines)."""
    import csv
    import io

    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    lines: list[int] = []
    start = 1
    for n, row in enumerate(reader):
        if n > 0 and any(row):
            lines.append(start)
        start = reader.line_num + 1
    return lines


def load_json(data: bytes, name: str) -> Any:
    """Parse JSON or raise a located error with the line and column."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise InvalidInput.one(name, "file is not valid UTF-8") from None
    try:
        return jsondoc.load_json(text, name, max_bytes=len(text))  # depth-bounded; size was bounded on upload
    except UnsafeInput as exc:
        raise InvalidInput.one(exc.location or name, exc.reason) from None


def fail_if(errors: list[FieldError]) -> None:
    """Raise InvalidInput listing errors (the first 200) when there are any."""
    if errors:
        extra = [FieldError("(more)", f"{len(errors) - 200} more errors")] if len(errors) > 200 else []
        raise InvalidInput(errors[:200] + extra)
