"""Breach-notification rules as versioned data: parse and validate rule records, load the shipped set."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from tandem.incidents.breach import vocab
from tandem.incidents.breach.calendar import CALENDARS, Duration, parse_duration
from tandem.incidents.breach.expr import Expr, ExprError, parse

TEXT_FIELDS = ("key", "jurisdiction", "regime", "recipient")
OPTIONAL_TEXT = ("recipient_label", "channel", "citation", "notes")


class RuleError(ValueError):
    """Reject a rule record, naming every offending field."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(f"{path}: {reason}" for path, reason in self.errors))


@dataclass(frozen=True)
class Exception_:
    """A condition that lifts the obligation for a group (e.g. encryption without key compromise)."""

    when: Expr
    label: str


@dataclass(frozen=True)
class Rule:
    """One regime × recipient rule version: who must be told, when, if which data of whom was breached."""

    key: str
    version: int
    jurisdiction: str
    regime: str
    recipient: str
    scope: str
    basis: str
    group_by: str
    applies_if: Expr
    trigger: Expr
    exceptions: tuple[Exception_, ...]
    threshold: tuple[str, int] | None
    clock: str
    deadline: Duration | None
    asap: bool
    calendar: str
    effective_from: dt.date
    effective_to: dt.date | None = None
    reviewed_on: dt.date | None = None
    recipient_label: str = ""
    channel: str = ""
    citation: str = ""
    notes: str = ""
    content_requirements: tuple[str, ...] = field(default_factory=tuple)

    def effective_on(self, day: dt.date) -> bool:
        """Return whether this version is in force on `day`."""
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def to_dict(self) -> dict[str, Any]:
        """Return the record as JSON-ready data (the inverse of parse_rule)."""
        return {
            "key": self.key,
            "version": self.version,
            "jurisdiction": self.jurisdiction,
            "regime": self.regime,
            "recipient": self.recipient,
            "recipient_label": self.recipient_label,
            "scope": self.scope,
            "basis": self.basis,
            "group_by": self.group_by,
            "applies_if": self.applies_if.source,
            "trigger": self.trigger.source,
            "exceptions": [{"when": e.when.source, "label": e.label} for e in self.exceptions],
            "threshold": {"op": self.threshold[0], "value": self.threshold[1]} if self.threshold else None,
            "clock": self.clock,
            "deadline": self.deadline.iso if self.deadline else None,
            "asap": self.asap,
            "calendar": self.calendar,
            "channel": self.channel,
            "citation": self.citation,
            "content_requirements": list(self.content_requirements),
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "reviewed_on": self.reviewed_on.isoformat() if self.reviewed_on else None,
            "notes": self.notes,
        }


