"""Vendor risk's control checks on the world's vendor: BAA for PHI, DPA for EU personal data, SOC 2 for tier 1."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tandem.platform.checks import CheckOutcome, CheckRun, get_check
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput
from tandem.vendors import records
from tandem.vendors.schemas import AgreementCreate, ProfileUpdate, TierOverride
from tests.vendors.conftest import World

TODAY = dt.date.today()


def check(session: Session, name: str, world: World, **params: Any) -> CheckOutcome:
    spec = get_check(name)
    return spec.run(CheckRun(session, spec.resolve_params(params), frozenset({world.it}), utcnow()))


def paper(session: Session, world: World, kind: str, expires_in: int | None, ref: str = "") -> None:
    expires = TODAY + dt.timedelta(days=expires_in) if expires_in is not None else None
    records.create_agreement(session, None, AgreementCreate(
        vendor_id=world.vendor.id, kind=kind, signed_on=TODAY - dt.timedelta(days=400), expires_on=expires,
        reference=ref or kind.upper(), org_unit_id=world.it))  # fmt: skip


def test_vendor_reaching_phi_needs_a_current_baa(session: Session, world: World) -> None:
    bad = check(session, "vendors.phi_vendors_have_baa", world)
    assert (bad.passed, bad.examined, bad.failing) == (False, 1, 1)
    assert bad.rows[0][:3] == [world.vendor.name, world.phi_store.name, "missing"]
    paper(session, world, "baa", -10, "BAA 2024")
    assert check(session, "vendors.phi_vendors_have_baa", world).rows[0][2] == "expired"
    paper(session, world, "baa", None, "BAA 2026")
    ok = check(session, "vendors.phi_vendors_have_baa", world)
    assert ok.passed and ok.rows[0][2:5] == ["current", "BAA 2026", "no expiry"]


def test_processor_of_eu_personal_data_needs_a_dpa(session: Session, world: World) -> None:
    bad = check(session, "vendors.eu_processors_have_dpa", world)
    assert (bad.passed, bad.failing) == (False, 1) and bad.rows[0][3] == "missing"
    paper(session, world, "dpa", 365)
    assert check(session, "vendors.eu_processors_have_dpa", world).passed
    # An independent controller needs a transfer basis, not an Art. 28 DPA: it is not counted at all.
    records.update_profile(session, None, world.vendor.id, ProfileUpdate(legal_role="independent-controller"))
    assert check(session, "vendors.eu_processors_have_dpa", world).examined == 0


def test_tier_one_vendor_needs_a_current_soc2(session: Session, world: World) -> None:
    records.override_tier(session, None, world.vendor.id, TierOverride(tier="critical", reason="runs the EHR"))
    bad = check(session, "vendors.tier1_soc2_current", world)
    assert (bad.passed, bad.failing) == (False, 1) and bad.rows[0][1:3] == ["critical", "missing"]
    paper(session, world, "soc2", -1, "SOC 2 FY25")
    assert check(session, "vendors.tier1_soc2_current", world).rows[0][2] == "expired"
    paper(session, world, "soc2", 200, "SOC 2 FY26")
    assert check(session, "vendors.tier1_soc2_current", world).passed
    assert check(session, "vendors.tier1_soc2_current", world, tier="low").examined == 0
    with pytest.raises(InvalidInput):
        check(session, "vendors.tier1_soc2_current", world, tier="tier-1")
