"""Northwind Health's vendors: contracts and renewals, agreements and attestations, data-access profiles,
one answered questionnaire and one pending, created through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.errors import NotFound
from tandem.vendors import access_reach, assessments, contracts, records
from tandem.vendors import repository as repo
from tandem.vendors.common import VENDORS
from tandem.vendors.demo_data import AGREEMENTS, CONTRACTS, EPIC_NA, EPIC_NO, EXTRA_VENDORS, PROFILES
from tandem.vendors.schemas import AgreementCreate, AssessmentCreate, ContractCreate, ProfileUpdate


def _vendors(session: Session, org: Any) -> dict[str, Any]:
    """Return the inventory's vendors by name, adding the few the demo needs if the inventory lacks them."""
    found = {v.name: v for v in repo.visible_vendors(session, None)}
    for name, domain, country, services in EXTRA_VENDORS:
        if name not in found:
            data = VENDORS.create.model_validate({"name": name, "domains": [domain], "country": country,
                                                  "services": services, "org_unit_id": org.root.id,
                                                  "source": "demo"})  # fmt: skip
            found[name] = inventory.create_record(session, None, VENDORS, data)
    return found


def _app_ids(session: Session, names: list[str]) -> list[Any]:
    out = []
    for name in names:
        try:
            out.append(inventory.resolve_ref(session, None, f"application:{name}")[1].id)
        except NotFound:
            continue
    return out


def load_demo(session: Session, org: Any) -> None:
    """Add 16 contracts over 15 vendors, their agreements and profiles, and two assessments."""
    today = dt.date.today()
    vendors = _vendors(session, org)
    for (name, title, category, products, apps, start, end, notice, auto, value, currency, status,
         owner) in CONTRACTS:  # fmt: skip
        if name not in vendors:
            continue
        person = repo.person_by_email(session, owner)
        contract = contracts.create_contract(session, None, ContractCreate(
            vendor_id=vendors[name].id, title=title, category=category, products=products,
            application_ids=_app_ids(session, apps), start_date=today + dt.timedelta(days=start),
            end_date=today + dt.timedelta(days=end), notice_days=notice, auto_renew=auto,
            yearly_value={"amount": value, "currency": currency}, payment_schedule="yearly",
            owner_id=person.id if person else None, status=status, org_unit_id=vendors[name].org_unit_id,
            source="demo"))  # fmt: skip
        if status == "terminated":
            contract.offboarding = {"access_revoked": True, "access_revoked_by": "demo",
                                    "access_revoked_on": (today - dt.timedelta(days=35)).isoformat()}  # fmt: skip
    for name, kind, status, signed, expires, ref in AGREEMENTS:
        if name in vendors:
            records.create_agreement(session, None, AgreementCreate(
                vendor_id=vendors[name].id, kind=kind, status=status, signed_on=today + dt.timedelta(days=signed),
                expires_on=today + dt.timedelta(days=expires) if expires is not None else None, reference=ref,
                org_unit_id=vendors[name].org_unit_id))  # fmt: skip
    for name, fields in PROFILES.items():
        if name in vendors:
            records.update_profile(session, None, vendors[name].id, ProfileUpdate(**fields))
    _assessments(session, vendors)
    access_reach.verify_offboarding(session, None)  # ended contracts against the access demo's import


def _assessments(session: Session, vendors: dict[str, Any]) -> None:
    """Epic answered the baseline (three gaps become findings); Okta has not answered yet."""
    if "Epic Systems" in vendors:
        a, path = assessments.send_assessment(session, None, AssessmentCreate(vendor_id=vendors["Epic Systems"].id))
        answers = {q["id"]: {"answer": "no", "comment": EPIC_NO[q["id"]]} if q["id"] in EPIC_NO
                   else {"answer": "n/a", "comment": EPIC_NA[q["id"]]} if q["id"] in EPIC_NA
                   else {"answer": "yes", "comment": ""} for q in a.questions}  # fmt: skip
        assessments.save_answers(session, path.rsplit("/", 1)[1], answers, final=True)
    if "Okta" in vendors:
        assessments.send_assessment(session, None, AssessmentCreate(vendor_id=vendors["Okta"].id, days_valid=30))
