"""The vendor page's forms: contracts, offboarding, agreements, profile, tier override, documents, questionnaires
and findings. Each posts, then redirects with a message or re-renders the page with located errors."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import FieldError, InvalidInput, TandemError
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render
from tandem.vendors import assessments, contracts, documents, records
from tandem.vendors.common import get_vendor
from tandem.vendors.schemas import (
    AgreementCreate,
    AssessmentCreate,
    ContractCreate,
    FindingUpdate,
    Offboarding,
    ProfileUpdate,
    TierOverride,
)
from tandem.vendors.settings import get_vendors_settings
from tandem.vendors.web import vendor_view

router = APIRouter(include_in_schema=False)
VIEW, EDIT, ASSESS = "vendors.view", "vendors.edit", "vendors.assess"


def _model(schema: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(
            [FieldError(".".join(["body", *map(str, e["loc"])]), e["msg"]) for e in exc.errors()]
        ) from None


def _fields(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: v for n in names if (v := text(form, n).strip()) != ""}


def _act(
    request: Request, session: Any, principal: Principal, vendor_id: uuid.UUID, form: Any, what: Callable[[], str]
) -> Response:
    try:
        message = what()
    except TandemError as exc:
        discard(session)
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        return vendor_view(request, session, principal, vendor_id, form_errors(exc), values)
    return redirect(f"/vendors/{vendor_id}", message)


@router.post("/vendors/{vendor_id}/contracts")
def add_contract(
    vendor_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Add a contract from the vendor page."""

    def run() -> str:
        vendor = get_vendor(session, principal, vendor_id)
        data = _fields(form, ("title", "products", "category", "start_date", "end_date", "notice_days",
                              "payment_schedule", "status", "negotiation_notes"))  # fmt: skip
        if text(form, "amount").strip():
            data["yearly_value"] = {"amount": text(form, "amount").replace(",", "").strip(),
                                    "currency": text(form, "currency").strip() or "USD"}  # fmt: skip
        data.update(vendor_id=vendor.id, org_unit_id=vendor.org_unit_id, auto_renew=text(form, "auto_renew") == "on")
        if email := text(form, "owner_email").strip():
            owner = contracts.owner_by_email(session, email)
            if owner is None:
                raise InvalidInput.one("owner_email", "no person with this e-mail in the inventory")
            data["owner_id"] = owner.id
        contract = contracts.create_contract(session, principal, _model(ContractCreate, data))
        return f"Contract {contract.title!r} added."

    return _act(request, session, principal, vendor_id, form, run)


