"""REST routes /api/v1/vendors: contracts, agreements, findings, profiles and tiers, assessments, questionnaires,
documents, renewals, spend and the portfolio."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from tandem.platform.api.deps import DbSession, actor_of, get_db, requires
from tandem.platform.api.paging import page_out, page_request
from tandem.platform.auth.principal import Principal
from tandem.platform.db.uow import unit_of_work
from tandem.platform.references import related
from tandem.platform.safety.uploads import read_limited
from tandem.vendors import assessments, contracts, documents, imports, records, service, spend
from tandem.vendors.repository import AGREEMENT_SPEC, ASSESSMENT_SPEC, CONTRACT_SPEC, FINDING_SPEC
from tandem.vendors.schemas import (
    AgreementCreate,
    AgreementRead,
    AgreementUpdate,
    AssessmentCreate,
    AssessmentRead,
    AssessmentSent,
    ContractCreate,
    ContractRead,
    ContractUpdate,
    DocumentRead,
    FindingCreate,
    FindingRead,
    FindingUpdate,
    Offboarding,
    ProfileUpdate,
    QuestionnaireRead,
    TierOverride,
)
from tandem.vendors.settings import get_vendors_settings
from tandem.vendors.views import access_json, overview_json, portfolio_json, profile_json

router = APIRouter(prefix="/api/v1/vendors", tags=["vendors"])
VIEW, EDIT, ASSESS, IMPORT = "vendors.view", "vendors.edit", "vendors.assess", "vendors.import"


def _gone() -> Response:
    return Response(status_code=204)


@router.get("/contracts")
def list_contracts(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List contracts (filters: vendor_id, status, category, owner_id)."""
    return page_out(contracts.list_contracts(session, principal, page_request(request, CONTRACT_SPEC)),
                    contracts.to_read)  # fmt: skip


