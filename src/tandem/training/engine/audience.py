"""Audience rules over people: any rule matching puts a person in the audience."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

RULE_KINDS = ("all", "department", "role", "new_joiners", "repeat_clickers", "phi_access")
NEEDS_VALUES = ("department", "role")


@dataclass(frozen=True)
class PersonFacts:
    """What audience rules may look at about one person."""

    id: Any  # hashable: an id the caller understands
    department: str
    job_title: str
    start_date: dt.date | None
    active: bool
    repeat_clicker: bool = False
    phi_access: bool = False


def rule_errors(rules: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """Return (location, reason) for every malformed rule; empty when the rules are usable."""
    errors: list[tuple[str, str]] = []
    for n, rule in enumerate(rules):
        kind = rule.get("kind")
        if kind not in RULE_KINDS:
            errors.append((f"{n}.kind", f"must be one of {', '.join(RULE_KINDS)}"))
            continue
        values = rule.get("values") or []
        if kind in NEEDS_VALUES and not [v for v in values if str(v).strip()]:
            errors.append((f"{n}.values", f"a {kind} rule needs at least one value"))
        days = rule.get("days", 30)
        if kind == "new_joiners" and (not isinstance(days, int) or not 1 <= days <= 365):
            errors.append((f"{n}.days", "must be a whole number of days from 1 to 365"))
    return errors


def _fold(values: Sequence[Any]) -> set[str]:
    return {str(v).strip().casefold() for v in values if str(v).strip()}


def matching_rule(rules: Sequence[dict[str, Any]], person: PersonFacts, today: dt.date) -> str | None:
    """Return a label of the first rule the person matches (None: not in the audience); leavers never match."""
    if not person.active:
        return None
    for rule in rules:
        kind = rule.get("kind")
        values = _fold(rule.get("values") or [])
        if kind == "all":
            return "all staff"
        if kind == "department" and person.department.strip().casefold() in values:
            return f"department {person.department}"
        if kind == "role" and person.job_title.strip().casefold() in values:
            return f"role {person.job_title}"
        if kind == "new_joiners" and person.start_date is not None:
            days = int(rule.get("days", 30))
            if today - dt.timedelta(days=days) <= person.start_date <= today:
                return f"joined within {days} days"
        if kind == "repeat_clickers" and person.repeat_clicker:
            return "repeat phishing clicker"
        if kind == "phi_access" and person.phi_access:
            return "access to PHI"
    return None


def describe(rules: Sequence[dict[str, Any]]) -> str:
    """Return the rules as one readable line."""
    parts = []
    for rule in rules:
        kind = rule.get("kind")
        if kind in NEEDS_VALUES:
            parts.append(f"{kind} in {', '.join(map(str, rule.get('values') or []))}")
        elif kind == "new_joiners":
            parts.append(f"joined within {rule.get('days', 30)} days")
        else:
            parts.append(str(kind).replace("_", " "))
    return " or ".join(parts) or "nobody"