@router.post("/vendors/contracts/{contract_id}/offboarding")
def offboard(
    contract_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Tick offboarding steps of an ended contract."""
    contract = contracts.get_contract(session, principal, contract_id)

    def run() -> str:
        data: dict[str, Any] = {"access_revoked": text(form, "access_revoked") == "on",
                "data_returned": text(form, "data_returned") == "on"}  # fmt: skip
        if cert := text(form, "deletion_certificate_id").strip():
            data["deletion_certificate_id"] = cert
        contracts.set_offboarding(session, principal, contract_id, _model(Offboarding, data), principal.username)
        return "Offboarding checklist saved."

    return _act(request, session, principal, contract.vendor_id, form, run)


@router.post("/vendors/{vendor_id}/agreements")
def add_agreement(
    vendor_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Record a DPA, BAA, SCCs or attestation from the vendor page."""

    def run() -> str:
        vendor = get_vendor(session, principal, vendor_id)
        data = _fields(form, ("kind", "status", "signed_on", "expires_on", "reference"))
        data.update(vendor_id=vendor.id, org_unit_id=vendor.org_unit_id)
        agreement = records.create_agreement(session, principal, _model(AgreementCreate, data))
        return f"{agreement.kind.upper()} recorded."

    return _act(request, session, principal, vendor_id, form, run)


@router.post("/vendors/{vendor_id}/profile")
def save_profile(
    vendor_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Save the legal role, transfer mechanism, network access and questionnaire contact."""

    def run() -> str:
        data = _fields(form, ("legal_role", "transfer_mechanism", "network_access"))
        data["contact_email"] = text(form, "contact_email").strip()
        records.update_profile(session, principal, vendor_id, _model(ProfileUpdate, data))
        return "Data-access profile saved."

    return _act(request, session, principal, vendor_id, form, run)


@router.post("/vendors/{vendor_id}/tier")
def override_tier(
    vendor_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(ASSESS)
) -> Response:
    """Override the computed tier with a reason, or clear the override."""

    def run() -> str:
        tier = text(form, "tier").strip() or None
        records.override_tier(session, principal, vendor_id,
                              _model(TierOverride, {"tier": tier, "reason": text(form, "reason", 5000)}))  # fmt: skip
        return f"Tier overridden to {tier}." if tier else "Override cleared; the computed tier applies."

    return _act(request, session, principal, vendor_id, form, run)


@router.post("/vendors/{vendor_id}/documents")
async def upload_document(
    vendor_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Upload a document (contract, certificate, deletion certificate) from the vendor page."""
    form = await request.form()
    upload = form.get("file")
    limit = get_vendors_settings().max_document_bytes

    def run() -> str:
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise InvalidInput.one("file", "choose a file")
        data = upload.file.read(limit + 1)
        contract = text(form, "contract_id").strip()
        try:
            contract_id = uuid.UUID(contract) if contract else None
        except ValueError:
            raise InvalidInput.one("contract_id", "not a contract id") from None
        doc = documents.upload_document(session, principal, vendor_id, data, upload.filename,
                                        text(form, "kind") or "other", text(form, "title", 300),
                                        contract_id)  # fmt: skip
        return f"Uploaded {doc.file_name}."

    return _act(request, session, principal, vendor_id, form, run)


@router.get("/vendors/documents/{document_id}/file")
def download(document_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Response:
    """Download a vendor document as a sandboxed attachment."""
    doc, data = documents.file_of(session, principal, document_id)
    return Response(data, media_type=doc.media_type, headers=documents.download_headers(doc))


@router.post("/vendors/{vendor_id}/assess")
def send_questionnaire(
    vendor_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(ASSESS)
) -> Response:
    """Send a questionnaire; the page shows the vendor link once."""
    data: dict[str, Any] = {"vendor_id": vendor_id, "questionnaire": text(form, "questionnaire") or "baseline"}
    if email := text(form, "contact_email").strip():
        data["contact_email"] = email
    try:
        a, link = assessments.send_assessment(session, principal, _model(AssessmentCreate, data))
    except TandemError as exc:
        discard(session)
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        return vendor_view(request, session, principal, vendor_id, form_errors(exc), values)
    vendor = get_vendor(session, principal, vendor_id)
    return render(request, "vendors/assessment.html", a=a, vendor=vendor, read=assessments.to_read(a),
                  evidence={}, link=link)  # fmt: skip


@router.post("/vendors/assessments/{assessment_id}/{verb}")
def assessment_action(
    assessment_id: uuid.UUID, verb: str, session: DbSession, principal: Principal = requires(ASSESS)
) -> Response:
    """Review or cancel an assessment."""
    a = assessments.get_assessment(session, principal, assessment_id)
    try:
        if verb == "review":
            assessments.mark_reviewed(session, principal, assessment_id)
        elif verb == "cancel":
            assessments.cancel_assessment(session, principal, assessment_id)
        else:
            raise InvalidInput.one("verb", "review or cancel")
    except TandemError as exc:
        discard(session)
        return redirect(f"/vendors/assessments/{assessment_id}", exc.message)
    return redirect(f"/vendors/{a.vendor_id}", f"Assessment {'reviewed' if verb == 'review' else 'cancelled'}.")


@router.post("/vendors/findings/{finding_id}/status")
def finding_status(
    finding_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(ASSESS)
) -> Response:
    """Move a finding along (open → in progress → closed, or accepted)."""
    finding = records.get_finding(session, principal, finding_id)
    try:
        records.update_finding(session, principal, finding_id, _model(FindingUpdate, {"status": text(form, "status")}))
    except TandemError as exc:
        discard(session)
        return redirect(f"/vendors/{finding.vendor_id}", exc.message)
    return redirect(f"/vendors/{finding.vendor_id}", "Finding updated.")
