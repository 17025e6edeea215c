"""Find the structure inside a text: delimited tables (whose header names each cell) among prose, logs and JSON."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_HEADER_CELL = re.compile(r"[A-Za-z_][\w .#()/-]{0,50}")
_DELIMITERS = (",", "\t", ";", "|")


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell: its span in the text, its column name and its row number (1 = first data row)."""

    start: int
    end: int
    key: str
    row: int


@dataclass
class Layout:
    """Cells of every table found in a text, and lookups from an offset to its cell."""

    cells: list[Cell] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)

    def add(self, cell: Cell) -> None:
        """Append a cell; cells must arrive in text order."""
        self.cells.append(cell)
        self._starts.append(cell.start)

    def cell_at(self, offset: int) -> Cell | None:
        """Return the cell containing `offset`, if it lies in a table."""
        slot = bisect.bisect_right(self._starts, offset) - 1
        if slot >= 0 and offset <= self.cells[slot].end:
            return self.cells[slot]
        return None


def _split_fields(line: str, delimiter: str) -> list[tuple[int, int]]:
    """Return (start, end) of each field in a line, honouring double quotes."""
    if '"' not in line:
        spans, position = [], 0
        for part in line.split(delimiter):
            spans.append((position, position + len(part)))
            position += len(part) + 1
        return spans
    spans, start, quoted = [], 0, False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            spans.append((start, index))
            start = index + 1
    spans.append((start, len(line)))
    return spans


def _header(line: str) -> tuple[str, list[str]] | None:
    """Return the delimiter and column names when `line` looks like a table header."""
    for delimiter in _DELIMITERS:
        if line.count(delimiter) < 1:
            continue
        names = [line[a:b].strip().strip('"').strip() for a, b in _split_fields(line, delimiter)]
        if len(names) >= 2 and all(_HEADER_CELL.fullmatch(name) for name in names):
            return delimiter, names
    return None


def _add_table(layout: Layout, text: str, block_start: int, lines: list[str], delimiter: str, names: list[str]) -> None:
    offset = block_start + len(lines[0]) + 1
    for row, line in enumerate(lines[1:], start=1):
        spans = _split_fields(line, delimiter)
        if len(spans) == len(names):
            for (a, b), name in zip(spans, names, strict=True):
                layout.add(Cell(offset + a, offset + b, name, row))
        offset += len(line) + 1


def _table_block(lines: list[str]) -> tuple[str, list[str]] | None:
    if len(lines) < 2:
        return None
    found = _header(lines[0])
    if found is None:
        return None
    delimiter, names = found
    rows = [line for line in lines[1:] if line.strip()]
    fitting = sum(1 for line in rows if len(_split_fields(line, delimiter)) == len(names))
    return (delimiter, names) if rows and fitting >= max(1, len(rows) * 0.8) else None


def find_layout(text: str, delimited: bool = False) -> Layout:
    """Find delimited tables (header + rows, separated from other blocks by blank lines) in `text`.

    With `delimited`, the whole text is one table (a CSV or TSV file).
    """
    layout = Layout()
    if delimited:
        blocks = [(0, text)]
    else:
        if "," not in text and "\t" not in text and ";" not in text and "|" not in text:
            return layout
        blocks, position = [], 0
        for match in _BLANK_LINES.finditer(text):
            blocks.append((position, text[position : match.start()]))
            position = match.end()
        blocks.append((position, text[position:]))
    for block_start, block in blocks:
        stripped = block.lstrip("\n")
        if not stripped or stripped[0] in "{[<":
            continue
        start = block_start + len(block) - len(stripped)
        lines = stripped.split("\n")
        found = _table_block(lines)
        if found is not None:
            _add_table(layout, text, start, lines, *found)
    return layout
