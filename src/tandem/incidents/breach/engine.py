"""Evaluate breach rules over an incident's facts: who must be notified, by when, and why (or why not)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from tandem.incidents.breach import vocab
from tandem.incidents.breach.calendar import add_deadline
from tandem.incidents.breach.rules import Rule

ENGINE_VERSION = "breach-1"


@dataclass(frozen=True)
class Population:
    """People of one data set and one jurisdiction of residence whose records hold the same elements together.

    Groups must be disjoint: a person counts once per incident (the service merges data sets per person
    where it can). `jurisdiction` is an ISO code (`US-CA`, `FR`), `US`/`EU` when only the region is known, or
    `unknown` (then every residence rule counts the group, conservatively).
    """

    jurisdiction: str
    count: int
    elements: frozenset[str]
    encrypted: bool = False
    key_compromised: bool = False
    gdpr_role: str = "controller"
    hipaa_role: str = "none"
    label: str = ""

    def flags(self) -> set[str]:
        """Return the group's true identifiers (elements and flags)."""
        out = set(self.elements)
        if self.elements:
            out.add("any_personal_data")
        if self.encrypted:
            out.add("encrypted")
        if self.key_compromised:
            out.add("key_compromised")
        if self.gdpr_role in ("controller", "processor"):
            out.add(self.gdpr_role)
        if self.hipaa_role in ("covered_entity", "business_associate"):
            out.add(self.hipaa_role)
        return out


@dataclass(frozen=True)
class Facts:
    """What is known about an incident; `discovered_at` is required (every other clock starts at or after it)."""

    discovered_at: dt.datetime
    aware_at: dt.datetime | None = None
    determined_at: dt.datetime | None = None
    materiality_determined_at: dt.datetime | None = None
    sectors: frozenset[str] = frozenset()
    eu_establishment: bool = False
    gdpr_risk: str = "unknown"
    hipaa_low_probability: bool = False
    significant_incident: bool = False
    material: bool = False
    notification_incident: bool = False
    populations: tuple[Population, ...] = ()

    def errors(self) -> list[tuple[str, str]]:
        """Return located problems: clocks before discovery, unknown values, negative counts."""
        out = []
        for name in ("aware_at", "determined_at", "materiality_determined_at"):
            value = getattr(self, name)
            if value is not None and value < self.discovered_at:
                out.append((name, "must not be before discovered_at (discovery is the first moment known)"))
        if self.gdpr_risk not in vocab.GDPR_RISKS:
            out.append(("gdpr_risk", f"must be one of {', '.join(vocab.GDPR_RISKS)}"))
        out += [("sectors", f"unknown sector {s!r}") for s in sorted(self.sectors - set(vocab.SECTORS))]
        for n, p in enumerate(self.populations):
            if p.count < 0:
                out.append((f"populations.{n}.count", "must not be negative"))
            out += [
                (f"populations.{n}.elements", f"unknown element {e!r}")
                for e in sorted(p.elements - set(vocab.ELEMENTS))
            ]
        return out

    def incident_flags(self) -> set[str]:
        """Return the incident-level identifiers that are true."""
        out = set(self.sectors)
        for name in (
            "eu_establishment",
            "hipaa_low_probability",
            "significant_incident",
            "material",
            "notification_incident",
        ):
            if getattr(self, name):
                out.add(name)
        if self.gdpr_risk == "none":
            out.add("gdpr_risk_none")
        if self.gdpr_risk in ("high", "unknown"):  # not assessed yet: notify conservatively
            out.add("gdpr_risk_high")
        return out

    def clock(self, name: str) -> tuple[dt.datetime, bool]:
        """Return when a clock started and whether that is a stand-in (the discovery time) for a missing fact."""
        if name == "year_end":
            return dt.datetime(self.discovered_at.year + 1, 1, 1, tzinfo=self.discovered_at.tzinfo), False
        value = {
            "discovered": self.discovered_at,
            "aware": self.aware_at,
            "determined": self.determined_at,
            "materiality": self.materiality_determined_at,
        }[name]
        # Discovery is the only guaranteed lower bound of every later clock: using it keeps missing facts
        # conservative and guarantees that adding the fact later never moves a deadline earlier.
        return (value, False) if value is not None else (self.discovered_at, True)


@dataclass(frozen=True)
class Obligation:
    """Someone to notify: the rule, the jurisdiction, how many people, when it is due, and why."""

    rule_key: str
    rule_version: int
    regime: str
    recipient: str
    recipient_label: str
    jurisdiction: str
    affected: int
    clock: str
    clock_at: dt.datetime
    provisional: bool
    due_at: dt.datetime | None
    asap: bool
    channel: str
    citation: str
    rationale: str
    content_requirements: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        """Return the identity of the obligation across re-evaluations."""
        return (self.rule_key, self.jurisdiction)


@dataclass(frozen=True)
class Decision:
    """A rule that did not produce an obligation (or part of one), with the reason: the register's rationale."""

    rule_key: str
    jurisdiction: str
    outcome: str  # not_applicable | not_triggered | excepted | below_threshold | not_in_force
    reason: str


@dataclass(frozen=True)
class Assessment:
    """The result: obligations (earliest first, ASAP without bound last) and the decisions not to notify."""

    obligations: tuple[Obligation, ...]
    decisions: tuple[Decision, ...]
    engine_version: str = ENGINE_VERSION
    rules_evaluated: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def earliest_due(self) -> dt.datetime | None:
        """Return the deadline that drives the incident's countdown."""
        return min((o.due_at for o in self.obligations if o.due_at is not None), default=None)

    def by_key(self) -> dict[tuple[str, str], Obligation]:
        """Return obligations by (rule key, jurisdiction)."""
        return {o.key: o for o in self.obligations}


