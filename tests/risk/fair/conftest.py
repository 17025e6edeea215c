"""Shared scenarios for the FAIR engine tests."""

from __future__ import annotations

import pytest

from tandem.risk.fair import Constant, LogNormal90, Pert, Scenario, Uniform


@pytest.fixture
def mixed() -> list[Scenario]:
    """Scenarios at every entry level, with every kind of estimate."""
    return [
        Scenario(
            "ransomware",
            tef=Pert(1, 5, 20),
            tcap=Pert(40, 60, 90),
            rs=Pert(50, 70, 95),
            primary_loss=Pert(1e4, 5e4, 5e5),
            secondary_probability=Pert(0.1, 0.2, 0.5),
            secondary_loss=LogNormal90(1e4, 1e6),
        ),
        Scenario("outage", lef=LogNormal90(0.05, 2), primary_loss=LogNormal90(1e4, 1e6)),
        Scenario(
            "phishing",
            contact_frequency=Uniform(2, 30),
            probability_of_action=Pert(0.1, 0.3, 0.6),
            vulnerability=Pert(0.05, 0.1, 0.5),
            primary_loss=Pert(1e3, 2e4, 1e5),
        ),
        Scenario("lost laptop", lef=Pert(0.5, 2, 6, gamma=2), primary_loss=Constant(3000)),
    ]
