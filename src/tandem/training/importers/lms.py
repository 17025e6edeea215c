"""LMS completion exports: a CSV (email, course, completed_at, score, status) and xAPI statements JSON."""

from __future__ import annotations

from typing import Any

from tandem.platform.errors import FieldError
from tandem.training.importers.common import CompletionRow, csv_records, fail_if, load_json, parse_time, valid_email

CSV_COLUMNS = {"email", "course", "completed_at", "score", "status", "name"}
STATUSES = {"passed": True, "completed": True, "complete": True, "failed": False}
VERBS = {"completed": True, "passed": True, "failed": False}  # other verbs (launched, attempted…) are skipped


def parse_csv(data: bytes, name: str) -> list[CompletionRow]:
    """Parse one row per attempt; course is the course title or its LMS / xAPI activity id."""
    rows, errors = [], []
    for line, rec in csv_records(data, name, {"email", "course", "completed_at"}, CSV_COLUMNS):
        where = f"{name}:{line}"
        try:
            rows.append(_csv_row(where, rec))
        except ValueError as exc:
            errors.append(FieldError(where, str(exc)))
    fail_if(errors)
    return rows


def _score(raw: str) -> float | None:
    if not raw.strip():
        return None
    try:
        value = float(raw.strip().rstrip("%"))
    except ValueError:
        raise ValueError(f"score: {raw!r} is not a number") from None
    if not 0 <= value <= 100:
        raise ValueError("score: must be from 0 to 100")
    return value


def _csv_row(where: str, rec: dict[str, str]) -> CompletionRow:
    try:
        email = valid_email(rec["email"])
    except ValueError as exc:
        raise ValueError(f"email: {exc}") from None
    if not rec["course"].strip():
        raise ValueError("course: required (the course title or its LMS id)")
    try:
        when = parse_time(rec["completed_at"])
    except ValueError as exc:
        raise ValueError(f"completed_at: {exc}") from None
    if when is None:
        raise ValueError("completed_at: required")
    status = rec.get("status", "").strip().lower() or "completed"
    if status not in STATUSES:
        raise ValueError(f"status: must be one of {', '.join(STATUSES)}")
    return CompletionRow(where, email, rec["course"].strip(), when, _score(rec.get("score", "")), STATUSES[status])


def parse_xapi(data: bytes, name: str) -> list[CompletionRow]:
    """Parse xAPI statements (a list, or an LRS response {"statements": [...]}); keep completed/passed/failed."""
    doc = load_json(data, name)
    if isinstance(doc, dict) and isinstance(doc.get("statements"), list):
        doc = doc["statements"]
    if not isinstance(doc, list):
        fail_if([FieldError(name, 'expected a list of xAPI statements or {"statements": [...]}')])
    rows, errors = [], []
    for n, statement in enumerate(doc):
        where = f"{name}:$[{n}]"
        try:
            row = _statement(where, statement)
        except ValueError as exc:
            errors.append(FieldError(where, str(exc)))
            continue
        if row is not None:
            rows.append(row)
    fail_if(errors)
    return rows


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def _statement(where: str, st: Any) -> CompletionRow | None:
    if not isinstance(st, dict):
        raise ValueError("a statement must be an object")
    verb = str(_get(st, "verb", "id") or "")
    outcome = VERBS.get(verb.rstrip("/").rsplit("/", 1)[-1])
    if not verb:
        raise ValueError("verb.id: required")
    if outcome is None:
        return None
    try:
        email = valid_email(str(_get(st, "actor", "mbox") or ""))
    except ValueError as exc:
        raise ValueError(f"actor.mbox: {exc} (only mailto: actors can be matched to people)") from None
    course = str(_get(st, "object", "id") or "").strip()
    if not course:
        raise ValueError("object.id: required (the activity id)")
    try:
        when = parse_time(str(st.get("timestamp") or ""))
    except ValueError as exc:
        raise ValueError(f"timestamp: {exc}") from None
    if when is None:
        raise ValueError("timestamp: required")
    return CompletionRow(where, email, course, when, _scaled(_get(st, "result", "score", "scaled")),
                         _success(_get(st, "result", "success"), outcome))  # fmt: skip


def _scaled(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not -1 <= value <= 1:
        raise ValueError("result.score.scaled: must be a number from -1 to 1")
    return round(max(float(value), 0.0) * 100, 1)


def _success(value: Any, outcome: bool) -> bool:
    if value is None:
        return outcome
    if not isinstance(value, bool):
        raise ValueError("result.success: must be true or false")
    return value and outcome
