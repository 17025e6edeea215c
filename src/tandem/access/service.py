"""Access records: systems, identities, accounts and the correlation queue, entitlements and the data stores
they reach, SoD rules, findings. Other domains read access through this module."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import Session

from tandem.access import actions, imports
from tandem.access import repository as repo
from tandem.access.effective import effective_for_identity, who_can
from tandem.access.models import (
    Account,
    Entitlement,
    EntitlementStore,
    Finding,
    Identity,
    ImportRun,
    SodRule,
    System,
)  # fmt: skip
from tandem.access.schemas import (
    CorrelateIn,
    FindingUpdate,
    SodRuleCreate,
    SodRuleUpdate,
    StoreLinkIn,
    SystemCreate,
    SystemUpdate,
)
from tandem.access.units import check, require_in_unit
from tandem.inventory import service as inventory
from tandem.platform.audit.writer import record_event
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, InvalidInput, NotFound

__all__ = ["effective_for_identity", "findings_for", "get", "list_page", "who_can"]
MODELS = {
    "systems": System,
    "identities": Identity,
    "accounts": Account,
    "entitlements": Entitlement,
    "sod_rules": SodRule,
    "findings": Finding,
}
FINDING_DONE = ("resolved", "false_positive")


def list_page(session: Session, principal: Principal, what: str, req: PageRequest) -> Page[Any]:
    """List visible rows of one access resource with its filters and search."""
    require(session, principal, actions.VIEW.name)
    try:
        return repo.AccessRepository(session, MODELS[what]).list_page(principal, req)
    except ValueError:
        raise InvalidInput.one("query", "a filter value has the wrong type") from None


def get(session: Session, principal: Principal | None, what: str, obj_id: uuid.UUID) -> Any:
    """Return a visible row of one access resource."""
    obj = repo.AccessRepository(session, MODELS[what]).get(principal, obj_id)
    if obj is None:
        raise NotFound(f"access {what.rstrip('s').replace('_', ' ')} not found")
    return obj


def _application_errors(session: Session, principal: Principal | None, app_id: uuid.UUID | None) -> None:
    if app_id is None:
        return
    try:
        inventory.get_record(session, principal, inventory.kind_of("application"), app_id)
    except NotFound:
        raise InvalidInput.one("body.application_id", "no such application in the inventory") from None


def create_system(session: Session, principal: Principal | None, data: SystemCreate) -> System:
    """Add a target system (its key is what the CSV files name)."""
    require_in_unit(session, principal, data.org_unit_id, actions.EDIT.name)
    _application_errors(session, principal, data.application_id)
    if data.key.lower() in repo.systems_by_key(session, data.org_unit_id):
        raise Conflict(f"a system with key {data.key!r} exists in this unit")
    values = data.model_dump()
    return repo.AccessRepository(session, System).add(System(**values))


def update_system(session: Session, principal: Principal | None, system_id: uuid.UUID, data: SystemUpdate) -> System:
    """Change a system's name, application, dormancy threshold, MFA flag or change windows."""
    system = get(session, principal, "systems", system_id)
    check(session, principal, actions.EDIT.name, system)
    patch = data.model_dump(exclude_unset=True)
    _application_errors(session, principal, patch.get("application_id"))
    for key, value in patch.items():
        if value is not None or key == "application_id":
            setattr(system, key, value)
    session.flush()
    return system


def delete_system(session: Session, principal: Principal | None, system_id: uuid.UUID) -> None:
    """Delete a system with its accounts, entitlements and grants."""
    system = get(session, principal, "systems", system_id)
    check(session, principal, actions.EDIT.name, system)
    repo.AccessRepository(session, System).delete(system)


def correlate(session: Session, principal: Principal | None, account_id: uuid.UUID, data: CorrelateIn) -> Account:
    """Resolve an account from the queue by hand (sticks across imports), or send it back."""
    account = get(session, principal, "accounts", account_id)
    check(session, principal, actions.EDIT.name, account)
    if data.identity_id is None:
        account.identity_id, account.correlation = None, ""
        imports.recorrelate(session, [account])
    else:
        get(session, principal, "identities", data.identity_id)
        account.identity_id, account.correlation = data.identity_id, "manual"
    session.flush()
    record_event(session, "correlate", "access_accounts", str(account.id),
                 {"identity_id": [None, str(account.identity_id) if account.identity_id else None],
                  "correlation": [None, account.correlation]})  # fmt: skip
    return account


def link_store(
    session: Session, principal: Principal | None, entitlement_id: uuid.UUID, data: StoreLinkIn
) -> EntitlementStore:
    """Record that an entitlement grants read, write, admin or export access to a data store."""
    ent = get(session, principal, "entitlements", entitlement_id)
    check(session, principal, actions.EDIT.name, ent)
    try:
        inventory.get_record(session, principal, inventory.kind_of("data_store"), data.data_store_id)
    except NotFound:
        raise InvalidInput.one("body.data_store_id", "no such data store in the inventory") from None
    links = repo.store_links(session, [data.data_store_id])
    if any(store == data.data_store_id for store, _ in links.get(ent.id, [])):
        raise Conflict("this entitlement is already linked to the data store")
    link = EntitlementStore(
        entitlement_id=ent.id, data_store_id=data.data_store_id, access=data.access, org_unit_id=ent.org_unit_id
    )
    return repo.AccessRepository(session, EntitlementStore).add(link)


def stores_of(session: Session, entitlement_id: uuid.UUID) -> list[dict[str, Any]]:
    """Return the data stores an entitlement is linked to with the access level."""
    from sqlalchemy import select

    rows = session.scalars(select(EntitlementStore).where(EntitlementStore.entitlement_id == entitlement_id))
    return [{"data_store_id": r.data_store_id, "access": r.access} for r in rows]


