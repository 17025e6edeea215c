"""Hypothesis properties: adding facts never moves a deadline earlier; thresholds hold at their boundaries."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.incidents.breach import Facts, Population, add_deadline, evaluate, parse_duration, shipped_rules
from tandem.incidents.breach.vocab import ELEMENTS

UTC = dt.UTC
RULES = shipped_rules()
JURISDICTIONS = ["US-CA", "US-TX", "US-NY", "US-CO", "US-FL", "US-WA", "FR", "DE", "US", "unknown"]
moments = st.datetimes(min_value=dt.datetime(2019, 1, 1), max_value=dt.datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)
populations = st.builds(
    Population,
    jurisdiction=st.sampled_from(JURISDICTIONS),
    count=st.integers(0, 3000),
    elements=st.frozensets(st.sampled_from(sorted(ELEMENTS)), max_size=5),
    encrypted=st.booleans(),
    key_compromised=st.booleans(),
    gdpr_role=st.sampled_from(["controller", "processor"]),
    hipaa_role=st.sampled_from(["covered_entity", "business_associate", "none"]),
)
gaps = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=20))


@st.composite
def fact_pairs(draw: st.DrawFn) -> tuple[Facts, Facts]:
    """Return (facts, the same facts with more known): clocks filled in, people added, keys found compromised."""
    start = draw(moments)
    full = {name: start + draw(gaps) for name in ("aware_at", "determined_at", "materiality_determined_at")}
    known = {name: value for name, value in full.items() if draw(st.booleans())}
    pops = tuple(draw(st.lists(populations, max_size=5)))
    flags = {
        "sectors": draw(st.frozensets(st.sampled_from(["sec_registrant", "nis2_important", "nydfs_covered"]))),
        "material": draw(st.booleans()),
        "significant_incident": draw(st.booleans()),
        "gdpr_risk": draw(st.sampled_from(["unknown", "risk", "high"])),
    }
    base = Facts(discovered_at=start, populations=pops, **known, **flags)  # type: ignore[arg-type]
    extra = tuple(draw(st.lists(populations, max_size=3)))
    compromised = tuple(dataclasses.replace(p, key_compromised=True) if draw(st.booleans()) else p for p in pops)
    more = dataclasses.replace(base, populations=compromised + extra, **full)  # type: ignore[arg-type]
    return base, more


UPPER_BOUNDED = {r.key for r in RULES if r.threshold and r.threshold[0] in ("<", "<=")}


@settings(max_examples=150, deadline=None)
@given(fact_pairs())
def test_adding_facts_never_moves_a_deadline_earlier(pair: tuple[Facts, Facts]) -> None:
    before, after = (evaluate(RULES, f).by_key() for f in pair)
    for key, obligation in before.items():
        if key[0] in UPPER_BOUNDED and key not in after:
            # More people turned the HIPAA small-breach log into the large-breach notice to the same recipient.
            assert any(o.recipient == obligation.recipient for o in after.values())
            continue
        assert key in after, f"{key} disappeared when facts were added"
        old, new = obligation.due_at, after[key].due_at
        assert (old is None) == (new is None)
        assert new is None or old is None or new >= old, key


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2000), st.sampled_from(["US-CA", "US-TX", "US-CO", "US-WA", "US-FL"]))
def test_attorney_general_thresholds_hold_at_their_boundaries(count: int, state: str) -> None:
    rule = next(r for r in RULES if r.key == f"us-{state[3:].lower()}-ag" and r.effective_on(dt.date(2025, 3, 3)))
    assert rule.threshold is not None
    op, value = rule.threshold
    facts = Facts(
        discovered_at=dt.datetime(2025, 3, 3, tzinfo=UTC),
        populations=(Population(state, count, frozenset({"name", "ssn"})),),
    )
    present = (rule.key, state) in evaluate(RULES, facts).by_key()
    expected = count > 0 and (count > value if op == ">" else count >= value)
    assert present == expected


@settings(max_examples=200, deadline=None)
@given(moments, moments, st.integers(0, 30), st.sampled_from(["calendar", "business", "business-us"]))
def test_deadlines_are_monotone_in_their_start(a: dt.datetime, b: dt.datetime, days: int, calendar: str) -> None:
    early, late = sorted((a, b))
    duration = parse_duration(f"P{days}D")
    assert add_deadline(early, duration, calendar) <= add_deadline(late, duration, calendar)
    assert add_deadline(early, duration, calendar) >= early
