"""A piece of extracted text and where it came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    """Text to scan; `delimited` marks a whole table (CSV/TSV, a sheet) whose header names each column."""

    text: str
    path: str
    delimited: bool = False
    sheet: str | None = None
    page: int | None = None


def decode(data: bytes) -> str:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 with BOM, or Latin-1 as the last resort."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def clean_cell(value: object) -> str:
    """Render a table cell on one line, so a row stays one line of the rendered table."""
    text = "" if value is None else str(value)
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
