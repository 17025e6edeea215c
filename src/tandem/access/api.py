"""REST routes /api/v1/access: systems, identities, accounts and the correlation queue, entitlements, SoD rules,
findings, who-can, imports, analyses, SCIM syncs. Campaigns are in api_reviews.py."""

# No `from __future__ import annotations`: FastAPI reads the body types at runtime.
import uuid
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from tandem.access import analyze, effective, imports, scim_sync, service
from tandem.access.importers import KINDS
from tandem.access.models import AnalysisRun, ImportRun
from tandem.access.repository import SPECS, AccessRepository
from tandem.access.schemas import (
    AccountRead,
    CorrelateIn,
    EntitlementRead,
    FindingRead,
    FindingUpdate,
    IdentityRead,
    ImportRead,
    SodRuleCreate,
    SodRuleRead,
    SodRuleUpdate,
    StoreLinkIn,
    SystemCreate,
    SystemRead,
    SystemUpdate,
)
from tandem.platform.api.deps import DbSession, actor_of, get_db, requires
from tandem.platform.api.paging import page_out, page_request
from tandem.platform.auth.principal import Principal
from tandem.platform.db.uow import unit_of_work
from tandem.platform.errors import InvalidInput, NotFound

router = APIRouter(prefix="/api/v1/access", tags=["access"])
VIEW, EDIT = "access.view", "access.edit"
MAX_UPLOAD = 512 * 1024 * 1024
READS: dict[str, Any] = {
    "systems": SystemRead,
    "identities": IdentityRead,
    "accounts": AccountRead,
    "entitlements": EntitlementRead,
    "sod_rules": SodRuleRead,
    "findings": FindingRead,
}


def _list(request: Request, session: Any, principal: Principal, what: str) -> Any:
    page = service.list_page(session, principal, what, page_request(request, SPECS[what]))
    return page_out(page, READS[what].model_validate)


