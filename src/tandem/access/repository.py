"""SQL of the access domain: scoped lists, lookups by natural key, bulk grant changes, reach queries."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, String, delete, func, insert, select, tuple_, type_coerce
from sqlalchemy.orm import Session

from tandem.access.models import (
    Account,
    Assignment,
    Change,
    Entitlement,
    EntitlementStore,
    Finding,
    Identity,
    System,
)
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import ListSpec, Page, PageRequest
from tandem.platform.db.repository import Repository

VIEW = "access.view"
FINDINGS: Any = Finding.__table__
SPECS = {
    "systems": ListSpec(("created_at", "key", "name"), "key", ("org_unit_id", "application_id"), ("key", "name")),
    "identities": ListSpec(
        ("created_at", "employee_id", "display_name", "department", "status"),
        "display_name",
        ("org_unit_id", "status", "department"),
        ("employee_id", "display_name", "email"),
    ),
    "accounts": ListSpec(
        ("created_at", "external_id", "username", "last_login_at", "status"),
        "username",
        ("org_unit_id", "system_id", "identity_id", "status", "correlation"),
        ("external_id", "username", "email", "employee_id"),
    ),
    "entitlements": ListSpec(
        ("created_at", "external_id", "name"),
        "name",
        ("org_unit_id", "system_id", "type"),
        ("external_id", "name", "description"),
    ),
    "sod_rules": ListSpec(("created_at", "name"), "name", ("org_unit_id", "severity"), ("name", "description")),
    "findings": ListSpec(
        ("created_at", "last_seen_at", "severity", "kind"),
        "-last_seen_at",
        ("org_unit_id", "kind", "status", "severity", "identity_id", "account_id", "system_id"),
        ("title",),
    ),
    "imports": ListSpec(("created_at",), "-created_at", ("org_unit_id", "kind"), ("source",)),
    "campaigns": ListSpec(("created_at", "name", "due_date"), "-created_at", ("org_unit_id", "status"), ("name",)),
}
BOOL_FILTERS: set[str] = set()


@dataclasses.dataclass(frozen=True)
class Holder:
    """The account columns who-can shows."""

    id: str
    username: str
    external_id: str
    status: str


@dataclasses.dataclass(frozen=True)
class Person:
    """The identity columns who-can shows."""

    id: str
    display_name: str
    status: str


class AccessRepository(Repository[Any]):
    """Queries for one org-scoped access model."""

    view_action = VIEW

    def __init__(self, session: Session, model: Any) -> None:
        super().__init__(session)
        self.model = model

    def list_page(self, principal: Principal, req: PageRequest) -> Page[Any]:
        """Return one page of visible rows (id filters coerced)."""
        stmt = self.base_query(principal)
        for name, value in req.filters.items():
            if name.endswith("_id") and value:
                stmt = stmt.where(getattr(self.model, name) == uuid.UUID(value))
            elif value:
                stmt = stmt.where(getattr(self.model, name) == value)
        return self.page(stmt, dataclasses.replace(req, filters={}))

    def visible(self, principal: Principal | None, **where: Any) -> Select[Any]:
        """Return the visible rows matching exact filters."""
        stmt = self.base_query(principal)
        for name, value in where.items():
            stmt = stmt.where(getattr(self.model, name) == value)
        return stmt


def systems_by_key(session: Session, unit_id: uuid.UUID) -> dict[str, System]:
    """Return the systems of a unit by lower-cased key."""
    return {s.key.lower(): s for s in session.scalars(select(System).where(System.org_unit_id == unit_id))}


def identities_by_employee(session: Session) -> dict[str, Identity]:
    """Return every identity by lower-cased employee id (the whole organisation correlates as one)."""
    return {i.employee_id.lower(): i for i in session.scalars(select(Identity))}


def identities_in_unit(session: Session, unit_id: uuid.UUID) -> list[Identity]:
    """Return the identities an HR import of this unit maintains."""
    return list(session.scalars(select(Identity).where(Identity.org_unit_id == unit_id)))


def identity_with_email(session: Session, email: str) -> Identity | None:
    """Return the active identity with this e-mail (case-insensitive), if exactly one has it."""
    if not email:
        return None
    rows = list(session.scalars(select(Identity).where(func.lower(Identity.email) == email.lower()).limit(2)))
    active = [i for i in rows if i.status != "terminated"]
    return active[0] if len(active) == 1 else None


def accounts_of(session: Session, system_ids: Iterable[uuid.UUID]) -> list[Account]:
    """Return the accounts of the systems."""
    return list(session.scalars(select(Account).where(Account.system_id.in_(list(system_ids)))))


def entitlements_of(session: Session, system_ids: Iterable[uuid.UUID]) -> list[Entitlement]:
    """Return the entitlements of the systems."""
    return list(session.scalars(select(Entitlement).where(Entitlement.system_id.in_(list(system_ids)))))


def grants_of(session: Session, system_ids: Iterable[uuid.UUID]) -> dict[tuple[uuid.UUID, uuid.UUID], uuid.UUID]:
    """Return {(account id, entitlement id): assignment id} for the systems' accounts."""
    stmt = (
        select(Assignment.account_id, Assignment.entitlement_id, Assignment.id)
        .join(Account, Account.id == Assignment.account_id)
        .where(Account.system_id.in_(list(system_ids)))
    )
    return {(a, e): i for a, e, i in session.execute(stmt)}


