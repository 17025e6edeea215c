"""SQL of the access domain: scoped lists, lookups by natural key, bulk grant changes, reach queries."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, String, delete, func, insert, or_, select, tuple_, type_coerce
from sqlalchemy.orm import Session

from tandem.access.models import (
    Account,
    Assignment,
    Change,
    Entitlement,
    EntitlementStore,
    Finding,
    Identity,
    ImportRun,
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
) -> tuple[list[tuple[str, Holder, Person | None]], int]:
    """Return up to `limit` (entitlement id as hex, account, identity or None) for visible accounts holding the
    entitlements, and how many such grants there are in all.

    Two indexed steps instead of one join: with the unit filter in the join, SQLite (no statistics) drives from
    the accounts' unit index and visits every account of the unit; here the grants come from the covering
    (entitlement, account) index and the accounts by primary key. Plain columns and raw ids, not ORM objects or
    UUIDs: a popular data store has thousands of holders.
    """
    raw_ent = type_coerce(Assignment.entitlement_id, String()).label("ent")
    raw_acc = type_coerce(Assignment.account_id, String()).label("acc")
    grants: list[tuple[Any, Any]] = []
    ents = list(entitlement_ids)
    for start in range(0, len(ents), 1000):
        stmt = select(raw_ent, raw_acc).where(Assignment.entitlement_id.in_(ents[start : start + 1000]))
        grants.extend((e, a) for e, a in session.execute(stmt))
    by_account: dict[str, list[str]] = {}
    for ent, acc in grants:
        by_account.setdefault(_hex(acc), []).append(_hex(ent))
    units = {u.hex for u in unit_ids} if unit_ids is not None else None
    out: list[tuple[str, Holder, Person | None]] = []
    total = len(grants) if units is None else 0
    accounts = list(by_account)
    # Chunks of 500: with longer id lists PostgreSQL's planner prefers a sequential scan of every account.
    for start in range(0, len(accounts), 500):
        chunk = [uuid.UUID(h) for h in accounts[start : start + 500]]
        if len(out) >= limit:
            if units is None:
                break
            total += sum(len(by_account[_hex(a)]) for a, u in _account_units(session, chunk) if _hex(u) in units)
            continue
        for row in _holder_rows(session, chunk):
            aid, unit = _hex(row[0]), _hex(row[4])
            if units is not None and unit not in units:
                continue
            total += len(by_account[aid]) if units is not None else 0
            ident = Person(canonical(row[5]) or "", row[6], row[7]) if row[5] is not None else None
            holder = Holder(canonical(aid) or "", row[1], row[2], row[3])
            out.extend((ent, holder, ident) for ent in by_account[aid])
    return out[:limit], total


def _holder_rows(session: Session, account_ids: list[uuid.UUID]) -> list[tuple[Any, ...]]:
    raw = [
        type_coerce(c, String()).label(n)
        for c, n in ((Account.id, "acc"), (Account.org_unit_id, "unit"), (Identity.id, "ident"))
    ]
    stmt = (
        select(raw[0], Account.username, Account.external_id, Account.status, raw[1], raw[2],
               Identity.display_name, Identity.status.label("identity_status"))
        .outerjoin(Identity, Identity.id == Account.identity_id)
        .where(Account.id.in_(account_ids))
    )  # fmt: skip
    return [tuple(r) for r in session.execute(stmt)]


def _account_units(session: Session, account_ids: list[uuid.UUID]) -> list[tuple[Any, Any]]:
    raw = [type_coerce(c, String()).label(n) for c, n in ((Account.id, "acc"), (Account.org_unit_id, "unit"))]
    return [(r[0], r[1]) for r in session.execute(select(*raw).where(Account.id.in_(account_ids)))]


def open_findings(session: Session, unit_id: uuid.UUID, kinds: Sequence[str]) -> dict[str, Finding]:
    """Return the unit's findings of the kinds by key (any status)."""
    stmt = select(Finding).where(Finding.org_unit_id == unit_id, Finding.kind.in_(list(kinds)))
    return {f.key: f for f in session.scalars(stmt)}


def by_ids(session: Session, model: Any, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, Any]:
    """Return rows of a model by id (unscoped; callers check visibility of the parent)."""
    wanted = list({i for i in ids if i is not None})
    out: dict[uuid.UUID, Any] = {}
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        out.update((r.id, r) for r in session.scalars(select(model).where(model.id.in_(chunk))))
    return out


