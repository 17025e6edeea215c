"""Context-only types: values under a typed field (key, column) or a few words after a cue word in prose."""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import attrgetter

from . import validators as v
from .context import state_between, type_for_key
from .findings import Detection
from .layout import Layout
from .types import EntityType as T
from .types import Member as M
from .validators.dates import find_birth_date

_KEY_NAME = re.compile(r"[A-Za-z_][\w.-]*")
_UNQUOTED_EQ = re.compile(r"[^\s,;&\"'<>]*")
_UNQUOTED_COLON = re.compile(r"[^\n,;\"'<>{}\[\]]*")
_QUOTED = {'"': re.compile(r'[^"\n]{0,400}'), "'": re.compile(r"[^'\n]{0,400}")}
_PROSE_WINDOW = 40
_START = attrgetter("start")
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
_KEY_RULES = {entity: "key_" + entity.lower() for entity in T}
_COLUMN_RULES = {entity: "column_" + entity.lower() for entity in T}


def _itin(value: str) -> bool:
    digits = value.replace("-", "").replace(" ", "")
    return len(digits) == 9 and digits.isdigit() and v.itin_ok(digits[:3], digits[3:5])


# The validator of each context-only type that needs nothing but the value (a lookup, not an if-chain).
_VALUE_CHECKS: dict[T, Callable[[str], bool]] = {
    M.DATE_OF_BIRTH: v.parse_birth_date,
    M.US_PASSPORT: v.is_passport,
    M.MEDICAL_RECORD_NUMBER: v.is_mrn,
    M.US_SSN: v.is_ssn,
    M.US_ITIN: _itin,
    M.PHONE: v.is_phone,
    M.PERSON: v.is_person_name,
    M.AWS_SECRET_ACCESS_KEY: v.is_aws_secret,
}


def typed_value_ok(entity: T, value: str, text: str, start: int) -> bool:
    """Return whether `value`, announced as `entity` by its field or cue, passes that type's validator."""
    check = _VALUE_CHECKS.get(entity)
    if check is not None:
        return check(value)
    if entity is M.US_DRIVER_LICENSE:
        # The state named just before the value picks the licence format.
        return v.is_driver_license(value, state_between(text, max(0, start - 60), start))
    return False


_PADDING = " \t\r\"'"


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    if start < end and text[start] not in _PADDING and text[end - 1] not in _PADDING:
        return start, end  # the common case: nothing to trim
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


def judge_key(text: str, start: int, ends: tuple[int, ...], rule: str, layout: Layout) -> Detection | None:
    """Validate the value after a field name (`"dob": "…"`, `ssn=…`, `password: …`) as the type the name gives."""
    name_match = _KEY_NAME.match(text, start)
    if name_match is None:
        return None
    key = name_match.group()
    entity = type_for_key(key)
    if entity is None or layout.in_cell(start):
        return None
    return judge_key_value(text, key, entity, name_match.end(), ends[0])


def judge_key_value(text: str, key: str, entity: T, name_end: int, value_start: int) -> Detection | None:
    """Validate the value after field name `key` (ending at `name_end`; its sign ends at `value_start`)."""
    while text[value_start : value_start + 1] in (" ", "\t"):
        value_start += 1
    start, end = _value_span(text, name_end, value_start)
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
    return Detection(entity, start, end, 0.9, _KEY_RULES[entity])


def _line_end(text: str, start: int, limit: int) -> int:
    newline = text.find("\n", start, limit)
    return limit if newline < 0 else newline


def judge_cue(text: str, start: int, ends: tuple[int, ...], rule: str, layout: Layout) -> Detection | None:
    """Find the first value of the cue word's type within a few words after it, on the same line."""
    entity = _CUE_TYPES[rule]
    if layout.in_cell(start):
        return None
    start = ends[0]
    limit = _line_end(text, start, min(len(text), start + _PROSE_WINDOW))
    if entity is M.DATE_OF_BIRTH:
        found = find_birth_date(text, start, limit)
        if found is None:
            return None
        return Detection(entity, found[0], found[1], 0.85, rule)
    for match in _FORWARD[entity].finditer(text, start, limit):
        if typed_value_ok(entity, match.group(), text, match.start()):
            return Detection(entity, match.start(), match.end(), 0.85, rule)
        if entity is not M.US_DRIVER_LICENSE:
            return None
    return None


def judge_cells(text: str, layout: Layout) -> list[Detection]:
    """Validate every cell of columns whose names announce a context-only type (`dob`, `mrn`, `full_name`).

    The type, validator and rule are decided once per column.
    """
    found: list[Detection] = []
    for table in layout.tables:
        for column, key in enumerate(table.names):
            entity = type_for_key(key)
            if entity is not None:
                _judge_column(text, table.rows, column, key, entity, found)
    found.sort(key=_START)
    return found


def _judge_column(
    text: str, rows: list[tuple[list[int], list[int]]], column: int, key: str, entity: T, found: list[Detection]
) -> None:
    check = _VALUE_CHECKS.get(entity)
    rule = _COLUMN_RULES[entity]
    for starts, ends in rows:
        start, end = _trimmed(text, starts[column], ends[column])
        if start >= end:
            continue
        if entity is M.SECRET:
            detection = _secret(key, text, start, end, "column_secret")
            if detection is not None:
                found.append(detection)
            continue
        value = text[start:end]
        # Licence formats depend on the state written before the value: only they need the text.
        if check(value) if check is not None else typed_value_ok(entity, value, text, start):
            found.append(Detection(entity, start, end, 0.9, rule))
