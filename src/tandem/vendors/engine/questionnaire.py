"""Read a questionnaire the user is licensed for (SIG Lite, CAIQ, their own) from CSV or XLSX.

Bytes in, questions or located errors out. The header row may sit below a title block: the first row (of the first
30) naming a question column is taken as the header. Column names are matched loosely (see ALIASES)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tandem.platform.safety import WORKBOOK_ERRORS, UnsafeInput, inspect_zip

MAX_QUESTIONS = 2000
MAX_TEXT = 4000
HEADER_SCAN_ROWS = 30
ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("question", "question text", "text", "control question", "question description"),
    "id": ("id", "question id", "ref", "ref #", "number", "no", "question number", "control id"),
    "section": ("section", "domain", "category", "control domain", "group", "tab"),
    "controls": ("controls", "mapping", "mappings", "control ids", "requirements", "maps to"),
    "weight": ("weight", "importance"),
    "kind": ("kind", "answer type", "type"),
}
KINDS = {"yes_no", "text"}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,59}$")


class QuestionnaireError(ValueError):
    """The file cannot be used; every problem is (location, reason)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{w}: {r}" for w, r in errors))
        self.errors = errors


@dataclass(frozen=True)
class Parsed:
    """The questions read and where their header was."""

    questions: list[dict[str, Any]]
    header_row: int
    sheet: str


def _norm(value: Any) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())  # collapses runs of whitespace and line breaks inside cells


def _csv_rows(data: bytes, name: str) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        raise QuestionnaireError([(name, "not UTF-8 text; save the sheet as CSV UTF-8")]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            yield reader.line_num, [_norm(c) for c in row]
    except csv.Error as exc:
        raise QuestionnaireError([(f"{name}:{reader.line_num}", f"malformed CSV: {exc}")]) from None


def _xlsx_rows(data: bytes, name: str, sheet: str | None) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    from openpyxl import load_workbook  # imported here: CSV users never pay for it

    try:
        inspect_zip(data, name)  # refuse bombs and climbing member names before openpyxl inflates anything
    except UnsafeInput as exc:
        raise QuestionnaireError([(exc.location or name, exc.reason)]) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        chosen = sheet if sheet is not None else _question_sheet(book)
        ws = book[chosen] if chosen in book.sheetnames else None
    except _UNREADABLE as exc:
        raise _unreadable(name, exc) from None
    if ws is None:
        raise QuestionnaireError([(f"{name}", f"no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})")])

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
                yield n, [_norm(c) for c in row]
        except _UNREADABLE as exc:  # the sheet is read as the rows are taken
            raise _unreadable(f"{name}[{chosen}]", exc) from None

    return chosen, rows()


_UNREADABLE = WORKBOOK_ERRORS


def _unreadable(where: str, exc: Exception) -> QuestionnaireError:
    return QuestionnaireError([(where, f"not a readable XLSX workbook ({type(exc).__name__})")])


def _question_sheet(book: Any) -> str:
    """Return the first sheet whose top rows name a question column."""
    for title in book.sheetnames:
        for n, row in enumerate(book[title].iter_rows(values_only=True, max_row=HEADER_SCAN_ROWS)):
            if _columns([_norm(c) for c in row]).get("text") is not None:
                return str(title)
            if n >= HEADER_SCAN_ROWS:
                break
    return str(book.sheetnames[0])


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = cell.lower().rstrip(":")
        for field, names in ALIASES.items():
            if key in names and field not in found:
                found[field] = index
    return found


def _cell(row: list[str], cols: dict[str, int], field: str) -> str:
    index = cols.get(field)
    return row[index] if index is not None and index < len(row) else ""


def _question(row: list[str], cols: dict[str, int], where: str, n: int) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    errors: list[tuple[str, str]] = []
    text = _cell(row, cols, "text")
    qid = _cell(row, cols, "id") or f"Q{n}"
    if len(text) > MAX_TEXT:
        errors.append((f"{where}: question", f"longer than {MAX_TEXT} characters"))
    if not _ID.match(qid):
        errors.append((f"{where}: id", "use letters, digits, '.', '_' or '-' (at most 60)"))
    weight_raw = _cell(row, cols, "weight") or "1"
    try:
        weight = int(float(weight_raw))
        if not 0 <= weight <= 10:
            raise ValueError
    except ValueError:
        errors.append((f"{where}: weight", "must be a whole number from 0 to 10"))
        weight = 1
    kind = (_cell(row, cols, "kind") or "yes_no").lower().replace("/", "_").replace(" ", "_")
    if kind not in KINDS:
        errors.append((f"{where}: kind", "must be yes_no or text"))
    controls = [c for c in re.split(r"[\s;,]+", _cell(row, cols, "controls")) if c]
    section = _cell(row, cols, "section")[:120] or "General"
    return {"id": qid, "section": section, "text": text, "controls": controls[:50], "weight": weight,
            "kind": kind}, errors  # fmt: skip


def parse(data: bytes, name: str, sheet: str | None = None) -> Parsed:
    """Return the questions of a CSV or XLSX file; raise QuestionnaireError with every located problem."""
    if name.lower().endswith(".xlsx"):
        sheet_name, rows = _xlsx_rows(data, name, sheet)
        prefix = f"{name}[{sheet_name}]"
    else:
        sheet_name, rows, prefix = "", _csv_rows(data, name), name
    header_row, cols = 0, {}
    for n, row in rows:
        if (found := _columns(row)).get("text") is not None:
            header_row, cols = n, found
            break
        if n >= HEADER_SCAN_ROWS:
            break
    if not header_row:
        raise QuestionnaireError(
            [(prefix, f"no header row with a question column in the first {HEADER_SCAN_ROWS} rows")]
        )
    questions: list[dict[str, Any]] = []
    errors: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for n, row in rows:
        if not any(row) or not _cell(row, cols, "text"):
            continue  # blank lines and section banners carry no question
        where = f"{prefix}:{n}"
        question, problems = _question(row, cols, where, len(questions) + 1)
        if question["id"] in seen:
            problems.append((f"{where}: id", f"duplicate of row {seen[question['id']]}"))
        seen[question["id"]] = n
        errors += problems
        questions.append(question)
        if len(questions) > MAX_QUESTIONS:
            raise QuestionnaireError([(where, f"more than {MAX_QUESTIONS} questions")])
    if not questions and not errors:
        errors.append((prefix, "the file has a header but no questions"))
    if errors:
        raise QuestionnaireError(errors)
    return Parsed(questions, header_row, sheet_name)
