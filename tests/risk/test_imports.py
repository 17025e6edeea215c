"""Scenario import from JSON in process: every row or none, errors located as file:row: field."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session

from tandem.platform.errors import InvalidInput
from tandem.risk import imports, service
from tests.risk.conftest import Org

LN = {"type": "lognormal90", "low": 1000, "high": 9000}
FINE = {
    "title": "Fine JSON row",
    "fair": {"lef": {"type": "pert", "min": 0.1, "mode": 0.5, "max": 2}, "primary_loss": LN},
}
BROKEN = {
    "title": "Broken JSON row",
    "fair": {"lef": {"type": "pert", "min": 3, "mode": 2, "max": 1}, "primary_loss": LN},
}


def _titles(session: Session) -> set[str]:
    return {s.title for s in service.visible_scenarios(session, None, {})}


def test_json_import_is_all_or_nothing(session: Session, org: Org) -> None:
    with pytest.raises(InvalidInput) as err, session.begin_nested():  # the caller's unit of work rolls back
        imports.import_scenarios(session, None, json.dumps({"scenarios": [FINE, BROKEN]}).encode(), "bad.json", org.it)
    assert [(e.location, e.reason) for e in err.value.errors] == [("bad.json:1: fair.lef.min", "must not exceed max")]
    assert not {"Fine JSON row", "Broken JSON row"} & _titles(session)

    added = imports.import_scenarios(session, None, json.dumps([FINE]).encode(), "good.json", org.it)
    assert added["added"] == 1 and "Fine JSON row" in _titles(session)

    with pytest.raises(InvalidInput) as err:
        imports.import_scenarios(session, None, b"{not json", "broken.json", org.it)
    assert err.value.errors[0].location == "broken.json:1:2"  # line and column of the syntax error


def test_hostile_files_are_located_invalid_input(session: Session, org: Org) -> None:
    cases = {
        "deep.json": (b"[" * 100_000 + b"]" * 100_000, "deep.json:1:"),
        "binary.csv": (b"\x00\xff\xfe" * 1000, "binary.csv"),
        "bom.json": (b'\xef\xbb\xbf{"scenarios": [{"title": ""}]}', "bom.json:0: "),
    }
    for name, (data, where) in cases.items():
        with pytest.raises(InvalidInput) as err:
            imports.import_scenarios(session, None, data, name, org.it)
        assert err.value.errors[0].location.startswith(where), err.value.errors
