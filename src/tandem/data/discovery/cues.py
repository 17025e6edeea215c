"""Context-only types: values under a typed field (key, column) or a few words after a cue word in prose."""

from __future__ import annotations

import re

from . import validators as v
from .context import state_between, type_for_key
from .findings import Detection
from .layout import Cell, Layout
from .matcher import Candidate
from .types import EntityType as T
from .types import Member as M
from .validators.dates import find_birth_date

_KEY_NAME = re.compile(r"[A-Za-z_][\w.-]*")
_UNQUOTED_EQ = re.compile(r"[^\s,;&\"'<>]*")
_UNQUOTED_COLON = re.compile(r"[^\n,;\"'<>{}\[\]]*")
_QUOTED = {'"': re.compile(r'[^"\n]{0,400}'), "'": re.compile(r"[^'\n]{0,400}")}
_PROSE_WINDOW = 40
# The first value-shaped token after a cue word, per type.
_FORWARD = {
    M.US_PASSPORT: re.compile(r"(?<![\w-])[A-Z]?\d{8,9}(?![\w-])"),
    M.US_DRIVER_LICENSE: re.compile(r"(?<![\w-])[A-Z0-9*]{4,20}(?![\w-])"),
    M.MEDICAL_RECORD_NUMBER: re.compile(r"(?<![\w-])(?:[A-Z]{1,4}[-:]?)?\d{5,12}(?![\w-])"),
    M.US_SSN: re.compile(r"(?<![\w-])\d{3}([- ]?)\d{2}\1\d{4}(?![\w-])"),
    M.US_ITIN: re.compile(r"(?<![\w-])9\d{2}([- ]?)\d{2}\1\d{4}(?![\w-])"),
}
_CUE_TYPES = {
    "cue_dob": M.DATE_OF_BIRTH,
    "cue_passport": M.US_PASSPORT,
    "cue_dl": M.US_DRIVER_LICENSE,
    "cue_mrn": M.MEDICAL_RECORD_NUMBER,
    "cue_ssn": M.US_SSN,
    "cue_itin": M.US_ITIN,
}
_STRICT_SECRET_WORDS = ("token", "key", "secret", "auth", "bearer", "credential")


def typed_value_ok(entity: T, value: str, text: str, start: int) -> bool:
    """Return whether `value`, announced as `entity` by its field or cue, passes that type's validator."""
    if entity is M.DATE_OF_BIRTH:
        return v.parse_birth_date(value)
    if entity is M.US_PASSPORT:
        return v.is_passport(value)
    if entity is M.US_DRIVER_LICENSE:
        return v.is_driver_license(value, state_between(text, max(0, start - 60), start))
    if entity is M.MEDICAL_RECORD_NUMBER:
        return v.is_mrn(value)
    if entity is M.US_SSN:
        return v.is_ssn(value)
    if entity is M.US_ITIN:
        digits = value.replace("-", "").replace(" ", "")
        return len(digits) == 9 and digits.isdigit() and v.itin_ok(digits[:3], digits[3:5])
    if entity is M.PHONE:
        return v.is_phone(value)
    if entity is M.PERSON:
        return v.is_person_name(value)
    if entity is M.AWS_SECRET_ACCESS_KEY:
        return v.is_aws_secret(value)
    return False


_PADDING = " \t\r\"'"


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    value = text[start:end]
    left = start + len(value) - len(value.lstrip(_PADDING))
    return left, max(left, start + len(value.rstrip(_PADDING)))


def _value_span(text: str, name_end: int, value_start: int) -> tuple[int, int]:
    opener = text[value_start : value_start + 1]
    if opener in _QUOTED:
        match = _QUOTED[opener].match(text, value_start + 1)
        return value_start + 1, match.end() if match else value_start + 1
    separator = "=" if "=" in text[name_end:value_start] else ":"
    match = (_UNQUOTED_EQ if separator == "=" else _UNQUOTED_COLON).match(text, value_start)
    return _trimmed(text, value_start, match.end() if match else value_start)


def _secret(key: str, text: str, start: int, end: int, rule: str) -> Detection | None:
    value = text[start:end]
    strict = any(word in key.lower() for word in _STRICT_SECRET_WORDS)
    if " " in value or not v.looks_secret(value, strict):
        return None
    return Detection(M.SECRET, start, end, 0.8, rule)


def judge_key(text: str, cand: Candidate, layout: Layout) -> Detection | None:
    """Validate the value after a field name (`"dob": "…"`, `ssn=…`, `password: …`) as the type the name gives."""
    name_match = _KEY_NAME.match(text, cand.start)
    if name_match is None:
        return None
    key = name_match.group()
    entity = type_for_key(key)
    if entity is None or layout.cell_at(cand.start) is not None:
        return None
    value_start = cand.ends[0]
    while value_start < len(text) and text[value_start] in " \t":
        value_start += 1
    start, end = _value_span(text, name_match.end(), value_start)
    if start >= end:
        return None
    if entity is M.SECRET:
        return _secret(key, text, start, end, "key_secret")
    if entity is M.DATE_OF_BIRTH:
        found = find_birth_date(text, start, end)
        if found is None or found[0] != start:
            return None
        start, end = found
    elif not typed_value_ok(entity, text[start:end], text, start):
        return None
    return Detection(entity, start, end, 0.9, "key_" + entity.lower())


def _line_end(text: str, start: int, limit: int) -> int:
    newline = text.find("\n", start, limit)
    return limit if newline < 0 else newline


def judge_cue(text: str, cand: Candidate, layout: Layout) -> Detection | None:
    """Find the first value of the cue word's type within a few words after it, on the same line."""
    entity = _CUE_TYPES[cand.pattern.rule]
    if layout.cell_at(cand.start) is not None:
        return None
    start = cand.ends[0]
    limit = _line_end(text, start, min(len(text), start + _PROSE_WINDOW))
    if entity is M.DATE_OF_BIRTH:
        found = find_birth_date(text, start, limit)
        if found is None:
            return None
        return Detection(entity, found[0], found[1], 0.85, cand.pattern.rule)
    for match in _FORWARD[entity].finditer(text, start, limit):
        if typed_value_ok(entity, match.group(), text, match.start()):
            return Detection(entity, match.start(), match.end(), 0.85, cand.pattern.rule)
        if entity is not M.US_DRIVER_LICENSE:
            return None
    return None


def judge_cells(text: str, layout: Layout) -> list[Detection]:
    """Validate every cell of columns whose names announce a context-only type (`dob`, `mrn`, `full_name`)."""
    found: list[Detection] = []
    typed: dict[str, T | None] = {}
    for cell in layout.cells:
        if cell.key not in typed:
            typed[cell.key] = type_for_key(cell.key)
        entity = typed[cell.key]
        if entity is None:
            continue
        detection = _judge_cell(text, cell, entity)
        if detection is not None:
            found.append(detection)
    return found


def _judge_cell(text: str, cell: Cell, entity: T) -> Detection | None:
    start, end = _trimmed(text, cell.start, cell.end)
    if start >= end:
        return None
    if entity is M.SECRET:
        return _secret(cell.key, text, start, end, "column_secret")
    if not typed_value_ok(entity, text[start:end], text, start):
        return None
    return Detection(entity, start, end, 0.9, "column_" + entity.lower())
