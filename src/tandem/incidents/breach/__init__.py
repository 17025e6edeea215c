"""Breach-notification engine: pure Python, no database, no web.

Public API
----------
Rules are versioned data (`rules.json` ships a starting set for counsel to review — not legal advice):
    parse_rule(record) -> Rule; load_rules(records) -> list[Rule]; shipped_rules(); shipped_records()
    Bad records raise RuleError(ValueError) whose `.errors` lists (field path, reason).
    Expressions (`applies_if`, `trigger`, exception `when`) are boolean over the identifiers in `vocab`
    (data elements such as `name`, `ssn`; group flags such as `encrypted`; incident flags such as `material`).
Facts(discovered_at, aware_at, determined_at, materiality_determined_at, sectors, …, populations)
    Population(jurisdiction, count, elements, encrypted, key_compromised, gdpr_role, hipaa_role, label):
    disjoint groups of people whose records hold the same elements together (evaluated per combination).
evaluate(rules, facts) -> Assessment(obligations, decisions, …)
    Obligation(rule_key, jurisdiction, affected, clock_at, due_at, asap, provisional, rationale, …);
    `earliest_due` drives the countdown. Missing clocks count from discovery (conservative, and adding the
    fact later never moves a deadline earlier).
add_deadline(start, duration, calendar) with calendars `calendar`, `business`, `business-us`.
"""

from tandem.incidents.breach.calendar import Duration, add_deadline, parse_duration, us_federal_holidays
from tandem.incidents.breach.engine import (
    ENGINE_VERSION,
    Assessment,
    Decision,
    Facts,
    Obligation,
    Population,
    evaluate,
    in_scope,
)
from tandem.incidents.breach.expr import ExprError, parse
from tandem.incidents.breach.rules import Rule, RuleError, load_rules, parse_rule, shipped_records, shipped_rules

__all__ = [
    "ENGINE_VERSION",
    "Assessment",
    "Decision",
    "Duration",
    "ExprError",
    "Facts",
    "Obligation",
    "Population",
    "Rule",
    "RuleError",
    "add_deadline",
    "evaluate",
    "in_scope",
    "load_rules",
    "parse",
    "parse_duration",
    "parse_rule",
    "shipped_records",
    "shipped_rules",
    "us_federal_holidays",
]
