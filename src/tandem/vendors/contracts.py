"""Contracts: what a vendor sells us, for how long, at what price and notice, who owns it, and offboarding."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.errors import FieldError, InvalidInput, NotFound
from tandem.vendors import actions
from tandem.vendors import repository as repo
from tandem.vendors.common import APPS, PEOPLE, check, require_in_unit, vendor_ref
from tandem.vendors.models import Contract, Document
from tandem.vendors.repository import VendorsRepository
from tandem.vendors.schemas import ContractCreate, ContractRead, ContractUpdate, Offboarding

NULLABLE = {"start_date", "end_date", "owner_id"}


def notice_deadline(contract: Contract) -> dt.date | None:
    """Return the last day to give notice before the contract ends (or renews itself)."""
    if contract.end_date is None:
        return None
    return contract.end_date - dt.timedelta(days=contract.notice_days or 0)


def to_read(contract: Contract) -> ContractRead:
    """Return the output schema with money and the notice deadline."""
    amount = Decimal(contract.yearly_value_minor or 0) / 100
    return ContractRead.model_validate(
        {
            **{c: getattr(contract, c) for c in ContractRead.model_fields if hasattr(contract, c)},
            "yearly_value": {"amount": f"{amount:.2f}", "currency": contract.currency},
            "notice_deadline": notice_deadline(contract),
        }
    )


def get_contract(session: Session, principal: Principal | None, contract_id: uuid.UUID) -> Contract:
    """Return a contract principal may see."""
    obj = VendorsRepository(session, Contract).get(principal, contract_id)
    if obj is None:
        raise NotFound("contract not found")
    return obj


def list_contracts(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the contracts principal may see."""
    require(session, principal, actions.VIEW.name)
    try:
        return VendorsRepository(session, Contract).list_page(principal, req)
    except ValueError:
        raise InvalidInput.one("query", "a filter value has the wrong type") from None


def _ref_errors(session: Session, principal: Principal | None, values: dict[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    if values.get("owner_id") is not None:
        try:
            inventory.get_record(session, principal, PEOPLE, values["owner_id"])
        except NotFound:
            errors.append(FieldError("body.owner_id", "no visible person with this id in the inventory"))
    for n, app_id in enumerate(values.get("application_ids") or []):
        try:
            inventory.get_record(session, principal, APPS, app_id)
        except NotFound:
            errors.append(FieldError(f"body.application_ids.{n}", "no visible application with this id"))
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        errors.append(FieldError("body.end_date", "is before the start date"))
    return errors


def _columns(values: dict[str, Any]) -> dict[str, Any]:
    row = dict(values)
    if "yearly_value" in row:
        money = row.pop("yearly_value")
        row["yearly_value_minor"] = 0 if money is None else int((money["amount"] * 100).to_integral_value())
        if money is not None:
            row["currency"] = money["currency"]
    if "application_ids" in row and row["application_ids"] is not None:
        row["application_ids"] = [str(a) for a in row["application_ids"]]
    return row


def create_contract(session: Session, principal: Principal | None, data: ContractCreate) -> Contract:
    """Add a contract with a visible vendor, owner and applications."""
    require_in_unit(session, principal, data.org_unit_id, actions.EDIT.name)
    vendor_ref(session, principal, data.vendor_id)
    values = data.model_dump()
    errors = _ref_errors(session, principal, values)
    if errors:
        raise InvalidInput(errors)
    return VendorsRepository(session, Contract).add(Contract(**_columns(values)))


def update_contract(
    session: Session, principal: Principal | None, contract_id: uuid.UUID, data: ContractUpdate
) -> Contract:
    """Change a contract; a new end date or notice period re-arms the reminders."""
    contract = get_contract(session, principal, contract_id)
    check(session, principal, actions.EDIT.name, contract)
    patch = data.model_dump(exclude_unset=True)
    merged = {"start_date": contract.start_date, "end_date": contract.end_date, **patch}
    errors = _ref_errors(session, principal, merged | {"owner_id": patch.get("owner_id")})
    if errors:
        raise InvalidInput(errors)
    before = notice_deadline(contract)
    for key, value in _columns(patch).items():
        if value is not None or key in NULLABLE:
            setattr(contract, key, value)
    if notice_deadline(contract) != before:
        contract.reminders_sent = []
    session.flush()
    return contract


def delete_contract(session: Session, principal: Principal | None, contract_id: uuid.UUID) -> None:
    """Delete a contract (its documents stay with the vendor)."""
    contract = get_contract(session, principal, contract_id)
    check(session, principal, actions.EDIT.name, contract)
    repo.detach_documents(session, contract.id)
    VendorsRepository(session, Contract).delete(contract)


def set_offboarding(
    session: Session, principal: Principal | None, contract_id: uuid.UUID, data: Offboarding, who: str
) -> Contract:
    """Tick offboarding steps of an ended contract: access revoked, data returned or deleted with a certificate."""
    contract = get_contract(session, principal, contract_id)
    check(session, principal, actions.EDIT.name, contract)
    if not ended(contract, dt.date.today()):
        raise InvalidInput.one("contract", "offboarding starts when the contract is terminated or has ended")
    state = dict(contract.offboarding or {})
    patch = data.model_dump(exclude_unset=True, mode="json")
    if patch.get("deletion_certificate_id"):
        doc = VendorsRepository(session, Document).get(principal, uuid.UUID(patch["deletion_certificate_id"]))
        if doc is None or doc.vendor_id != contract.vendor_id:
            raise InvalidInput.one("body.deletion_certificate_id", "no document of this vendor with this id")
    for key, value in patch.items():
        state[key] = value
        if key in ("access_revoked", "data_returned") and value:
            state[f"{key}_by"] = who[:200]
            state[f"{key}_on"] = dt.date.today().isoformat()
    contract.offboarding = state
    session.flush()
    return contract


def ended(contract: Contract, today: dt.date) -> bool:
    """Return whether the contract is terminated or past its end without renewing itself."""
    if contract.status == "terminated":
        return True
    return contract.end_date is not None and contract.end_date < today and not contract.auto_renew


def offboarding_done(contract: Contract) -> bool:
    """Return whether access is revoked and the data returned or deleted with a certificate."""
    state = contract.offboarding or {}
    return bool(state.get("access_revoked") and state.get("data_returned") and state.get("deletion_certificate_id"))


def offboarding_steps(contract: Contract) -> list[dict[str, Any]]:
    """Return the checklist with each step's state, for the vendor page."""
    state = contract.offboarding or {}
    return [
        {"key": "access_revoked", "label": "Access revoked (accounts, VPN, API keys)",
         "done": bool(state.get("access_revoked")),
         "by": state.get("access_revoked_by", ""), "on": state.get("access_revoked_on", "")},
        {"key": "data_returned", "label": "Data returned or deleted", "done": bool(state.get("data_returned")),
         "by": state.get("data_returned_by", ""), "on": state.get("data_returned_on", "")},
        {"key": "deletion_certificate_id", "label": "Deletion certificate on file",
         "done": bool(state.get("deletion_certificate_id")), "by": "", "on": ""},
    ]  # fmt: skip


def owner_by_email(session: Session, email: str) -> Any:
    """Return the inventory person with this e-mail (visibility is checked when the contract is saved)."""
    return repo.person_by_email(session, email)