def create_rule(session: Session, principal: Principal | None, data: SodRuleCreate) -> SodRule:
    """Add a segregation-of-duties rule."""
    require_in_unit(session, principal, data.org_unit_id, actions.EDIT.name)
    return repo.AccessRepository(session, SodRule).add(SodRule(**data.model_dump()))


def update_rule(session: Session, principal: Principal | None, rule_id: uuid.UUID, data: SodRuleUpdate) -> SodRule:
    """Change a SoD rule."""
    rule = get(session, principal, "sod_rules", rule_id)
    check(session, principal, actions.EDIT.name, rule)
    for key, value in data.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(rule, key, value)
    session.flush()
    return rule


def delete_rule(session: Session, principal: Principal | None, rule_id: uuid.UUID) -> None:
    """Delete a SoD rule (its open findings resolve at the next analysis)."""
    rule = get(session, principal, "sod_rules", rule_id)
    check(session, principal, actions.EDIT.name, rule)
    repo.AccessRepository(session, SodRule).delete(rule)


def update_finding(
    session: Session, principal: Principal | None, finding_id: uuid.UUID, data: FindingUpdate
) -> Finding:
    """Move a finding through its lifecycle (acknowledge, confirm, escalate, resolve, false positive)."""
    finding = get(session, principal, "findings", finding_id)
    check(session, principal, actions.EDIT.name, finding)
    finding.status = data.status
    finding.note = data.note
    finding.resolved_at = utcnow() if data.status in FINDING_DONE else None
    session.flush()
    return finding


def findings_for(session: Session, principal: Principal, **where: Any) -> list[Finding]:
    """Return visible findings matching exact filters (for other domains, e.g. incidents reading escalations)."""
    require(session, principal, actions.VIEW.name)
    stmt = repo.AccessRepository(session, Finding).visible(principal, **where).order_by(Finding.last_seen_at.desc())
    return list(session.scalars(stmt.limit(1000)))


def labels(session: Session, rows: list[Any]) -> dict[uuid.UUID, str]:
    """Return display labels of the identities, accounts, systems and entitlements findings point at."""
    out: dict[uuid.UUID, str] = {}
    for model, attr, label in (
        (Identity, "identity_id", lambda i: i.display_name or i.employee_id),
        (Account, "account_id", lambda a: a.username or a.external_id),
        (System, "system_id", lambda s: s.name),
        (Entitlement, "entitlement_id", lambda e: e.name),
    ):
        for obj_id, obj in repo.by_ids(
            session, model, (i for r in rows if (i := getattr(r, attr, None)) is not None)
        ).items():
            out[obj_id] = label(obj)
    return out


def count_visible(session: Session, principal: Principal, model: Any, **where: Any) -> int:
    """Return how many rows of a model principal may see match exact filters."""
    return repo.count(repo.AccessRepository(session, model).visible(principal, **where), session)


def system_names(session: Session, principal: Principal | None) -> dict[uuid.UUID, str]:
    """Return the names of the systems principal may see, by id."""
    return {s.id: s.name for s in session.scalars(repo.AccessRepository(session, System).visible(principal))}


def identities_by_id(session: Session, principal: Principal | None, ids: list[uuid.UUID]) -> dict[uuid.UUID, Identity]:
    """Return the visible identities among ids."""
    stmt = repo.AccessRepository(session, Identity).visible(principal).where(Identity.id.in_(ids))
    return {i.id: i for i in session.scalars(stmt)}


def identity_by_employee_id(session: Session, principal: Principal | None, employee_id: str) -> Identity | None:
    """Return the visible identity with this employee id (case-insensitive), if any."""
    wanted = employee_id.strip().lower()
    if not wanted:
        return None
    stmt = repo.AccessRepository(session, Identity).visible(principal)
    return session.scalars(stmt.where(func.lower(Identity.employee_id) == wanted)).first()


def uncorrelated_accounts(session: Session, principal: Principal, limit: int = 500) -> list[Account]:
    """Return the visible accounts waiting for a person (no identity, not a service account)."""
    stmt = repo.AccessRepository(session, Account).visible(principal, identity_id=None, is_service_account=False)
    return list(session.scalars(stmt.order_by(Account.username).limit(limit)))


def finding_kinds(session: Session, principal: Principal) -> list[str]:
    """Return the finding kinds present among the findings principal may see."""
    stmt = repo.AccessRepository(session, Finding).visible(principal).with_only_columns(Finding.kind).distinct()
    return list(session.scalars(stmt))


def import_changes(session: Session, principal: Principal, import_id: uuid.UUID, limit: int = 10_000) -> list[Any]:
    """Return what an import the principal may see changed."""
    run = repo.AccessRepository(session, ImportRun).get(principal, import_id)
    if run is None:
        raise NotFound("import not found")
    return repo.changes_of(session, run.id, limit)


# Forward reach (accounts → entitlements → data stores) for incidents and vendors.
from tandem.access.reach import (  # noqa: E402
    account_label,
    accounts_in_domains,
    accounts_of_identities,
    find_accounts,
    last_account_import,
    reach_of_accounts,
)

__all__ += [
    "account_label",
    "accounts_in_domains",
    "accounts_of_identities",
    "find_accounts",
    "last_account_import",
    "reach_of_accounts",
]

# The event an import publishes when it lands (vendors verify offboarding on it).
IMPORTED = imports.IMPORTED
__all__ += ["IMPORTED"]
