"""Find the structure inside a text: delimited tables (whose header names each cell) among prose, logs and JSON."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_HEADER_CELL = re.compile(r"[A-Za-z_][\w .#()/-]{0,50}")
_DELIMITERS = (",", "\t", ";", "|")
# A field up to the next delimiter outside double quotes (an unclosed quote runs to the end of the line).
_QUOTED_FIELD = {d: re.compile(f'(?:[^"{re.escape(d)}]|"[^"]*"?)*') for d in _DELIMITERS}


@dataclass(slots=True)
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
        if not self._starts:
            return None
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
    field = _QUOTED_FIELD[delimiter]
    spans, start = [], 0
    while True:
        match = field.match(line, start)  # always matches: a field may be empty
        end = match.end() if match else start
        spans.append((start, end))
        if end >= len(line):
            return spans
        start = end + 1


def _header(line: str) -> tuple[str, list[str]] | None:
    """Return the delimiter and column names when `line` looks like a table header."""
    for delimiter in _DELIMITERS:
        if line.count(delimiter) < 1:
            continue
        names = [line[a:b].strip().strip('"').strip() for a, b in _split_fields(line, delimiter)]
        if len(names) >= 2 and all(_HEADER_CELL.fullmatch(name) for name in names):
            return delimiter, names
    return None


def _add_table(
    layout: Layout, start: int, lines: list[str], names: list[str], rows: list[list[tuple[int, int]]]
) -> None:
    offset = start + len(lines[0]) + 1
    cells, starts = layout.cells, layout._starts
    for row, (line, spans) in enumerate(zip(lines[1:], rows, strict=True), start=1):
        if len(spans) == len(names):
            for (a, b), name in zip(spans, names, strict=True):
                cells.append(Cell(offset + a, offset + b, name, row))
                starts.append(offset + a)
        offset += len(line) + 1


def _table_rows(lines: list[str], delimiter: str, names: list[str]) -> list[list[tuple[int, int]]] | None:
    """Return the field spans of every line after the header when most non-blank ones fit the header."""
    rows = [_split_fields(line, delimiter) for line in lines[1:]]
    filled = [spans for line, spans in zip(lines[1:], rows, strict=True) if line.strip()]
    fitting = sum(1 for spans in filled if len(spans) == len(names))
    return rows if filled and fitting >= max(1, len(filled) * 0.8) else None


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
        header = _header(stripped.partition("\n")[0])
        if header is None or "\n" not in stripped:
            continue  # most blocks are prose, logs or JSON: split them only when they open with a header
        lines = stripped.split("\n")
        rows = _table_rows(lines, *header)
        if rows is not None:
            _add_table(layout, block_start + len(block) - len(stripped), lines, header[1], rows)
    return layout