class _Reader:
    """Read typed fields of one record, collecting located errors instead of stopping at the first."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data, self.errors = data, []  # type: ignore[var-annotated]

    def fail(self, name: str, reason: str) -> None:
        self.errors.append((name, reason))

    def text(self, name: str, default: str | None = None, limit: int = 300) -> str:
        value = self.data.get(name, default)
        if not isinstance(value, str) or (default is None and not value.strip()) or len(value) > limit:
            self.fail(name, f"must be a text of 1 to {limit} characters" if default is None else "must be a text")
            return ""
        return value.strip()

    def choice(self, name: str, options: Sequence[str], default: str | None = None) -> str:
        value = self.data.get(name, default)
        if value not in options:
            self.fail(name, f"must be one of {', '.join(options)}")
            return options[0]
        return str(value)

    def expr(self, name: str, known: frozenset[str], default: str = "TRUE", value: Any = None) -> Expr:
        raw = self.data.get(name, default) if value is None else value
        try:
            if not isinstance(raw, str):
                raise ExprError("must be an expression text")
            return parse(raw, known)
        except ExprError as exc:
            self.fail(name, str(exc))
            return parse("FALSE")

    def date(self, name: str, required: bool = False) -> dt.date | None:
        raw = self.data.get(name)
        if raw is None or raw == "":
            if required:
                self.fail(name, "is required (YYYY-MM-DD)")
            return None
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw))
        except ValueError:
            self.fail(name, "must be a date (YYYY-MM-DD)")
            return None


def _threshold(r: _Reader) -> tuple[str, int] | None:
    raw = r.data.get("threshold")
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or raw.get("op") not in vocab.OPERATORS:
        r.fail("threshold.op", f"must be one of {' '.join(vocab.OPERATORS)}")
        return None
    value = raw.get("value")
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10**10:
        r.fail("threshold.value", "must be a whole number of people")
        return None
    return (str(raw["op"]), value)


def _exceptions(r: _Reader) -> tuple[Exception_, ...]:
    raw = r.data.get("exceptions") or []
    if not isinstance(raw, list):
        r.fail("exceptions", "must be a list of {when, label}")
        return ()
    out = []
    for n, item in enumerate(raw):
        if not isinstance(item, Mapping) or not isinstance(item.get("label", ""), str):
            r.fail(f"exceptions.{n}", "must be {when, label}")
            continue
        errors_before = len(r.errors)
        when = r.expr("when", vocab.KNOWN, value=item.get("when"))
        r.errors[errors_before:] = [(f"exceptions.{n}.when", reason) for _, reason in r.errors[errors_before:]]
        out.append(Exception_(when, str(item.get("label") or item.get("when"))))
    return tuple(out)


def _deadline(r: _Reader) -> Duration | None:
    raw = r.data.get("deadline")
    if raw is None or raw == "":
        if not r.data.get("asap"):
            r.fail("deadline", "give a duration (PT72H, P30D) or set asap")
        return None
    try:
        return parse_duration(str(raw))
    except ValueError as exc:
        r.fail("deadline", str(exc))
        return None


def parse_rule(data: Mapping[str, Any]) -> Rule:
    """Return a Rule from a record; raise RuleError naming every bad field."""
    if not isinstance(data, Mapping):
        raise RuleError([("", "a rule must be an object")])
    r = _Reader(data)
    texts = {n: r.text(n) for n in TEXT_FIELDS}
    extra = {n: r.text(n, "", 5000) for n in OPTIONAL_TEXT}
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        r.fail("version", "must be a whole number from 1")
    basis = r.choice("basis", vocab.BASES, "people")
    known = vocab.INCIDENT_KNOWN if basis == "incident" else vocab.KNOWN
    content = data.get("content_requirements") or []
    if not isinstance(content, list) or not all(isinstance(c, str) for c in content):
        r.fail("content_requirements", "must be a list of texts")
        content = []
    rule = Rule(
        **texts,
        **extra,
        version=version if isinstance(version, int) else 1,
        basis=basis,
        scope=r.text("scope", "*", 20) or "*",
        group_by=r.choice("group_by", vocab.GROUPINGS, "rule"),
        applies_if=r.expr("applies_if", known),
        trigger=r.expr("trigger", known),
        exceptions=_exceptions(r),
        threshold=_threshold(r),
        clock=r.choice("clock", vocab.CLOCKS),
        deadline=_deadline(r),
        asap=bool(data.get("asap", False)),
        calendar=r.choice("calendar", CALENDARS, "calendar"),
        effective_from=r.date("effective_from", required=True) or dt.date.min,
        effective_to=r.date("effective_to"),
        reviewed_on=r.date("reviewed_on"),
        content_requirements=tuple(content),
    )
    if rule.deadline and rule.calendar != "calendar" and (rule.deadline.hours or rule.deadline.months):
        r.fail("deadline", "business-day deadlines are whole days (P4D)")
    if rule.effective_to and rule.effective_to < rule.effective_from:
        r.fail("effective_to", "must not be before effective_from")
    if r.errors:
        raise RuleError(r.errors)
    return rule


def load_rules(records: Sequence[Mapping[str, Any]]) -> list[Rule]:
    """Parse many records; errors are located as `<index>.<field>`; duplicate key+version is an error."""
    rules, errors, seen = [], [], set()
    for n, record in enumerate(records):
        try:
            rule = parse_rule(record)
        except RuleError as exc:
            errors += [(f"{n}.{path}" if path else str(n), reason) for path, reason in exc.errors]
            continue
        if (rule.key, rule.version) in seen:
            errors.append((f"{n}.version", f"{rule.key} version {rule.version} appears twice"))
        seen.add((rule.key, rule.version))
        rules.append(rule)
    if errors:
        raise RuleError(errors)
    return rules


def shipped_records() -> list[dict[str, Any]]:
    """Return the rule records Tandem ships (a starting data set for counsel to review, not legal advice)."""
    text = resources.files("tandem.incidents.breach").joinpath("rules.json").read_text(encoding="utf-8")
    return list(json.loads(text)["rules"])


def shipped_rules() -> list[Rule]:
    """Return the shipped rules, parsed."""
    return load_rules(shipped_records())
