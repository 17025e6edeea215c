"""Validate OSCAL JSON documents against the shipped OSCAL 1.2.3 JSON schemas, on import only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson
import regex
from jsonschema import Draft7Validator, ValidationError, validators
from jsonschema.protocols import Validator

from tandem.compliance.content.files import read_data, schema_path

from .errors import OscalError, where

# Root key of each OSCAL model → the file stem of its shipped schema.
MODELS = {
    "catalog": "catalog",
    "profile": "profile",
    "assessment-results": "assessment-results",
    "plan-of-action-and-milestones": "poam",
    "component-definition": "component",
    "mapping-collection": "mapping",
}
MAX_ISSUES = 50


@dataclass(frozen=True, slots=True)
class SchemaIssue:
    """One schema violation: a JSON path such as `$.catalog.groups[0].id` and the reason."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@cache
def _compiled(pattern: str) -> Any:
    return regex.compile(pattern)


def _pattern(validator: Validator, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    # OSCAL patterns use \p{L} and \p{N}, which Python's re rejects; the regex package implements them.
    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match the pattern {pattern}")


_OscalValidator = validators.extend(Draft7Validator, {"pattern": _pattern})


@cache
def schema_validator(model: str) -> Validator:
    """Return a cached validator for one shipped schema (catalog, profile, poam, mapping …)."""
    if model not in MODELS.values():
        raise ValueError(f"no shipped OSCAL schema for {model!r}")
    schema = orjson.loads(read_data(schema_path(model)))
    validator: Validator = _OscalValidator(schema)
    return validator


def detect_model(doc: dict[str, Any], name: str = "document") -> str:
    """Return the schema name for a document from its single OSCAL root key."""
    roots = [key for key in doc if key in MODELS]
    if len(roots) != 1:
        raise OscalError(f"expected exactly one OSCAL root ({', '.join(MODELS)}), found {roots or 'none'}", name)
    return MODELS[roots[0]]


def json_path(parts: Any) -> str:
    """Format a jsonschema path deque as `$.a.b[0]`."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _issue(error: ValidationError) -> SchemaIssue:
    # anyOf/oneOf failures wrap the real cause; report the deepest one, which names the offending field.
    while error.context:
        deepest = max(error.context, key=lambda e: len(e.absolute_path))
        if len(deepest.absolute_path) <= len(error.absolute_path):
            break
        error = deepest
    return SchemaIssue(json_path(error.absolute_path), error.message)


def validate_document(doc: dict[str, Any], model: str | None = None, max_issues: int = MAX_ISSUES) -> list[SchemaIssue]:
    """Return up to max_issues located schema violations of a decoded OSCAL document (empty when valid)."""
    validator = schema_validator(model or detect_model(doc))
    issues: list[SchemaIssue] = []
    for error in validator.iter_errors(doc):
        issues.append(_issue(error))
        if len(issues) >= max_issues:
            break
    return sorted(issues, key=lambda i: i.path)


def check_document(doc: dict[str, Any], name: str, model: str | None = None) -> None:
    """Raise a located OscalError for the first schema violation of a decoded OSCAL document."""
    issues = validate_document(doc, model or detect_model(doc, name), max_issues=1)
    if issues:
        raise OscalError(issues[0].reason, where(name, issues[0].path))
