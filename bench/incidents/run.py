"""Breach-rule engine benchmark: one evaluation of the shipped rules over an incident's facts.

Named baseline, measured in the same run: per-person evaluation (expand the affected groups into one record per
person and test every rule's trigger and exceptions on each, as an engine without co-occurrence groups would).
Ours evaluates each distinct (jurisdiction, element combination) group once. Timings are best of repeats on a
shared machine: read the ratio, not absolute seconds.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

from tandem.incidents.breach import Facts, Population, evaluate, shipped_rules
from tandem.incidents.breach.engine import current_versions, in_scope

UTC = dt.UTC
STATES = [
    f"US-{s}"
    for s in (
        [
            "CA",
            "TX",
            "NY",
            "FL",
            "WA",
            "CO",
            "IL",
            "MA",
            "GA",
            "NC",
            "OH",
            "PA",
            "MI",
            "NJ",
            "VA",
            "AZ",
            "OR",
            "MN",
            "WI",
            "MD",
        ]
    )
]
COUNTRIES = ["FR", "DE", "IT", "ES", "NL", "BE", "IE", "AT", "SE", "PL"]
COMBOS = [
    frozenset(c)
    for c in (
        ("name", "ssn"),
        ("name", "email"),
        ("email", "password"),
        ("name", "phi"),
        ("name", "ssn", "phi"),
        ("name", "card_number", "access_code"),
        ("email",),
        ("name", "drivers_license"),
    )
]


def facts(people: int, seed: int = 1) -> Facts:
    """Return facts with ~people affected across 30 jurisdictions and 8 element combinations."""
    rng = random.Random(seed)
    groups = []
    per = max(1, people // (len(STATES + COUNTRIES) * len(COMBOS)))
    for where in STATES + COUNTRIES:
        for combo in COMBOS:
            groups.append(Population(where, rng.randint(per // 2, per * 3 // 2), combo, hipaa_role="covered_entity"))
    start = dt.datetime(2025, 3, 3, 9, tzinfo=UTC)
    return Facts(
        discovered_at=start,
        aware_at=start,
        determined_at=start + dt.timedelta(days=1),
        gdpr_risk="high",
        populations=tuple(groups),
    )


def per_person(rules: list, f: Facts) -> int:
    """The baseline: test every rule on every affected person's record; return the matches."""
    current, _ = current_versions(rules, f.discovered_at.date())
    flags, hits = f.incident_flags(), 0
    for group in f.populations:
        true = flags | group.flags()
        for _person in range(group.count):
            for rule in current:
                if rule.basis != "people" or not in_scope(rule.scope, group.jurisdiction):
                    continue
                if rule.applies_if(true) and rule.trigger(true) and not any(e.when(true) for e in rule.exceptions):
                    hits += 1
    return hits


def best(fn: Callable[[], object], repeats: int) -> float:
    """Return the best wall time of repeats."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    """Print evaluations per second and the ratio against per-person evaluation."""
    rules = shipped_rules()
    for people in (10_000, 100_000):
        f = facts(people)
        total = sum(p.count for p in f.populations)
        ours = best(lambda f=f: evaluate(rules, f), 20)
        naive = best(lambda f=f: per_person(rules, f), 1 if people > 10_000 else 3)
        print(
            f"{total:>8,} people in {len(f.populations)} groups: grouped {ours * 1000:7.2f} ms, "
            f"per-person baseline {naive * 1000:9.1f} ms, ratio {naive / ours:,.0f}×"
        )
    start = dt.datetime(2025, 3, 3, 9, tzinfo=UTC)
    example = Facts(
        discovered_at=start,
        aware_at=start,
        populations=(
            Population("US-CA", 700, COMBOS[0]),
            Population("US-TX", 300, COMBOS[0]),
            Population("US-NY", 150, COMBOS[0]),
            Population("FR", 30, COMBOS[2]),
            Population("DE", 30, COMBOS[2]),
        ),
    )
    print(f"worked example (5 groups): {1 / best(lambda: evaluate(rules, example), 200):,.0f} evaluations/s")


if __name__ == "__main__":
    main()
