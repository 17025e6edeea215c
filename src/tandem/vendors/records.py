"""Agreements and attestations, the data-access profile and tier override, and follow-up findings."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.errors import InvalidInput, NotFound
from tandem.vendors import actions
from tandem.vendors import repository as repo
from tandem.vendors.common import check, get_vendor, require_in_unit, vendor_ref
from tandem.vendors.exposure import profile_for
from tandem.vendors.models import Agreement, Assessment, Finding, Profile
from tandem.vendors.repository import VendorsRepository
from tandem.vendors.schemas import (
    AgreementCreate,
    AgreementUpdate,
    FindingCreate,
    FindingUpdate,
    ProfileUpdate,
    TierOverride,
)

DATES = {"signed_on", "expires_on", "due_date"}


def _get(session: Session, principal: Principal | None, model: Any, obj_id: uuid.UUID, what: str) -> Any:
    obj = VendorsRepository(session, model).get(principal, obj_id)
    if obj is None:
        raise NotFound(f"{what} not found")
    return obj


def _list(session: Session, principal: Principal, model: Any, req: PageRequest) -> Page[Any]:
    require(session, principal, actions.VIEW.name)
    try:
        return VendorsRepository(session, model).list_page(principal, req)
    except ValueError:
        raise InvalidInput.one("query", "a filter value has the wrong type") from None


def _patch(obj: Any, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if value is not None or key in DATES:
            setattr(obj, key, value)


def _check_dates(signed_on: Any, expires_on: Any) -> None:
    if signed_on and expires_on and expires_on < signed_on:
        raise InvalidInput.one("body.expires_on", "is before the signing date")


# --- agreements and attestations -------------------------------------------------------------------


def get_agreement(session: Session, principal: Principal | None, agreement_id: uuid.UUID) -> Agreement:
    """Return an agreement principal may see."""
    return _get(session, principal, Agreement, agreement_id, "agreement")


def list_agreements(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the agreements and attestations principal may see."""
    return _list(session, principal, Agreement, req)


def create_agreement(session: Session, principal: Principal | None, data: AgreementCreate) -> Agreement:
    """Record a DPA, BAA, SCCs, SOC 2 report or ISO 27001 certificate of a vendor."""
    require_in_unit(session, principal, data.org_unit_id, actions.EDIT.name)
    vendor_ref(session, principal, data.vendor_id)
    _check_dates(data.signed_on, data.expires_on)
    return VendorsRepository(session, Agreement).add(Agreement(**data.model_dump()))


def update_agreement(
    session: Session, principal: Principal | None, agreement_id: uuid.UUID, data: AgreementUpdate
) -> Agreement:
    """Change an agreement's status, dates or reference."""
    agreement = get_agreement(session, principal, agreement_id)
    check(session, principal, actions.EDIT.name, agreement)
    patch = data.model_dump(exclude_unset=True)
    _check_dates(patch.get("signed_on", agreement.signed_on), patch.get("expires_on", agreement.expires_on))
    _patch(agreement, patch)
    session.flush()
    return agreement


def delete_agreement(session: Session, principal: Principal | None, agreement_id: uuid.UUID) -> None:
    """Delete an agreement record."""
    agreement = get_agreement(session, principal, agreement_id)
    check(session, principal, actions.EDIT.name, agreement)
    VendorsRepository(session, Agreement).delete(agreement)


# --- profile and tier override -----------------------------------------------------------------------


def _stored_profile(session: Session, principal: Principal | None, vendor_id: uuid.UUID, action: str) -> Profile:
    vendor = get_vendor(session, principal, vendor_id)
    profile = profile_for(session, vendor)
    check(session, principal, action, profile)
    if profile not in session:
        session.add(profile)
    return profile


def update_profile(session: Session, principal: Principal | None, vendor_id: uuid.UUID, data: ProfileUpdate) -> Profile:
    """Set the vendor's legal role, transfer mechanism, network access and questionnaire contact."""
    profile = _stored_profile(session, principal, vendor_id, actions.EDIT.name)
    _patch(profile, {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None})
    session.flush()
    return profile


def override_tier(session: Session, principal: Principal | None, vendor_id: uuid.UUID, data: TierOverride) -> Profile:
    """Override the computed tier (a reason is required) or clear the override."""
    if data.tier is not None and not data.reason:
        raise InvalidInput.one("body.reason", "say why the computed tier is wrong")
    profile = _stored_profile(session, principal, vendor_id, actions.ASSESS.name)
    profile.tier_override = data.tier
    profile.override_reason = data.reason if data.tier else ""
    session.flush()
    return profile


# --- findings ---------------------------------------------------------------------------------------


def get_finding(session: Session, principal: Principal | None, finding_id: uuid.UUID) -> Finding:
    """Return a finding principal may see."""
    return _get(session, principal, Finding, finding_id, "finding")


def list_findings(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the vendor findings principal may see."""
    return _list(session, principal, Finding, req)


def create_finding(session: Session, principal: Principal | None, data: FindingCreate) -> Finding:
    """Record a follow-up the vendor must fix by a date."""
    require_in_unit(session, principal, data.org_unit_id, actions.ASSESS.name)
    vendor_ref(session, principal, data.vendor_id)
    if data.assessment_id is not None:
        assessment = VendorsRepository(session, Assessment).get(principal, data.assessment_id)
        if assessment is None or assessment.vendor_id != data.vendor_id:
            raise InvalidInput.one("body.assessment_id", "no assessment of this vendor with this id")
    return VendorsRepository(session, Finding).add(Finding(**data.model_dump()))


def update_finding(
    session: Session, principal: Principal | None, finding_id: uuid.UUID, data: FindingUpdate
) -> Finding:
    """Change a finding's status, severity, due date or text."""
    finding = get_finding(session, principal, finding_id)
    check(session, principal, actions.ASSESS.name, finding)
    _patch(finding, data.model_dump(exclude_unset=True))
    session.flush()
    return finding


def delete_finding(session: Session, principal: Principal | None, finding_id: uuid.UUID) -> None:
    """Delete a finding."""
    finding = get_finding(session, principal, finding_id)
    check(session, principal, actions.ASSESS.name, finding)
    VendorsRepository(session, Finding).delete(finding)


def vendor_findings(session: Session, vendor_id: uuid.UUID) -> list[Finding]:
    """Return a vendor's findings, soonest due first."""
    return repo.findings_of(session, [vendor_id])[vendor_id]