@router.post("/contracts", status_code=201, response_model=ContractRead)
def create_contract(body: ContractCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Add a contract: products, applications, term, notice, auto-renewal, yearly value, owner, status."""
    return contracts.to_read(contracts.create_contract(session, principal, body))


@router.get("/contracts/{contract_id}", response_model=ContractRead)
def get_contract(contract_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a contract with its notice deadline and offboarding state."""
    return contracts.to_read(contracts.get_contract(session, principal, contract_id))


@router.patch("/contracts/{contract_id}", response_model=ContractRead)
def update_contract(
    contract_id: uuid.UUID, body: ContractUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change a contract (a new end date or notice period re-arms the reminders)."""
    return contracts.to_read(contracts.update_contract(session, principal, contract_id, body))


@router.delete("/contracts/{contract_id}", status_code=204)
def delete_contract(contract_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a contract."""
    contracts.delete_contract(session, principal, contract_id)
    return _gone()


@router.post("/contracts/{contract_id}/offboarding", response_model=ContractRead)
def offboard(
    contract_id: uuid.UUID, body: Offboarding, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Tick offboarding steps of an ended contract (access revoked, data returned, deletion certificate)."""
    return contracts.to_read(contracts.set_offboarding(session, principal, contract_id, body, principal.username))


@router.post("/contracts/import")
async def import_contracts(
    request: Request, file: UploadFile = File(...), org_unit_id: uuid.UUID = Form(...),
    principal: Principal = requires(IMPORT),
) -> Any:  # fmt: skip
    """Import contracts from CSV: every row or none, errors as file:line: field: reason."""
    data = read_limited(file.file, get_vendors_settings().max_document_bytes, file.filename or "upload.csv")

    def run() -> Any:
        with unit_of_work(get_db(request), actor=actor_of(principal, request)) as session:
            return imports.import_contracts(session, principal, data, file.filename or "upload.csv", org_unit_id)

    return await run_in_threadpool(run)


@router.get("/agreements")
def list_agreements(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List DPAs, BAAs, SCCs and attestations (filters: vendor_id, kind, status)."""
    page = records.list_agreements(session, principal, page_request(request, AGREEMENT_SPEC))
    return page_out(page, AgreementRead.model_validate)


@router.post("/agreements", status_code=201, response_model=AgreementRead)
def create_agreement(body: AgreementCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Record an agreement or attestation with its dates."""
    return records.create_agreement(session, principal, body)


@router.get("/agreements/{agreement_id}", response_model=AgreementRead)
def get_agreement(agreement_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return an agreement."""
    return records.get_agreement(session, principal, agreement_id)


@router.patch("/agreements/{agreement_id}", response_model=AgreementRead)
def update_agreement(
    agreement_id: uuid.UUID, body: AgreementUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change an agreement."""
    return records.update_agreement(session, principal, agreement_id, body)


@router.delete("/agreements/{agreement_id}", status_code=204)
def delete_agreement(agreement_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete an agreement."""
    records.delete_agreement(session, principal, agreement_id)
    return _gone()


@router.get("/findings")
def list_findings(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List vendor findings (filters: vendor_id, assessment_id, status, severity)."""
    return page_out(records.list_findings(session, principal, page_request(request, FINDING_SPEC)),
                    FindingRead.model_validate)  # fmt: skip


@router.post("/findings", status_code=201, response_model=FindingRead)
def create_finding(body: FindingCreate, session: DbSession, principal: Principal = requires(ASSESS)) -> Any:
    """Record a follow-up the vendor must fix by a date."""
    return records.create_finding(session, principal, body)


@router.get("/findings/{finding_id}", response_model=FindingRead)
def get_finding(finding_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a finding."""
    return records.get_finding(session, principal, finding_id)


@router.patch("/findings/{finding_id}", response_model=FindingRead)
def update_finding(
    finding_id: uuid.UUID, body: FindingUpdate, session: DbSession, principal: Principal = requires(ASSESS)
) -> Any:
    """Change a finding's status, severity or due date."""
    return records.update_finding(session, principal, finding_id, body)


@router.delete("/findings/{finding_id}", status_code=204)
def delete_finding(finding_id: uuid.UUID, session: DbSession, principal: Principal = requires(ASSESS)) -> Response:
    """Delete a finding."""
    records.delete_finding(session, principal, finding_id)
    return _gone()


@router.get("/overview/{vendor_id}")
def overview(vendor_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return one vendor with both lenses: spend and contracts; reach, tier factors, flags, residual rating, and
    the risk scenarios (visible to the caller) that threaten it."""
    out = overview_json(service.vendor_overview(session, principal, vendor_id))
    scenarios = related(session, principal, "vendor", vendor_id)
    out["risk_scenarios"] = [{"label": r.label, "url": r.url, "detail": r.detail} for r in scenarios]
    return out


@router.get("/access/{vendor_id}")
def vendor_access(vendor_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the vendor's accounts (matched by its e-mail domains) and the data stores they reach, with paths."""
    return access_json(service.vendor_access(session, principal, vendor_id))


@router.post("/offboarding/verify")
def verify_offboarding(session: DbSession, principal: Principal = requires(ASSESS)) -> Any:
    """Check offboarded vendors against the latest access import; accounts still enabled become a finding."""
    return [{**r, "vendor_id": str(r["vendor_id"])} for r in service.verify_offboarding(session, principal)]


@router.put("/profiles/{vendor_id}")
def put_profile(
    vendor_id: uuid.UUID, body: ProfileUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Set the vendor's legal role, transfer mechanism, network access and questionnaire contact."""
    return profile_json(records.update_profile(session, principal, vendor_id, body))


@router.post("/profiles/{vendor_id}/tier-override")
def tier_override(
    vendor_id: uuid.UUID, body: TierOverride, session: DbSession, principal: Principal = requires(ASSESS)
) -> Any:
    """Override the computed inherent tier with a reason (or clear it with tier null)."""
    return profile_json(records.override_tier(session, principal, vendor_id, body))


@router.get("/renewals")
def renewals(
    session: DbSession, days: int | None = Query(None, ge=0, le=730), principal: Principal = requires(VIEW)
) -> Any:
    """List notice deadlines ahead (default horizon: TANDEM_VENDORS_RENEWAL_HORIZON_DAYS)."""
    rows = spend.upcoming_renewals(session, principal, days)
    return [{**{k: v for k, v in r.items() if k not in ("contract", "owner")},
             "owner": r["owner"].full_name if r["owner"] else None} for r in rows]  # fmt: skip


@router.get("/spend")
def spend_summary(session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return yearly spend per currency by vendor (with concentration share), category, application, capability."""
    return spend.spend_summary(session, principal)


@router.get("/portfolio")
def portfolio(session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return every vendor with spend, tier, residual rating, flags and next notice deadline."""
    return portfolio_json(service.portfolio(session, principal))


@router.get("/questionnaires", response_model=list[QuestionnaireRead])
def questionnaires(session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List the shipped baseline and the imported questionnaires."""
    return [assessments.summary(q) for q in assessments.catalogue(session, principal)]


@router.post("/questionnaires/import", status_code=201, response_model=QuestionnaireRead)
async def import_questionnaire(
    request: Request, file: UploadFile = File(...), name: str = Form(..., max_length=200),
    org_unit_id: uuid.UUID = Form(...), sheet: str | None = Form(None, max_length=100),
    licence: str = Form("", max_length=5000), principal: Principal = requires(IMPORT),
) -> Any:  # fmt: skip
    """Import a CSV/XLSX questionnaire you are licensed for (SIG Lite, CAIQ…); all questions or none."""
    data = read_limited(file.file, get_vendors_settings().max_document_bytes, file.filename or "upload")

    def run() -> Any:
        with unit_of_work(get_db(request), actor=actor_of(principal, request)) as session:
            q = assessments.import_questionnaire(session, principal, data, file.filename or "upload", name,
                                                 org_unit_id, sheet, licence)  # fmt: skip
            return assessments.summary({"id": str(q.id), "name": q.name, "version": q.version, "source": q.source,
                                        "licence": q.licence, "questions": q.questions})  # fmt: skip

    return await run_in_threadpool(run)


@router.get("/assessments")
def list_assessments(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List assessments (filters: vendor_id, status)."""
    page = assessments.list_assessments(session, principal, page_request(request, ASSESSMENT_SPEC))
    return page_out(page, assessments.to_read)


@router.post("/assessments", status_code=201, response_model=AssessmentSent)
def send_assessment(body: AssessmentCreate, session: DbSession, principal: Principal = requires(ASSESS)) -> Any:
    """Send a questionnaire: returns the vendor-facing link once (the contact is e-mailed when SMTP is set up)."""
    assessment, path = assessments.send_assessment(session, principal, body)
    return {**assessments.to_read(assessment), "link": path}


@router.get("/assessments/{assessment_id}")
def get_assessment(assessment_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return an assessment with its questions, answers and scores."""
    a = assessments.get_assessment(session, principal, assessment_id)
    read = AssessmentRead.model_validate(assessments.to_read(a)).model_dump(mode="json")
    return {**read, "questions": a.questions, "answers": a.answers}


@router.post("/assessments/{assessment_id}/cancel", response_model=AssessmentRead)
def cancel_assessment(assessment_id: uuid.UUID, session: DbSession, principal: Principal = requires(ASSESS)) -> Any:
    """Withdraw an unanswered assessment; its link stops working."""
    return assessments.to_read(assessments.cancel_assessment(session, principal, assessment_id))


@router.post("/assessments/{assessment_id}/review", response_model=AssessmentRead)
def review_assessment(assessment_id: uuid.UUID, session: DbSession, principal: Principal = requires(ASSESS)) -> Any:
    """Mark a submitted assessment as reviewed."""
    return assessments.to_read(assessments.mark_reviewed(session, principal, assessment_id))


@router.post("/documents", status_code=201, response_model=DocumentRead)
async def upload_document(
    request: Request, file: UploadFile = File(...), vendor_id: uuid.UUID = Form(...),
    kind: str = Form("other", max_length=32), title: str = Form("", max_length=300),
    contract_id: uuid.UUID | None = Form(None), principal: Principal = requires(EDIT),
) -> Any:  # fmt: skip
    """Upload a vendor document (pdf, png, jpg, txt, csv, docx, xlsx; size-limited, type sniffed)."""
    limit = get_vendors_settings().max_document_bytes
    data = read_limited(file.file, limit + 1, file.filename or "upload")

    def run() -> Any:
        with unit_of_work(get_db(request), actor=actor_of(principal, request)) as session:
            return DocumentRead.model_validate(documents.upload_document(
                session, principal, vendor_id, data, file.filename or "upload", kind, title, contract_id))  # fmt: skip

    return await run_in_threadpool(run)


@router.get("/documents/{document_id}", response_model=DocumentRead)
def get_document(document_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a document's record."""
    return documents.get_document(session, principal, document_id)


@router.get("/documents/{document_id}/file")
def download_document(document_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Response:
    """Download a document, always as an attachment the browser may not sniff or run."""
    doc, data = documents.file_of(session, principal, document_id)
    return Response(data, media_type=doc.media_type, headers=documents.download_headers(doc))


@router.delete("/documents/{document_id}", status_code=204)
def delete_document(document_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a document record."""
    documents.delete_document(session, principal, document_id)
    return _gone()