def dormant_accounts(session: Session, account_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Return which of the accounts have an open (or acknowledged, confirmed) dormant finding."""
    wanted = set(account_ids)
    if not wanted:
        return set()
    stmt = select(Finding.account_id).where(
        Finding.kind == "dormant", Finding.status.in_(("open", "acknowledged", "confirmed"))
    )
    return {a for (a,) in session.execute(stmt) if a in wanted}


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


# Ids are read as text on every backend: PostgreSQL's driver would build a uuid.UUID per id (millions of them).
ANALYSIS_SQL = {
    "identities": "SELECT CAST(id AS TEXT), status, department, manager_employee_id, employee_id, display_name, "
    "CAST(org_unit_id AS TEXT) FROM access_identities",
    "systems": "SELECT CAST(id AS TEXT), dormant_days, mfa_enforced, key, name FROM access_systems",
    "accounts": "SELECT CAST(id AS TEXT), CAST(identity_id AS TEXT), CAST(system_id AS TEXT), status, last_login_at, "
    "opened_at, is_privileged, is_service_account, owner_employee_id, CAST(org_unit_id AS TEXT), username, "
    "external_id FROM access_accounts",
    "entitlements": "SELECT CAST(id AS TEXT), CAST(system_id AS TEXT), external_id, privileged, includes, name, "
    "CAST(org_unit_id AS TEXT) FROM access_entitlements",
    "rules": 'SELECT CAST(id AS TEXT), name, "left", left_mode, "right", right_mode, severity FROM access_sod_rules '
    "WHERE enabled",
    "assignments": "SELECT CAST(account_id AS TEXT), CAST(entitlement_id AS TEXT) FROM access_assignments",
}


def analysis_rows(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Return the columns the analysis reads for the whole organisation, as raw driver values.

    Raw on purpose: converting millions of ids to uuid.UUID costs more than the analysis itself; ids are text
    (32 hex digits on SQLite, 8-4-4-4-12 on PostgreSQL), times text or datetime, JSON text or lists.
    """
    return {name: _fetch_raw(session, sql) for name, sql in ANALYSIS_SQL.items()}


def _fetch_raw(session: Session, sql: str) -> list[tuple[Any, ...]]:
    """Run constant SQL on the DBAPI cursor of the session's connection: no per-row result processing."""
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


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


def _visible_accounts(session: Session, principal: Principal | None, limit: int, *where: Any) -> list[Account]:
    stmt = AccessRepository(session, Account).visible(principal).where(*where)
    return list(session.scalars(stmt.order_by(Account.username, Account.external_id).limit(limit)))


def accounts_with_id(session: Session, principal: Principal | None, account_id: uuid.UUID, limit: int) -> list[Account]:
    """Return the visible account with this id (a list: callers treat every lookup alike)."""
    return _visible_accounts(session, principal, limit, Account.id == account_id)


def systems_named(session: Session, principal: Principal | None, name: str) -> list[uuid.UUID]:
    """Return the ids of the visible systems whose key or name is `name` (lower-case)."""
    stmt = AccessRepository(session, System).visible(principal)
    stmt = stmt.where(or_(func.lower(System.key) == name, func.lower(System.name) == name))
    return [s.id for s in session.scalars(stmt)]


def accounts_named(
    session: Session, principal: Principal | None, name: str, limit: int, system_ids: Sequence[uuid.UUID] = ()
) -> list[Account]:
    """Return the visible accounts with this username or external id (lower-case) on the systems, or with this
    username, external id or e-mail anywhere when no systems are given."""
    if system_ids:
        match = or_(func.lower(Account.username) == name, func.lower(Account.external_id) == name)
        return _visible_accounts(session, principal, limit, Account.system_id.in_(list(system_ids)), match)
    columns = (Account.username, Account.external_id, Account.email)
    return _visible_accounts(session, principal, limit, or_(*(func.lower(c) == name for c in columns)))


def accounts_of_identities(
    session: Session, principal: Principal | None, identity_ids: Sequence[uuid.UUID], limit: int
) -> list[Account]:
    """Return the visible accounts correlated to the identities."""
    return _visible_accounts(session, principal, limit, Account.identity_id.in_(list(identity_ids)))


def _domain_match(column: Any, domains: Iterable[str]) -> Any:
    return or_(*(func.lower(column).endswith(f"@{d}", autoescape=True) for d in domains))


def accounts_in_domains(
    session: Session, principal: Principal | None, domains: Sequence[str], limit: int
) -> list[Account]:
    """Return the visible accounts whose e-mail, or whose visible identity's e-mail, is in one of the domains."""
    idents = AccessRepository(session, Identity).visible(principal).where(_domain_match(Identity.email, domains))
    ident_ids = [i.id for i in session.scalars(idents)]
    where = _domain_match(Account.email, domains)
    if ident_ids:
        where = or_(where, Account.identity_id.in_(ident_ids))
    return _visible_accounts(session, principal, limit, where)


def last_import_at(session: Session, principal: Principal | None, kind: str) -> Any:
    """Return when an import of the kind last ran in a unit principal may see (None if never)."""
    stmt = AccessRepository(session, ImportRun).visible(principal, kind=kind)
    return session.scalar(stmt.with_only_columns(func.max(ImportRun.created_at)))


def entitlement_by_key(session: Session, system_key: str, external_id: str) -> Entitlement | None:
    """Return the entitlement with this external id on the system with this key (case-insensitive key)."""
    stmt = (
        select(Entitlement)
        .join(System, System.id == Entitlement.system_id)
        .where(func.lower(System.key) == system_key.lower(), Entitlement.external_id == external_id)
    )
    return session.scalars(stmt.limit(1)).first()
