"""Rule records: the shipped set parses and round-trips; bad records are rejected field by field."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.incidents.breach import RuleError, parse, parse_rule, shipped_records, shipped_rules
from tandem.incidents.breach.calendar import us_federal_holidays


def test_the_shipped_rules_cover_the_regimes_of_the_notes_with_citations() -> None:
    rules = shipped_rules()
    regimes = " ".join(r.regime for r in rules)
    for name in (
        "GDPR Art. 33",
        "GDPR Art. 34",
        "HIPAA",
        "1798.82",
        "6-1-716",
        "521.053",
        "899-aa",
        "501.171",
        "19.255",
        "NIS2",
        "8-K",
        "Safeguards",
        "Computer-Security",
    ):
        assert name in regimes, name
    assert all(r.citation for r in rules)
    assert [parse_rule(r.to_dict()).to_dict() for r in rules] == [r.to_dict() for r in rules]


def test_a_bad_record_is_rejected_with_every_field_located() -> None:
    record = {
        **shipped_records()[0],
        "trigger": "name AND (ssn",
        "clock": "sunrise",
        "deadline": "72 hours",
        "threshold": {"op": "~", "value": 5},
        "applies_if": "unicorn",
        "effective_from": "soon",
    }
    with pytest.raises(RuleError) as err:
        parse_rule(record)
    fields = {path for path, _ in err.value.errors}
    assert fields == {"trigger", "clock", "deadline", "threshold.op", "applies_if", "effective_from"}


def test_expressions() -> None:
    expr = parse("name AND (ssn OR (account_number AND access_code)) AND NOT encrypted")
    assert expr({"name", "ssn"}) and not expr({"name", "account_number"}) and not expr({"name", "ssn", "encrypted"})
    assert expr.names == {"name", "ssn", "account_number", "access_code", "encrypted"}


def test_us_federal_holidays_2025() -> None:
    days = us_federal_holidays(2025)
    assert {dt.date(2025, 1, 1), dt.date(2025, 7, 4), dt.date(2025, 11, 27), dt.date(2025, 12, 25)} <= days
    assert dt.date(2026, 7, 3) in us_federal_holidays(2026)  # 4 July 2026 is a Saturday
    assert len(days) == 11
