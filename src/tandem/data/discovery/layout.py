"""Find the structure inside a text: delimited tables (whose header names each cell) among prose, logs and JSON."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from itertools import accumulate
from operator import add

_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_HEADER_CELL = re.compile(r"[A-Za-z_][\w .#()/-]{0,50}")
_DELIMITERS = (",", "\t", ";", "|")
# A field up to the next delimiter outside double quotes (an unclosed quote runs to the end of the line).
_QUOTED_FIELD = {d: re.compile(f'(?:[^"{re.escape(d)}]|"[^"]*"?)*') for d in _DELIMITERS}
_PLUS_ONE = (1).__add__


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell: its span in the text, its column name and its row number (1 = first data row)."""

    start: int
    end: int
    key: str
    row: int


@dataclass(slots=True)
class Table:
    """One table: its column names and, per row that fits the header, its cells' start and end offsets."""

    names: list[str]
    rows: list[tuple[list[int], list[int]]] = field(default_factory=list)


@dataclass
class Layout:
    """The tables found in a text and lookups from an offset to its cell.

    Cells are kept as offset lists, per table row and flat in text order for the lookups (no object per
    cell: tables are most of a CSV file's text); a `Cell` is made only when asked for.
    """

    tables: list[Table] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)
    _ends: list[int] = field(default_factory=list)
    _keys: list[str] = field(default_factory=list)
    _rows: list[int] = field(default_factory=list)

    @property
    def cells(self) -> list[Cell]:
        """Return every cell in text order."""
        return [Cell(*cell) for cell in zip(self._starts, self._ends, self._keys, self._rows, strict=True)]

    def _slot(self, offset: int) -> int:
        slot = bisect.bisect_right(self._starts, offset) - 1
        return slot if slot >= 0 and offset <= self._ends[slot] else -1

    def in_cell(self, offset: int) -> bool:
        """Return whether `offset` lies in a table cell."""
        return bool(self._starts) and self._slot(offset) >= 0

    def key_at(self, offset: int) -> str | None:
        """Return the column name of the cell containing `offset`, if it lies in a table."""
        if not self._starts:
            return None
        slot = self._slot(offset)
        return self._keys[slot] if slot >= 0 else None

    def prose_ranges(self, size: int) -> list[tuple[int, int]]:
        """Return the (start, end) ranges of a text of length `size` outside table rows, line-aligned."""
        ranges, position = [], 0
        for table in self.tables:
            for starts, ends in table.rows:
                if starts[0] > position:
                    ranges.append((position, starts[0]))
                position = max(position, ends[-1])
        if position < size:
            ranges.append((position, size))
        return ranges

    def cell_at(self, offset: int) -> Cell | None:
        """Return the cell containing `offset`, if it lies in a table."""
        if not self._starts:
            return None
        slot = self._slot(offset)
        if slot < 0:
            return None
        return Cell(self._starts[slot], self._ends[slot], self._keys[slot], self._rows[slot])


def _field_bounds(line: str, delimiter: str) -> tuple[list[int], list[int]]:
    """Return the start and end offsets of each field in a line, honouring double quotes."""
    if '"' not in line:
        # Without quotes a field ends where the next delimiter is: sums of lengths, computed in C.
        lengths = list(map(len, line.split(delimiter)))
        starts = list(accumulate(map(_PLUS_ONE, lengths), initial=0))
        del starts[-1]
        return starts, list(map(add, starts, lengths))
    pattern = _QUOTED_FIELD[delimiter]
    starts, ends, start = [], [], 0
    while True:
        match = pattern.match(line, start)  # always matches: a field may be empty
        end = match.end() if match else start
        starts.append(start)
        ends.append(end)
        if end >= len(line):
            return starts, ends
        start = end + 1


def _split_fields(line: str, delimiter: str) -> list[tuple[int, int]]:
    """Return (start, end) of each field in a line, honouring double quotes."""
    return list(zip(*_field_bounds(line, delimiter), strict=True))


def _header(line: str) -> tuple[str, list[str]] | None:
    """Return the delimiter and column names when `line` looks like a table header."""
    for delimiter in _DELIMITERS:
        if delimiter not in line:
            continue
        fields = line.split(delimiter) if '"' not in line else [line[a:b] for a, b in _split_fields(line, delimiter)]
        names = []
        for cell in fields:
            name = cell.strip().strip('"').strip()
            if _HEADER_CELL.fullmatch(name) is None:
                break  # most lines with a delimiter are prose: give up at the first field that is not a name
            names.append(name)
        else:
            if len(names) >= 2:
                return delimiter, names
    return None


def _add_table(
    layout: Layout, start: int, lines: list[str], names: list[str], rows: list[tuple[list[int], list[int]]]
) -> None:
    offset = start + len(lines[0]) + 1
    table = Table(names)
    width = len(names)
    for row, (line, (starts, ends)) in enumerate(zip(lines[1:], rows, strict=True), start=1):
        if len(starts) == width:
            shift = offset.__add__
            cells = list(map(shift, starts)), list(map(shift, ends))
            table.rows.append(cells)
            layout._starts.extend(cells[0])
            layout._ends.extend(cells[1])
            layout._keys.extend(names)
            layout._rows.extend([row] * width)
        offset += len(line) + 1
    layout.tables.append(table)


def _table_rows(lines: list[str], delimiter: str, names: list[str]) -> list[tuple[list[int], list[int]]] | None:
    """Return the field bounds of every line after the header when most non-blank ones fit the header."""
    rows = [_field_bounds(line, delimiter) for line in lines[1:]]
    filled = [bounds[0] for line, bounds in zip(lines[1:], rows, strict=True) if line.strip()]
    fitting = sum(1 for starts in filled if len(starts) == len(names))
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
