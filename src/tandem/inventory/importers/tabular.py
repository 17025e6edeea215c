"""CSV and JSON files of inventory rows: documented columns, strict headers, every problem located."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tandem.platform.errors import FieldError, InvalidInput
from tandem.platform.safety import jsondoc
from tandem.platform.safety.csvsafe import read_csv
from tandem.platform.safety.errors import UnsafeInput

TRUE = {"true", "yes", "y", "1"}
FALSE = {"false", "no", "n", "0"}


@dataclass(frozen=True)
class Column:
    """One documented column: the field it fills and how its text is read."""

    name: str
    field: str
    kind: str = "text"  # text | list | bool | money_amount | money_currency | ref
    ref: str = ""  # for kind=ref: the entity kind it names
    help: str = ""


@dataclass
class Row:
    """One data row: where it starts, its values by column, and the column positions."""

    line: int
    values: dict[str, Any]
    positions: dict[str, int] = field(default_factory=dict)


def parse(data: bytes, name: str, fmt: str, columns: list[Column], max_rows: int) -> list[Row]:
    """Parse a CSV or JSON file into rows of typed values; raise InvalidInput listing every located error."""
    by_name = {c.name: c for c in columns}
    if fmt == "csv":
        raw_rows = _csv_rows(data, name, set(by_name), max_rows)
    elif fmt == "json":
        raw_rows = _json_rows(data, name, set(by_name), max_rows)
    else:
        raise InvalidInput.one(name, f"unknown format {fmt!r}; use csv or json")
    errors: list[FieldError] = []
    rows = []
    for line, cells, positions in raw_rows:
        values: dict[str, Any] = {}
        for col_name, raw in cells.items():
            try:
                value = _convert(by_name[col_name], raw)
            except ValueError as exc:
                errors.append(FieldError(f"{name}:{line}:{positions.get(col_name, 1)}", f"{col_name}: {exc}"))
                continue
            if value is not None:
                values[col_name] = value
        rows.append(Row(line, values, positions))
    if errors:
        raise InvalidInput(errors)
    return rows


def _csv_rows(
    data: bytes, name: str, allowed: set[str], max_rows: int
) -> list[tuple[int, dict[str, Any], dict[str, int]]]:
    try:
        records = read_csv(data, name, allowed=allowed, max_rows=max_rows)
    except UnsafeInput as exc:
        raise InvalidInput.one(exc.location or name, exc.reason) from None
    header_positions = {col: i + 1 for i, col in enumerate(records[0])} if records else {}
    lines = _csv_lines(data)
    return [(lines[i] if i < len(lines) else i + 2, rec, header_positions) for i, rec in enumerate(records)]


def _csv_lines(data: bytes) -> list[int]:
    """Return the physical line each data record starts on (quoted fields may span lines)."""
    import csv
    import io

    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    out: list[int] = []
    start = 1
    first = True
    for row in reader:
        if any(row):
            if not first:
                out.append(start)
            first = False
        start = reader.line_num + 1
    return out


def _json_rows(
    data: bytes, name: str, allowed: set[str], max_rows: int
) -> list[tuple[int, dict[str, Any], dict[str, int]]]:
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise InvalidInput.one(f"{name}:1:1", "file is not valid UTF-8") from None
    try:
        doc = jsondoc.load_json(text, name, max_bytes=len(text))  # depth-bounded; size was bounded on upload
    except UnsafeInput as exc:
        raise InvalidInput.one(exc.location or name, exc.reason) from None
    if not isinstance(doc, list):
        raise InvalidInput.one(f"{name}:1:1", "expected a JSON array of objects")
    out: list[tuple[int, dict[str, Any], dict[str, int]]] = []
    errors: list[FieldError] = []
    for n, (obj, (line, col)) in enumerate(zip(doc, _item_positions(text), strict=False)):
        if n >= max_rows:
            raise InvalidInput.one(f"{name}:{line}:{col}", f"file has more than {max_rows} rows")
        if not isinstance(obj, dict):
            errors.append(FieldError(f"{name}:{line}:{col}", "each item must be an object"))
        else:
            errors.extend(FieldError(f"{name}:{line}:{col}", f"unknown field {k!r}") for k in obj if k not in allowed)
            out.append((line, {k: v for k, v in obj.items() if k in allowed}, {k: col for k in obj}))
    if errors:
        raise InvalidInput(errors)
    return out


# A JSON string (skipped whole, escapes included) or a bracket or comma: enough to find where the items of a
# well-formed top-level array start, without recursion however deep the items nest.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},]')


def _item_positions(text: str) -> Iterator[tuple[int, int]]:
    """Yield the line and column where each item of the (already parsed) top-level array starts."""
    depth, line, line_start, counted = 0, 1, 0, 0
    for match in _TOKENS.finditer(text):
        char = text[match.start()]
        if char == "[" or char == "{":
            depth += 1
            if depth > 1:
                continue
        elif char == "]" or char == "}":
            depth -= 1
            continue
        elif char != "," or depth != 1:
            continue
        start = _skip(text, match.end())
        line += text.count("\n", counted, start)
        newline = text.rfind("\n", counted, start)
        line_start, counted = (newline + 1 if newline >= 0 else line_start), start
        yield line, start - line_start + 1


def _skip(text: str, idx: int) -> int:
    while idx < len(text) and text[idx] in " \t\r\n":
        idx += 1
    return idx


def _convert(column: Column, raw: Any) -> Any:
    """Turn a cell (CSV text or a JSON value) into the field's value; None means 'not given'."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if isinstance(raw, dict) or (isinstance(raw, list) and column.kind != "list"):
        raise ValueError("must be a text, number or boolean")
    if column.kind == "list":
        if isinstance(raw, list):
            if any(isinstance(x, dict | list) for x in raw):
                raise ValueError("must be a list of texts")
            return raw
        return [part.strip() for part in str(raw).split(";") if part.strip()]
    if column.kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in TRUE | FALSE:
            return text in TRUE
        raise ValueError("must be true or false")
    return raw.strip() if isinstance(raw, str) else raw


def documented(columns: list[Column]) -> list[dict[str, str]]:
    """Return the column reference for help texts and the import page."""
    return [{"column": c.name, "field": c.field, "kind": c.kind, "help": c.help} for c in columns]
