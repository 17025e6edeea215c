"""Formula-safe CSV export and strict, located CSV import."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from .errors import TooLarge, UnsafeInput

# ASVS 5.0 V1.2.10: spreadsheet apps evaluate cells starting with these as formulas.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")
MAX_ROWS = 100_000
MAX_FIELD = 10_000
_UTF8_BOM = b"\xef\xbb\xbf"
_FLUSH_AT = 64 * 1024
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def escape_cell(value: object) -> str:
    """Render one value as CSV cell text that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        # Real numbers (including negatives and bools) cannot carry a formula, so keep them numeric.
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _escaped_row(row: Sequence[object], width: int) -> list[str]:
    if len(row) != width:
        raise ValueError(f"row has {len(row)} values but the header has {width}")
    return [escape_cell(v) for v in row]


def iter_csv(rows: Iterable[Sequence[object]], header: Sequence[str]) -> Iterator[str]:
    """Yield an RFC 4180 CSV document in text chunks, escaping every cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_escaped_row(header, len(header)))
    for row in rows:
        writer.writerow(_escaped_row(row, len(header)))
        if buffer.tell() >= _FLUSH_AT:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def write_csv(rows: Iterable[Sequence[object]], header: Sequence[str]) -> str:
    """Return a whole RFC 4180 CSV document with every cell escaped."""
    return "".join(iter_csv(rows, header))


def _decode(data: str | bytes, name: str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    body = data.removeprefix(_UTF8_BOM)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = body[: exc.start]
        line_start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
        column = len(before[line_start:].decode("utf-8", "replace")) + 1
        line = len(_LINE_BREAK.findall(before.decode("utf-8", "replace"))) + 1
        raise UnsafeInput("file is not valid UTF-8", f"{name}:{line}:{column}") from None


def _field_where(name: str, record_line: int, row: Sequence[str], index: int) -> str:
    # Quoted fields may contain line breaks, so count the physical lines before this field.
    line = record_line + sum(len(_LINE_BREAK.findall(field)) for field in row[:index])
    return f"{name}:{line}:{index + 1}"


def _check_fields(row: list[str], record_line: int, name: str, max_field: int) -> None:
    for index, field in enumerate(row):
        if len(field) > max_field:
            raise TooLarge(f"field is longer than {max_field} characters", _field_where(name, record_line, row, index))
        if "\x00" in field:
            raise UnsafeInput("field contains a NUL character", _field_where(name, record_line, row, index))


def _check_header(header: list[str], line: int, name: str, required: set[str] | None, allowed: set[str] | None) -> None:
    seen: dict[str, int] = {}
    for index, column in enumerate(header, start=1):
        where = f"{name}:{line}:{index}"
        if not column:
            raise UnsafeInput("header has an empty column name", where)
        if column in seen:
            raise UnsafeInput(f"duplicate column {column!r} (also column {seen[column]})", where)
        seen[column] = index
    required = required or set()
    if allowed is not None:
        unknown = [column for column in header if column not in allowed | required]
        if unknown:
            where = f"{name}:{line}:{seen[unknown[0]]}"
            raise UnsafeInput(f"unknown column(s): {', '.join(unknown)}", where)
    missing = sorted(required - seen.keys())
    if missing:
        raise UnsafeInput(f"missing required column(s): {', '.join(missing)}", f"{name}:{line}:1")


class _Records:
    """csv.reader over text that remembers the physical line each record starts on."""

    def __init__(self, text: str, name: str) -> None:
        self._reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        self._name = name
        self.start_line = 1

    def __iter__(self) -> Iterator[list[str]]:
        while True:
            self.start_line = self._reader.line_num + 1
            try:
                row = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                where = f"{self._name}:{self._reader.line_num}"
                if "field larger than field limit" in str(exc):
                    raise TooLarge("field is too long", where) from None
                raise UnsafeInput(f"malformed CSV: {exc}", where) from None
            if any(row):
                yield row


def read_csv(
    text_or_bytes: str | bytes,
    name: str,
    required: set[str] | None = None,
    allowed: set[str] | None = None,
    max_rows: int = MAX_ROWS,
    max_field: int = MAX_FIELD,
) -> list[dict[str, str]]:
    """Parse an untrusted UTF-8 CSV with a header into dicts, rejecting anything unexpected."""
    records = _Records(_decode(text_or_bytes, name), name)
    rows = iter(records)
    header = next(rows, None)
    if header is None:
        raise UnsafeInput("file has no header row", f"{name}:1:1")
    header_line = records.start_line
    _check_fields(header, header_line, name, max_field)
    header = [column.strip() for column in header]
    _check_header(header, header_line, name, required, allowed)
    result: list[dict[str, str]] = []
    for row in rows:
        line = records.start_line
        if len(result) >= max_rows:
            raise TooLarge(f"file has more than {max_rows} data rows", f"{name}:{line}:1")
        _check_fields(row, line, name, max_field)
        if len(row) != len(header):
            column = min(len(row), len(header)) + 1
            raise UnsafeInput(f"row has {len(row)} fields but the header has {len(header)}", f"{name}:{line}:{column}")
        result.append(dict(zip(header, row, strict=True)))
    return result
