"""Import a framework the user is licensed for (ISO, PCI, SOC 2 …) from a simple CSV or YAML file.

Format (full description and examples in SIMPLE_FORMAT.md next to this module):

CSV, UTF-8, one header row; columns in any order:
    id           required  unique identifier, e.g. `A.5.1` or `CC6.1` (max 100 characters)
    title        required  short title (max 500 characters)
    parent_id    optional  id of the enclosing item in the same file; empty for top-level items
    description  optional  requirement text
    kind         optional  `group` (a heading, not assessed) or `requirement` (default)
    sort_key     optional  ordering hint; file order is kept when empty

YAML: a mapping with optional `framework` and `version` and a list `items` of mappings with the same keys.

The import is all-or-nothing: every problem is reported as `file:line:column: reason` (duplicate ids,
parents that are not in the file, parent cycles, unknown kinds or columns) and nothing is returned.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Literal

import yaml

from tandem.platform.safety.csvsafe import read_csv
from tandem.platform.safety.errors import TooLarge, UnsafeInput

COLUMNS = ("id", "parent_id", "title", "description", "kind", "sort_key")
REQUIRED = {"id", "title"}
KINDS = ("group", "requirement")
MAX_BYTES = 10 * 1024 * 1024
MAX_ID, MAX_TITLE = 100, 500
MAX_ERRORS = 50
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:()/\- ]*$")

Kind = Literal["group", "requirement"]


@dataclass(frozen=True, slots=True)
class SimpleItem:
    """One framework item from the file, with the line it came from."""

    id: str
    title: str
    parent_id: str | None
    description: str
    kind: Kind
    sort_key: str
    line: int


@dataclass(frozen=True, slots=True)
class SimpleFramework:
    """A framework read from the simple format, items in file order."""

    name: str
    version: str
    items: tuple[SimpleItem, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem: `file:line:column` and why."""

    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