@router.get("/systems")
def list_systems(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List target systems (filters: org_unit_id, application_id)."""
    return _list(request, session, principal, "systems")


@router.post("/systems", status_code=201, response_model=SystemRead)
def create_system(body: SystemCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Add a system: its key (as the CSV files name it), application, dormancy days, MFA, change windows."""
    return service.create_system(session, principal, body)


@router.get("/systems/{system_id}", response_model=SystemRead)
def get_system(system_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a system."""
    return service.get(session, principal, "systems", system_id)


@router.patch("/systems/{system_id}", response_model=SystemRead)
def update_system(
    system_id: uuid.UUID, body: SystemUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change a system's settings."""
    return service.update_system(session, principal, system_id, body)


@router.delete("/systems/{system_id}", status_code=204)
def delete_system(system_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a system with its accounts, entitlements and grants."""
    service.delete_system(session, principal, system_id)
    return Response(status_code=204)


@router.get("/identities")
def list_identities(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List identities (filters: status, department)."""
    return _list(request, session, principal, "identities")


@router.get("/identities/{identity_id}", response_model=IdentityRead)
def get_identity(identity_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return an identity."""
    return service.get(session, principal, "identities", identity_id)


@router.get("/identities/{identity_id}/access")
def identity_access(identity_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return everything a person can reach: accounts, entitlements with their include paths, data stores."""
    result = effective.effective_for_identity(session, principal, identity_id)
    return {
        "identity": IdentityRead.model_validate(result["identity"]),
        "accounts": [AccountRead.model_validate(a) for a in result["accounts"]],
        "rows": result["rows"],
    }


@router.get("/accounts")
def list_accounts(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List accounts (filters: system_id, identity_id, status, correlation)."""
    return _list(request, session, principal, "accounts")


@router.get("/uncorrelated-accounts")
def uncorrelated(session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the queue: accounts no identity matched (service accounts excluded), for a person to resolve."""
    from tandem.access.models import Account

    stmt = AccessRepository(session, Account).visible(principal, identity_id=None, is_service_account=False)
    return [AccountRead.model_validate(a) for a in session.scalars(stmt.order_by(Account.username).limit(2000))]


@router.get("/accounts/{account_id}", response_model=AccountRead)
def get_account(account_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return an account."""
    return service.get(session, principal, "accounts", account_id)


@router.put("/accounts/{account_id}/correlation", response_model=AccountRead)
def correlate(
    account_id: uuid.UUID, body: CorrelateIn, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Link an account to an identity by hand (kept across imports), or null to send it back to the queue."""
    return service.correlate(session, principal, account_id, body)


@router.get("/entitlements")
def list_entitlements(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List entitlements (filters: system_id, type)."""
    return _list(request, session, principal, "entitlements")


@router.get("/entitlements/{entitlement_id}")
def get_entitlement(entitlement_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return an entitlement with the data stores it reaches."""
    ent = service.get(session, principal, "entitlements", entitlement_id)
    return {
        **EntitlementRead.model_validate(ent).model_dump(mode="json"),
        "data_stores": service.stores_of(session, ent.id),
    }


@router.post("/entitlements/{entitlement_id}/data-stores", status_code=201)
def link_store(
    entitlement_id: uuid.UUID, body: StoreLinkIn, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Record that an entitlement grants read, write, admin or export access to a data store."""
    link = service.link_store(session, principal, entitlement_id, body)
    return {"entitlement_id": link.entitlement_id, "data_store_id": link.data_store_id, "access": link.access}


@router.get("/sod-rules")
def list_rules(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List segregation-of-duties rules."""
    return _list(request, session, principal, "sod_rules")


@router.post("/sod-rules", status_code=201, response_model=SodRuleRead)
def create_rule(body: SodRuleCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Add a rule: two lists of "system:entitlement_id", each "any" or "all"; no identity may satisfy both."""
    return service.create_rule(session, principal, body)


@router.get("/sod-rules/{rule_id}", response_model=SodRuleRead)
def get_rule(rule_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a SoD rule."""
    return service.get(session, principal, "sod_rules", rule_id)


@router.patch("/sod-rules/{rule_id}", response_model=SodRuleRead)
def update_rule(
    rule_id: uuid.UUID, body: SodRuleUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change a SoD rule."""
    return service.update_rule(session, principal, rule_id, body)


@router.delete("/sod-rules/{rule_id}", status_code=204)
def delete_rule(rule_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a SoD rule."""
    service.delete_rule(session, principal, rule_id)
    return Response(status_code=204)


@router.get("/findings")
def list_findings(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List findings and activity signals (filters: kind, status, severity, identity_id, account_id, system_id)."""
    return _list(request, session, principal, "findings")


@router.get("/findings/{finding_id}", response_model=FindingRead)
def get_finding(finding_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a finding with its evidence."""
    return service.get(session, principal, "findings", finding_id)


@router.patch("/findings/{finding_id}", response_model=FindingRead)
def update_finding(
    finding_id: uuid.UUID, body: FindingUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Move a finding through its lifecycle (escalated = handed to incident response)."""
    return service.update_finding(session, principal, finding_id, body)


@router.get("/who-can")
def who_can(
    session: DbSession, target: str = Query(..., min_length=1, max_length=300), principal: Principal = requires(VIEW)
) -> Any:
    """Return who can reach a data store (id or name) or data category (e.g. PHI, SSN, health), and how."""
    return effective.who_can(session, principal, target)


@router.post("/imports", status_code=201)
async def import_file(
    request: Request,
    kind: str = Query(..., description=", ".join(KINDS)),
    file_name: str = Query("upload.csv", max_length=200),
    unit_id: uuid.UUID | None = Query(None),
    partial: bool = Query(False, description="identities: the file lists only some people (terminate no one)"),
    principal: Principal = requires("access.import"),
) -> Any:
    """Import the request body (CSV; activity also JSON lines); all rows or none, errors located by line. An
    identities file is HR's full export: active people it no longer lists are terminated unless `partial`."""
    data = await request.body()
    if len(data) > MAX_UPLOAD:
        raise InvalidInput.one("body", f"larger than {MAX_UPLOAD} bytes")
    if kind not in KINDS:
        raise InvalidInput.one("query.kind", f"must be one of {', '.join(KINDS)}")
    return await run_in_threadpool(_import, request, principal, kind, data, file_name, unit_id, partial)


def _import(
    request: Request, principal: Principal, kind: str, data: bytes, name: str, unit: uuid.UUID | None, partial: bool
) -> Any:
    with unit_of_work(get_db(request), actor=actor_of(principal, request), request_id=request.state.request_id) as s:
        run = imports.import_file(s, principal, kind, data, name, unit, partial=partial)
        return ImportRead.model_validate(run).model_dump(mode="json")


@router.get("/imports")
def list_imports(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List imports with what each changed (counts)."""
    page = AccessRepository(session, ImportRun).list_page(principal, page_request(request, SPECS["imports"]))
    return page_out(page, ImportRead.model_validate)


@router.get("/imports/{import_id}/changes")
def import_changes(import_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return what an import changed: grants added and removed, accounts and identities added or changed."""
    rows = service.import_changes(session, principal, import_id)
    return [{"kind": c.kind, "subject": c.subject, "detail": c.detail} for c in rows]


class AnalysisRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    status: str
    job_id: uuid.UUID | None
    counts: dict[str, Any]
    seconds: float | None
    finished_at: Any = None


@router.post("/analyses", status_code=202, response_model=AnalysisRead)
def start_analysis(session: DbSession, principal: Principal = requires("access.analyze")) -> Any:
    """Queue the access analysis (and the activity rules); follow its job."""
    return analyze.start(session, principal)


@router.get("/analyses/{run_id}", response_model=AnalysisRead)
def get_analysis(run_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return an analysis run with its counts."""
    run = AccessRepository(session, AnalysisRun).get(principal, run_id)
    if run is None:
        raise NotFound("analysis run not found")
    return run


class ScimSyncIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=8, max_length=2000)
    system: str = Field(min_length=1, max_length=100, pattern=r"^[\w.\-]+$")
    unit_id: uuid.UUID | None = None


@router.post("/scim-syncs")
def scim(body: ScimSyncIn, session: DbSession, principal: Principal = requires("access.import")) -> Any:
    """Read Users and Groups from a SCIM 2.0 endpoint into a system (read-only, through the URL guard)."""
    return scim_sync.sync(session, principal, body.url, body.system, body.unit_id)
