"""Scenarios accept every Open FAIR entry level and reject inconsistent ones with located errors."""

from __future__ import annotations

import pytest

from tandem.risk.fair import Constant, FairInputError, Pert, Scenario, Treatment

PL = Constant(100.0)


def errors_of(**kwargs: object) -> list[tuple[str, str]]:
    with pytest.raises(FairInputError) as info:
        Scenario("s", **kwargs)  # type: ignore[arg-type]
    return info.value.errors


def test_every_entry_level_is_accepted() -> None:
    Scenario("a", lef=Constant(1), primary_loss=PL)
    Scenario("b", tef=Constant(1), vulnerability=Constant(0.5), primary_loss=PL)
    Scenario("c", tef=Constant(1), tcap=Pert(0, 50, 100), rs=Pert(0, 50, 100), primary_loss=PL)
    Scenario(
        "d",
        contact_frequency=Constant(4),
        probability_of_action=Constant(0.5),
        vulnerability=Constant(1),
        primary_loss=PL,
    )
    Scenario("e", lef=Constant(1), primary_loss=PL, secondary_probability=Constant(0.2), secondary_loss=PL)


def test_inconsistent_entry_levels_are_located() -> None:
    assert ("tef", "give either lef or its factors, not both") in errors_of(
        lef=Constant(1), tef=Constant(1), primary_loss=PL
    )
    assert [p for p, _ in errors_of(primary_loss=PL)] == ["lef"]
    assert [p for p, _ in errors_of(tef=Constant(1), primary_loss=PL)] == ["vulnerability"]
    assert [p for p, _ in errors_of(tef=Constant(1), tcap=Constant(1), primary_loss=PL)] == ["rs"]
    assert [p for p, _ in errors_of(contact_frequency=Constant(1), vulnerability=Constant(1), primary_loss=PL)] == [
        "probability_of_action"
    ]
    assert [p for p, _ in errors_of(lef=Constant(1), primary_loss=PL, secondary_loss=PL)] == ["secondary_probability"]
    with pytest.raises(FairInputError) as info:
        Scenario("", lef=Constant(1), primary_loss=PL)
    assert info.value.errors == [("key", "must be a non-empty string")]


def test_several_errors_are_reported_at_once() -> None:
    paths = {p for p, _ in errors_of(lef=Pert(5, 1, 0), primary_loss=Constant(-1))}
    assert paths == {"lef.min", "primary_loss.value"}


def test_treatments_validate_their_fields() -> None:
    with pytest.raises(FairInputError) as info:
        Treatment(tef_factor=-1, loss_cap=0, rs_shift=float("nan"))
    assert {p for p, _ in info.value.errors} == {"tef_factor", "loss_cap", "rs_shift"}
    s = Scenario("a", lef=Constant(1), primary_loss=PL)
    assert Treatment(rs_shift=10).check_for(s) == [("rs_shift", "needs a scenario with tcap and rs")]