class FrameworkFileError(UnsafeInput):
    """The file was rejected; `problems` lists every located problem found (first MAX_ERRORS)."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first.reason + more, first.location)
        self.problems = problems


@dataclass(slots=True)
class _Row:
    values: dict[str, str]
    line: int
    columns: dict[str, int]


@dataclass(slots=True)
class _Collector:
    name: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, line: int, column: int, reason: str) -> None:
        if len(self.problems) < MAX_ERRORS:
            self.problems.append(Problem(f"{self.name}:{line}:{column}", reason))


def _records(text: str) -> list[tuple[int, list[str]]]:
    # read_csv validates but returns plain dicts; re-scan to know each record's first physical line,
    # skipping blank records the same way read_csv does.
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return records
        if any(row):
            records.append((start, row))


def _csv_rows(data: bytes | str, name: str) -> list[_Row]:
    rows = read_csv(data, name, required=REQUIRED, allowed=set(COLUMNS), max_field=10_000)
    text = data if isinstance(data, str) else data.decode("utf-8-sig")
    records = _records(text)
    columns = {column.strip(): index for index, column in enumerate(records[0][1], start=1)}
    return [_Row(row, line, columns) for row, (line, _) in zip(rows, records[1:], strict=True)]


def _scalar_text(node: yaml.Node) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def _yaml_items(node: yaml.Node, report: _Collector) -> list[_Row]:
    rows: list[_Row] = []
    if not isinstance(node, yaml.SequenceNode):
        report.add(node.start_mark.line + 1, node.start_mark.column + 1, "`items` must be a list")
        return rows
    for item in node.value:
        line, column = item.start_mark.line + 1, item.start_mark.column + 1
        if not isinstance(item, yaml.MappingNode):
            report.add(line, column, "each item must be a mapping of id, title, …")
            continue
        values: dict[str, str] = {}
        columns: dict[str, int] = {}
        for key_node, value_node in item.value:
            key, value = _scalar_text(key_node), _scalar_text(value_node)
            where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key not in COLUMNS:
                report.add(*where, f"unknown key {key!r}; expected one of {', '.join(COLUMNS)}")
            elif value is None:
                report.add(*where, f"{key} must be a single value")
            else:
                values[key] = "" if value_node.tag.endswith(":null") else value
                columns[key] = value_node.start_mark.column + 1
        missing = sorted(REQUIRED - values.keys())
        if missing:
            report.add(line, column, f"missing required key(s): {', '.join(missing)}")
        rows.append(_Row(values, line, {k: columns.get(k, column) for k in COLUMNS}))
    return rows


def _yaml_document(data: bytes | str, report: _Collector) -> tuple[str, str, list[_Row]]:
    try:
        text = data if isinstance(data, str) else data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnsafeInput("file is not valid UTF-8", report.name) from None
    try:
        # Aliases let a small file expand enormously (billion laughs); the format never needs them.
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise UnsafeInput("YAML aliases are not allowed", f"{report.name}:{event.start_mark.line + 1}")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{report.name}:{mark.line + 1}:{mark.column + 1}" if mark else report.name
        raise UnsafeInput(f"invalid YAML: {exc.problem}", where) from None
    if not isinstance(root, yaml.MappingNode):
        raise UnsafeInput("the YAML document must be a mapping with an `items` list", f"{report.name}:1:1")
    fields = {_scalar_text(k): v for k, v in root.value}
    items = fields.get("items")
    if items is None:
        raise UnsafeInput("the YAML document has no `items` list", f"{report.name}:1:1")
    framework = _scalar_text(fields["framework"]) if "framework" in fields else None
    version = _scalar_text(fields["version"]) if "version" in fields else None
    return framework or "", version or "", _yaml_items(items, report)


def _check_row(row: _Row, seen: dict[str, int], report: _Collector) -> None:
    item_id, title = row.values.get("id", "").strip(), row.values.get("title", "").strip()
    col = row.columns.get
    if not item_id:
        report.add(row.line, col("id", 1), "id is empty")
    elif len(item_id) > MAX_ID or not _ID.match(item_id):
        report.add(
            row.line, col("id", 1), f"id {item_id[:40]!r} must be letters, digits and . _ : ( ) / - (max {MAX_ID})"
        )
    elif item_id in seen:
        report.add(row.line, col("id", 1), f"duplicate id {item_id!r} (first on line {seen[item_id]})")
    else:
        seen[item_id] = row.line
    if not title:
        report.add(row.line, col("title", 1), "title is empty")
    elif len(title) > MAX_TITLE:
        report.add(row.line, col("title", 1), f"title is longer than {MAX_TITLE} characters")
    kind = row.values.get("kind", "").strip() or "requirement"
    if kind not in KINDS:
        report.add(row.line, col("kind", 1), f"kind {kind!r} must be one of {', '.join(KINDS)}")


def _check_parents(rows: list[_Row], seen: dict[str, int], report: _Collector) -> None:
    parents = {r.values.get("id", "").strip(): r.values.get("parent_id", "").strip() for r in rows}
    for row in rows:
        parent = row.values.get("parent_id", "").strip()
        where = (row.line, row.columns.get("parent_id", 1))
        if parent and parent not in seen:
            report.add(*where, f"parent_id {parent!r} is not an id in this file")
            continue
        # Walk up the chain; meeting this row's id again means a cycle (bounded by the item count).
        current, steps = parent, 0
        while current and steps <= len(parents):
            if current == row.values.get("id", "").strip():
                report.add(*where, f"parent_id {parent!r} makes a cycle")
                break
            current, steps = parents.get(current, ""), steps + 1


def _items(rows: list[_Row], report: _Collector) -> tuple[SimpleItem, ...]:
    seen: dict[str, int] = {}
    for row in rows:
        _check_row(row, seen, report)
    _check_parents(rows, seen, report)
    if report.problems:
        raise FrameworkFileError(report.problems)
    return tuple(
        SimpleItem(
            id=r.values["id"].strip(),
            title=r.values["title"].strip(),
            parent_id=r.values.get("parent_id", "").strip() or None,
            description=r.values.get("description", "").strip(),
            kind="group" if r.values.get("kind", "").strip() == "group" else "requirement",
            sort_key=r.values.get("sort_key", "").strip(),
            line=r.line,
        )
        for r in rows
    )


def parse_simple_csv(data: bytes | str, name: str, framework: str, version: str = "") -> SimpleFramework:
    """Read a framework from the simple CSV format, or raise with every located problem."""
    if len(data) > MAX_BYTES:
        raise TooLarge(f"file exceeds the {MAX_BYTES}-byte limit", name)
    report = _Collector(name)
    return SimpleFramework(framework, version, _items(_csv_rows(data, name), report))


def parse_simple_yaml(data: bytes | str, name: str) -> SimpleFramework:
    """Read a framework from the simple YAML format, or raise with every located problem."""
    if len(data) > MAX_BYTES:
        raise TooLarge(f"file exceeds the {MAX_BYTES}-byte limit", name)
    report = _Collector(name)
    framework, version, rows = _yaml_document(data, report)
    return SimpleFramework(framework, version, _items(rows, report))