def in_scope(scope: str, jurisdiction: str) -> bool:
    """Return whether residents of `jurisdiction` fall under a rule scoped to `scope` (unknown always does)."""
    if scope == "*" or jurisdiction == scope or jurisdiction == "unknown":
        return True
    if scope == "EU":
        return jurisdiction in vocab.EEA or jurisdiction == "EU"
    if scope == "US":
        return jurisdiction.startswith("US-")
    return jurisdiction == "US" and scope.startswith("US-")


def _meets(threshold: tuple[str, int] | None, count: int) -> bool:
    if threshold is None:
        return count > 0
    op, value = threshold
    return count > 0 and {">": count > value, ">=": count >= value, "<": count < value, "<=": count <= value}[op]


def current_versions(rules: Iterable[Rule], day: dt.date) -> tuple[list[Rule], list[Decision]]:
    """Return, per rule key, the newest version in force on `day`; keys with none in force become decisions."""
    best: dict[str, Rule] = {}
    keys: dict[str, Rule] = {}
    for rule in rules:
        keys.setdefault(rule.key, rule)
        if rule.effective_on(day) and (rule.key not in best or rule.version > best[rule.key].version):
            best[rule.key] = rule
    missing = [
        Decision(k, r.jurisdiction, "not_in_force", f"no version in force on {day.isoformat()}")
        for k, r in keys.items()
        if k not in best
    ]
    return list(best.values()), missing


def _obligation(rule: Rule, facts: Facts, jurisdiction: str, affected: int, rationale: str) -> Obligation:
    clock_at, provisional = facts.clock(rule.clock)
    due = add_deadline(clock_at, rule.deadline, rule.calendar) if rule.deadline else None
    if provisional:
        rationale += f"; {rule.clock} time not recorded yet, counted from discovery"
    return Obligation(
        rule.key,
        rule.version,
        rule.regime,
        rule.recipient,
        rule.recipient_label or rule.recipient,
        jurisdiction,
        affected,
        rule.clock,
        clock_at,
        provisional,
        due,
        rule.asap,
        rule.channel,
        rule.citation,
        rationale,
        rule.content_requirements,
    )


def _needs(rule: Rule) -> str:
    return f"{rule.threshold[0]} {rule.threshold[1]}" if rule.threshold else "at least one person"


def _threshold_text(rule: Rule, count: int) -> str:
    return f" ({count} {rule.threshold[0]} {rule.threshold[1]})" if rule.threshold else ""


def _evaluate_incident(rule: Rule, facts: Facts, flags: set[str]) -> tuple[list[Obligation], list[Decision]]:
    if not rule.applies_if(flags):
        return [], [Decision(rule.key, rule.jurisdiction, "not_applicable", f"requires {rule.applies_if.source}")]
    for exc in rule.exceptions:
        if exc.when(flags):
            return [], [Decision(rule.key, rule.jurisdiction, "excepted", exc.label)]
    total = sum(p.count for p in facts.populations)
    why = f"incident-level rule: {rule.applies_if.source}"
    return [_obligation(rule, facts, rule.jurisdiction, total, why)], []


def _evaluate_people(rule: Rule, facts: Facts, flags: set[str]) -> tuple[list[Obligation], list[Decision]]:
    buckets: dict[str, int] = {}
    decisions: list[Decision] = []
    for group in facts.populations:
        if group.count <= 0 or not in_scope(rule.scope, group.jurisdiction):
            continue
        where = rule.jurisdiction if rule.group_by == "rule" else group.jurisdiction
        true = flags | group.flags()
        label = f"{group.count} in {group.jurisdiction}{f' ({group.label})' if group.label else ''}"
        if not rule.applies_if(true):
            decisions.append(Decision(rule.key, where, "not_applicable", f"{label}: requires {rule.applies_if.source}"))
            continue
        if not rule.trigger(true):
            decisions.append(
                Decision(rule.key, where, "not_triggered", f"{label}: data elements do not match {rule.trigger.source}")
            )
            continue
        hit = next((e for e in rule.exceptions if e.when(true)), None)
        if hit is not None:
            decisions.append(Decision(rule.key, where, "excepted", f"{label}: {hit.label}"))
            continue
        buckets[where] = buckets.get(where, 0) + group.count
    out = []
    for where, count in sorted(buckets.items()):
        if not _meets(rule.threshold, count):
            decisions.append(
                Decision(
                    rule.key,
                    where,
                    "below_threshold",
                    f"{count} affected; needs {_needs(rule)}",
                )
            )
            continue
        why = f"{count} affected in {where} match {rule.trigger.source}{_threshold_text(rule, count)}"
        out.append(_obligation(rule, facts, where, count, why))
    return out, decisions


def evaluate(rules: Sequence[Rule], facts: Facts) -> Assessment:
    """Return the obligations and not-notify decisions for the facts (rules in force on the discovery date)."""
    current, decisions = current_versions(rules, facts.discovered_at.date())
    flags = facts.incident_flags()
    obligations: list[Obligation] = []
    for rule in sorted(current, key=lambda r: r.key):
        run = _evaluate_incident if rule.basis == "incident" else _evaluate_people
        found, why_not = run(rule, facts, flags)
        obligations += found
        decisions += why_not
    far = dt.datetime.max.replace(tzinfo=facts.discovered_at.tzinfo)
    obligations.sort(key=lambda o: (o.due_at or far, o.rule_key, o.jurisdiction))
    notes = ("Suggestions from rules as data: counsel decides. Not legal advice.",)
    return Assessment(tuple(obligations), tuple(decisions), ENGINE_VERSION, len(current), notes)


def with_population(facts: Facts, population: Population) -> Facts:
    """Return the facts with one more group of people."""
    return replace(facts, populations=(*facts.populations, population))
