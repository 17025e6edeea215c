"""Vendor services on a real database: reach through inventory relations, tiers and flags, overrides, spend and
renewals, reminders through a real SMTP server, and contract imports that write all rows or none."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tandem.platform.auth.links import LinkExpired
from tandem.platform.auth.principal import Grant, Principal
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import InvalidInput, NotFound
from tandem.platform.jobs.registry import get_job
from tandem.vendors import assessments, contracts, documents, exposure, imports, records, service, spend
from tandem.vendors.repository import CONTRACT_SPEC
from tandem.vendors.schemas import (
    AgreementCreate,
    AssessmentCreate,
    ContractCreate,
    ContractUpdate,
    Offboarding,
    ProfileUpdate,
    TierOverride,
)
from tests.vendors.conftest import World

TODAY = dt.date.today()


def _who(role: str, unit: uuid.UUID) -> Principal:
    return Principal(user_id=uuid.uuid4(), username=role, grants=(Grant(role, unit, "/"),))


def _contract(session: Session, w: World, **extra: Any) -> Any:
    data = {"vendor_id": w.vendor.id, "title": f"Licence {uuid.uuid4().hex[:4]}", "status": "signed",
            "start_date": TODAY - dt.timedelta(days=300), "end_date": TODAY + dt.timedelta(days=100),
            "notice_days": 60, "yearly_value": {"amount": "100000", "currency": "USD"}, "owner_id": w.owner.id,
            "application_ids": [w.app.id], "org_unit_id": w.it, **extra}  # fmt: skip
    return contracts.create_contract(session, None, ContractCreate.model_validate(data))


def _codes(session: Session, w: World) -> set[str]:
    return {f.code for f in exposure.risk_view(session, None, w.vendor)["flags"]}


def test_reach_tier_and_flags_follow_inventory_and_agreements(session: Session, world: World) -> None:
    view = exposure.risk_view(session, None, world.vendor)
    vias = {s["store"].name: s["via"] for s in view["reach"].stores}
    assert vias == {world.phi_store.name: ["can access"], world.eu_store.name: [f"through {world.app.name}"]}
    assert view["computed"].tier == "critical" and view["phi"] and view["eu_personal"]
    assert _codes(session, world) == {"phi-without-baa", "processor-without-dpa", "transfer-without-mechanism"}
    for kind in ("baa", "dpa"):
        records.create_agreement(session, None, AgreementCreate(vendor_id=world.vendor.id, kind=kind,
                                                                org_unit_id=world.it))  # fmt: skip
    records.update_profile(session, None, world.vendor.id, ProfileUpdate(transfer_mechanism="scc"))
    assert _codes(session, world) == set()
    records.create_agreement(session, None, AgreementCreate(vendor_id=world.vendor.id, kind="soc2",
                             expires_on=TODAY - dt.timedelta(days=1), org_unit_id=world.it))  # fmt: skip
    assert _codes(session, world) == {"soc2-expired"}


def test_override_needs_a_reason_and_permission(session: Session, world: World) -> None:
    with pytest.raises(InvalidInput) as err:
        records.override_tier(session, None, world.vendor.id, TierOverride(tier="low"))
    assert err.value.errors[0].location == "body.reason"
    with pytest.raises(Exception) as denied:
        records.override_tier(session, _who("it_analyst", world.root), world.vendor.id,
                              TierOverride(tier="low", reason="no"))  # fmt: skip
    assert type(denied.value).__name__ == "PermissionDenied"
    records.override_tier(session, None, world.vendor.id, TierOverride(tier="low", reason="data is tokenised"))
    view = exposure.risk_view(session, None, world.vendor)
    assert view["tier"] == "low" and view["computed"].tier == "critical"
    outsider = Principal(uuid.uuid4(), "outsider", (Grant("admin", world.finance, "/nowhere/"),))
    with pytest.raises(NotFound):
        service.vendor_overview(session, outsider, world.vendor.id)


def test_spend_renewals_and_reminders_once_per_threshold(session: Session, world: World, smtp_sink: Any) -> None:
    soon = _contract(session, world, end_date=TODAY + dt.timedelta(days=85), notice_days=30)  # deadline in 55 days
    _contract(session, world, end_date=TODAY + dt.timedelta(days=400), yearly_value={"amount": "300000",
                                                                                      "currency": "USD"})  # fmt: skip
    _contract(session, world, status="draft")  # drafts are not spend
    admin = _who("admin", world.root)
    due = spend.upcoming_renewals(session, admin, 90)
    assert [r["id"] for r in due] == [soon.id] and due[0]["days_left"] == 55
    by_vendor = spend.spend_summary(session, admin)["by_vendor"]["USD"]
    assert by_vendor[0]["name"] == world.vendor.name and by_vendor[0]["amount"] == 400_000.0
    assert spend.send_reminders(session)["sent"] == 1  # the 90- and 60-day thresholds, in one e-mail
    assert spend.send_reminders(session)["sent"] == 0
    assert soon.reminders_sent == [90, 60]
    message = smtp_sink.messages[-1]
    assert message["To"] == world.owner.email and "in 55 days" in message["Subject"]
    assert spend.send_reminders(session, TODAY + dt.timedelta(days=30))["sent"] == 1  # 25 days left: 30-day one
    contracts.update_contract(session, None, soon.id, ContractUpdate(end_date=TODAY + dt.timedelta(days=500)))
    assert soon.reminders_sent == []  # a new deadline re-arms the reminders
    assert get_job("vendors.remind_renewals").every == dt.timedelta(hours=24)


def test_offboarding_checklist_clears_the_flag(session: Session, world: World) -> None:
    old = _contract(session, world, status="terminated", end_date=TODAY - dt.timedelta(days=10))
    assert "offboarding-open" in _codes(session, world)
    with pytest.raises(InvalidInput):
        contracts.set_offboarding(session, None, _contract(session, world).id, Offboarding(access_revoked=True), "t")
    contracts.set_offboarding(session, None, old.id, Offboarding(access_revoked=True, data_returned=True), "ciso")
    assert "offboarding-open" in _codes(session, world)  # no deletion certificate yet
    cert = documents.upload_document(session, None, world.vendor.id, b"%PDF-1.4\n%%EOF\n", "cert.pdf",
                                     "deletion-certificate")  # fmt: skip
    contracts.set_offboarding(session, None, old.id, Offboarding(deletion_certificate_id=cert.id), "ciso")
    assert "offboarding-open" not in _codes(session, world)
    assert old.offboarding["access_revoked_by"] == "ciso"


def test_contract_import_is_all_or_nothing_with_located_errors(session: Session, world: World) -> None:
    good = (
        f"vendor,title,end_date,notice_days,yearly_value,currency,applications,owner\n"
        f'{world.vendor.name},Imported A,2028-01-31,90,"12,000",EUR,{world.app.name},{world.owner.full_name}\n'
    )
    bad = good + f"No Such Vendor,Imported B,2028-01-31,90,1000,EUR,,\n{world.vendor.name},Imported C,nope,-1,,,,\n"
    with pytest.raises(InvalidInput) as err:
        imports.import_contracts(session, None, bad.encode(), "c.csv", world.it)
    where = {e.location for e in err.value.errors}
    assert {"c.csv:3: vendor", "c.csv:4: end_date", "c.csv:4: notice_days"} <= where
    assert not any(loc.startswith("c.csv:2") for loc in where)
    assert contracts.list_contracts(session, _who("admin", world.root), _req()).items == []
    result = imports.import_contracts(session, None, good.encode(), "c.csv", world.it)
    made = contracts.get_contract(session, None, uuid.UUID(result["ids"][0]))
    assert made.yearly_value_minor == 1_200_000 and made.currency == "EUR" and made.owner_id == world.owner.id


def _req() -> Any:
    return PageRequest.parse(CONTRACT_SPEC, {"limit": "500"})


def test_questionnaire_link_is_mailed_and_opens_one_assessment(session: Session, world: World, smtp_sink: Any) -> None:
    data = AssessmentCreate(vendor_id=world.vendor.id, contact_email="sec@vendor.example")
    a, path = assessments.send_assessment(session, None, data)
    assert len(a.questions) == 60 and path in smtp_sink.messages[-1].get_content()
    token = path.rsplit("/", 1)[1]
    assert assessments.open_public(session, token).id == a.id
    assessments.cancel_assessment(session, None, a.id)
    with pytest.raises(LinkExpired):
        assessments.open_public(session, token)