def add_grants(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert assignments in bulk."""
    for start in range(0, len(rows), 5000):
        session.execute(insert(Assignment), list(rows[start : start + 5000]))


def remove_grants(session: Session, ids: Sequence[uuid.UUID]) -> None:
    """Delete assignments by id in bulk."""
    for start in range(0, len(ids), 5000):
        session.execute(delete(Assignment).where(Assignment.id.in_(list(ids[start : start + 5000]))))


def add_changes(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert change records in bulk."""
    for start in range(0, len(rows), 5000):
        session.execute(insert(Change), list(rows[start : start + 5000]))


def grant_exists(session: Session, pairs: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """Return which (account, entitlement) pairs are still granted."""
    if not pairs:
        return set()
    stmt = select(Assignment.account_id, Assignment.entitlement_id).where(
        tuple_(Assignment.account_id, Assignment.entitlement_id).in_(list(pairs))
    )
    return {(a, e) for a, e in session.execute(stmt)}


def store_links(session: Session, store_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
    """Return {entitlement id: [(store id, access)]} for the stores."""
    out: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
    stmt = select(EntitlementStore.entitlement_id, EntitlementStore.data_store_id, EntitlementStore.access).where(
        EntitlementStore.data_store_id.in_(list(store_ids))
    )
    for ent, store, access in session.execute(stmt):
        out.setdefault(ent, []).append((store, access))
    return out


def including(session: Session, system_ids: Iterable[uuid.UUID], parents: set[str]) -> list[Entitlement]:
    """Return the entitlements of the systems whose includes name one of the parent external ids."""
    rows = entitlements_of(session, system_ids)
    return [e for e in rows if parents & set(e.includes or [])]


def _hex(raw: Any) -> str:
    """Return a raw id (hex text on SQLite, UUID on PostgreSQL) as 32 hex digits."""
    return raw.hex if isinstance(raw, uuid.UUID) else str(raw).replace("-", "")


def canonical(raw: Any) -> str | None:
    """Return a raw id in the usual 8-4-4-4-12 form without building a UUID object."""
    if raw is None:
        return None
    h = _hex(raw)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def holders(
    session: Session, entitlement_ids: Sequence[uuid.UUID], unit_ids: list[uuid.UUID] | None, limit: int
) -> list[tuple[str, Holder, Person | None]]:
    """Return (entitlement id as hex, account, identity or None) for accounts holding the entitlements.

    Plain columns and raw ids, not ORM objects or UUIDs: a popular data store has thousands of holders.
    """
    raw = [
        type_coerce(c, String()).label(n)
        for c, n in ((Assignment.entitlement_id, "ent"), (Account.id, "acc"), (Identity.id, "ident"))
    ]
    stmt = (
        select(
            raw[0],
            raw[1],
            Account.username,
            Account.external_id,
            Account.status,
            raw[2],
            Identity.display_name,
            Identity.status.label("identity_status"),
        )
        .join(Account, Account.id == Assignment.account_id)
        .outerjoin(Identity, Identity.id == Account.identity_id)
        .where(Assignment.entitlement_id.in_(list(entitlement_ids)))
    )
    if unit_ids is not None:
        stmt = stmt.where(Account.org_unit_id.in_(unit_ids))
    out: list[tuple[str, Holder, Person | None]] = []
    for ent, aid, user, ext, status, iid, name, istatus in session.execute(stmt.limit(limit)):
        ident = Person(canonical(iid) or "", name, istatus) if iid is not None else None
        out.append((_hex(ent), Holder(canonical(aid) or "", user, ext, status), ident))
    return out


def count_holders(session: Session, entitlement_ids: Sequence[uuid.UUID]) -> int:
    """Count the grants of the entitlements."""
    stmt = select(func.count()).select_from(Assignment).where(Assignment.entitlement_id.in_(list(entitlement_ids)))
    return int(session.scalar(stmt) or 0)


def open_findings(session: Session, unit_id: uuid.UUID, kinds: Sequence[str]) -> dict[str, Finding]:
    """Return the unit's findings of the kinds by key (any status)."""
    stmt = select(Finding).where(Finding.org_unit_id == unit_id, Finding.kind.in_(list(kinds)))
    return {f.key: f for f in session.scalars(stmt)}


def by_ids(session: Session, model: Any, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """Return rows of a model by id (unscoped; callers check visibility of the parent)."""
    wanted = list({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {r.id: r for r in session.scalars(select(model).where(model.id.in_(wanted)))}


def people_by_email(session: Session) -> dict[str, uuid.UUID]:
    """Return inventory people ids by lower-cased e-mail (identities link to them)."""
    from tandem.inventory.models import Person

    return {e.lower(): i for e, i in session.execute(select(Person.email, Person.id)) if e}


def grant_rows(session: Session, system_ids: Iterable[uuid.UUID]) -> list[tuple[Any, ...]]:
    """Return (assignment id, account id, entitlement id, last_used_at) for the systems' accounts."""
    stmt = (
        select(Assignment.id, Assignment.account_id, Assignment.entitlement_id, Assignment.last_used_at)
        .join(Account, Account.id == Assignment.account_id)
        .where(Account.system_id.in_(list(system_ids)))
    )
    return [tuple(r) for r in session.execute(stmt)]


def touch_grants(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Update last_used_at of assignments by id in bulk."""
    from sqlalchemy import update

    for start in range(0, len(rows), 5000):
        session.execute(update(Assignment), list(rows[start : start + 5000]))


def stores(session: Session, unit_ids: list[uuid.UUID] | None) -> list[tuple[uuid.UUID, str, list[str], Any]]:
    """Return (id, name, data categories, owner id) of the inventory's data stores in the units."""
    from tandem.inventory.models import DataStore

    stmt = select(DataStore.id, DataStore.name, DataStore.data_categories, DataStore.owner_id)
    if unit_ids is not None:
        stmt = stmt.where(DataStore.org_unit_id.in_(unit_ids))
    return [(i, n, list(c or []), o) for i, n, c, o in session.execute(stmt.order_by(DataStore.name))]


def scan_types(session: Session) -> dict[uuid.UUID, dict[str, int]]:
    """Return the entity types the latest succeeded discovery scan of each data store found."""
    from tandem.data.models import DataScan

    stmt = (
        select(DataScan.data_store_id, DataScan.type_counts)
        .where(DataScan.status == "succeeded")
        .order_by(DataScan.finished_at.asc(), DataScan.created_at.asc())
    )
    return {store: dict(types or {}) for store, types in session.execute(stmt)}  # later rows win


def accounts_of_identity(session: Session, identity_id: uuid.UUID) -> list[Account]:
    """Return the accounts correlated to an identity."""
    return list(session.scalars(select(Account).where(Account.identity_id == identity_id)))


def grants_of_accounts(session: Session, account_ids: Sequence[uuid.UUID]) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Return (account id, entitlement id) grants of the accounts."""
    if not account_ids:
        return []
    stmt = select(Assignment.account_id, Assignment.entitlement_id).where(Assignment.account_id.in_(list(account_ids)))
    return [(a, e) for a, e in session.execute(stmt)]


def links_of(session: Session, entitlement_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
    """Return {entitlement id: [(store id, access)]} for the entitlements."""
    out: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
    if not entitlement_ids:
        return out
    stmt = select(EntitlementStore.entitlement_id, EntitlementStore.data_store_id, EntitlementStore.access).where(
        EntitlementStore.entitlement_id.in_(list(entitlement_ids))
    )
    for ent, store, access in session.execute(stmt):
        out.setdefault(ent, []).append((store, access))
    return out


ANALYSIS_SQL = {
    "identities": "SELECT id, status, department, manager_employee_id, employee_id, display_name, org_unit_id "
    "FROM access_identities",
    "systems": "SELECT id, dormant_days, mfa_enforced, key, name FROM access_systems",
    "accounts": "SELECT id, identity_id, system_id, status, last_login_at, opened_at, is_privileged, "
    "is_service_account, owner_employee_id, org_unit_id, username, external_id FROM access_accounts",
    "entitlements": "SELECT id, system_id, external_id, privileged, includes, name, org_unit_id "
    "FROM access_entitlements",
    "rules": 'SELECT id, name, "left", left_mode, "right", right_mode, severity FROM access_sod_rules WHERE enabled',
    "assignments": "SELECT account_id, entitlement_id FROM access_assignments",
}


def analysis_rows(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Return the columns the analysis reads for the whole organisation, as raw driver values.

    Raw on purpose: converting millions of ids to uuid.UUID costs more than the analysis itself; ids stay in the
    driver's form (hex text on SQLite, UUID on PostgreSQL), times as text or datetime, JSON as text or lists.
    """
    conn = session.connection()
    return {name: [tuple(r) for r in conn.exec_driver_sql(sql)] for name, sql in ANALYSIS_SQL.items()}


def findings_of_kinds(session: Session, kinds: Sequence[str]) -> dict[tuple[str, str], tuple[Any, ...]]:
    """Return {(unit as text, key): (raw id, status, severity, title)} of the findings of the kinds (raw: fast)."""
    from sqlalchemy import bindparam, text

    stmt = text("SELECT org_unit_id, key, id, status, severity, title FROM access_findings WHERE kind IN :kinds")
    rows = session.connection().execute(stmt.bindparams(bindparam("kinds", expanding=True)), {"kinds": list(kinds)})
    units: dict[Any, str] = {}
    out = {}
    for unit, key, fid, status, severity, title in rows:
        name = units.setdefault(unit, str(uuid.UUID(str(unit))))
        out[(name, key)] = (fid, status, severity, title)
    return out


def insert_findings(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert findings in bulk (the analysis run is the record of their creation)."""
    for start in range(0, len(rows), 5000):
        session.execute(insert(FINDINGS), list(rows[start : start + 5000]))


def mark_findings(session: Session, raw_ids: Sequence[Any], values: dict[str, Any]) -> None:
    """Set the same values on findings given by raw driver ids (last seen, resolved), in bulk."""
    from sqlalchemy import update

    table = FINDINGS
    ids = [i if isinstance(i, uuid.UUID) else uuid.UUID(str(i)) for i in raw_ids]
    for start in range(0, len(ids), 5000):
        session.connection().execute(update(table).where(table.c.id.in_(ids[start : start + 5000])).values(**values))


def update_findings(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Update findings by id in bulk."""
    from sqlalchemy import update

    for start in range(0, len(rows), 2000):
        session.execute(update(Finding), list(rows[start : start + 2000]))


def scoped_grants(
    session: Session, system_ids: Sequence[uuid.UUID], entitlement_ids: Sequence[uuid.UUID] | None
) -> list[tuple[Any, ...]]:
    """Return (account, entitlement, last_used_at) of enabled accounts, limited to systems and entitlements."""
    stmt = (
        select(Account, Entitlement, Assignment.last_used_at)
        .join(Assignment, Assignment.account_id == Account.id)
        .join(Entitlement, Entitlement.id == Assignment.entitlement_id)
        .where(Account.status == "enabled")
    )
    if system_ids:
        stmt = stmt.where(Account.system_id.in_(list(system_ids)))
    if entitlement_ids is not None:
        stmt = stmt.where(Assignment.entitlement_id.in_(list(entitlement_ids)))
    return [tuple(r) for r in session.execute(stmt)]


def open_findings_for(session: Session) -> list[Finding]:
    """Return every open or acknowledged finding (review items show them as reasons)."""
    return list(session.scalars(select(Finding).where(Finding.status.in_(("open", "acknowledged", "confirmed")))))


def add_events(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert activity events in bulk."""
    from tandem.access.models import ActivityEvent

    for start in range(0, len(rows), 5000):
        session.execute(insert(ActivityEvent), list(rows[start : start + 5000]))


def recent_events(session: Session, days: int) -> list[Any]:
    """Return the events of the last `days` days before the newest event, oldest first."""
    import datetime as dt

    from tandem.access.models import ActivityEvent

    newest = session.scalar(select(func.max(ActivityEvent.at)))
    if newest is None:
        return []
    stmt = select(ActivityEvent).where(ActivityEvent.at >= newest - dt.timedelta(days=days))
    return list(session.scalars(stmt.order_by(ActivityEvent.at, ActivityEvent.id)))


def people(session: Session) -> list[Any]:
    """Return the inventory's people, oldest first (the demo derives identities from them)."""
    from tandem.inventory.models import Person

    return list(session.scalars(select(Person).order_by(Person.created_at, Person.id)))


def count(stmt: Select[Any], session: Session) -> int:
    """Return how many rows a query yields."""
    return int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


def changes_of(session: Session, import_id: uuid.UUID, limit: int) -> list[Change]:
    """Return what an import run changed, grouped by kind."""
    stmt = select(Change).where(Change.import_id == import_id).order_by(Change.kind).limit(limit)
    return list(session.scalars(stmt))
