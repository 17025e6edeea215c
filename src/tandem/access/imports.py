"""Apply parsed files all-or-nothing: identities, accounts, entitlements, assignments; record what changed."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy.orm import Session

from tandem.access import actions, correlate, remediation
from tandem.access import repository as repo
from tandem.access.importers import ParseFailed, parse_file
from tandem.access.importers.rows import AccountRow, AssignmentRow, EntitlementRow, IdentityRow
from tandem.access.models import Account, Entitlement, EntitlementStore, Identity, ImportRun, System
from tandem.access.units import home_unit, require_in_unit
from tandem.inventory import service as inventory
from tandem.platform import events
from tandem.platform.audit.writer import record_event
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.platform.errors import FieldError, InvalidInput, NotFound

ACCOUNT_FIELDS = (
    "username",
    "email",
    "employee_id",
    "status",
    "last_login_at",
    "is_privileged",
    "is_service_account",
    "owner_employee_id",
)
IDENTITY_FIELDS = {
    "email": "email",
    "display_name": "display_name",
    "department": "department",
    "manager_id": "manager_employee_id",
    "status": "status",
    "end_date": "end_date",
}


def parse(kind: str, data: bytes, name: str) -> list[Any]:
    """Parse a file or raise InvalidInput with every located problem."""
    try:
        return parse_file(kind, data, name)
    except ParseFailed as exc:
        raise InvalidInput([FieldError(loc, why) for loc, why in exc.errors]) from None


def import_file(
    session: Session, principal: Principal | None, kind: str, data: bytes, name: str, unit_id: uuid.UUID | None = None,
    *, partial: bool = False,
) -> ImportRun:  # fmt: skip
    """Import one file into a unit (default: the root); all rows or none; return the run with its counts.

    An identities file is HR's full export unless `partial`: active identities of the unit it no longer lists are
    marked terminated (their accounts then show up as terminated-but-active until the systems catch up)."""
    if kind == "activity":
        from tandem.access import activity

        return activity.import_events(session, principal, data, name, unit_id)
    rows = parse(kind, data, name)
    with session.begin_nested():  # all or nothing, even when the caller's transaction goes on
        return apply_rows(session, principal, kind, rows, name, unit_id, snapshot=kind == "identities" and not partial)


def apply_rows(
    session: Session,
    principal: Principal | None,
    kind: str,
    rows: Sequence[Any],
    source: str,
    unit_id: uuid.UUID | None = None,
    snapshot: bool = False,
) -> ImportRun:
    """Apply parsed rows of a kind (CSV or SCIM) as one import run (`snapshot`: see import_file)."""
    unit = unit_id or home_unit(session)
    require_in_unit(session, principal, unit, actions.IMPORT.name, "query.unit_id")
    who = principal.username if principal is not None else "console"
    run = repo.AccessRepository(session, ImportRun).add(
        ImportRun(kind=kind, source=source[:500], org_unit_id=unit, requested_by=who[:200])
    )
    appliers: dict[str, Any] = {
        "identities": _identities,
        "accounts": _accounts,
        "entitlements": _entitlements,
        "assignments": _assignments,
    }
    changes: list[dict[str, Any]] = []
    run.counts = appliers[kind](session, run, list(rows), changes, source)
    if snapshot:
        run.counts = {**run.counts, "terminated": _absent_identities(session, run, list(rows), changes, source)}
    repo.add_changes(session, changes)
    run.counts = {**run.counts, "changes": len(changes)}
    session.flush()
    # Identities, accounts and grants are bulk rows outside the audit chain; one chained entry per run carries the
    # counts and a digest of the change list, so the chain covers every change without an entry per row.
    summary = {"kind": kind, "source": source[:500], "counts": run.counts, "changes_digest": changes_digest(changes)}
    record_event(session, "access.imported", ImportRun.__tablename__, str(run.id), summary)
    # Domains that act on fresh access data (vendor offboarding checks) do so in the import's transaction.
    events.publish(IMPORTED, session, kind=kind, import_id=str(run.id))
    return run


def changes_digest(changes: Sequence[dict[str, Any]]) -> str:
    """Return "sha256:<hex>" of an import's changes as [kind, subject, detail] sorted, so the stored Change rows of
    the run can be checked against the audit entry."""
    rows = sorted(orjson.dumps([c["kind"], c["subject"], c["detail"]], option=orjson.OPT_SORT_KEYS) for c in changes)
    return f"sha256:{hashlib.sha256(b'[' + b','.join(rows) + b']').hexdigest()}"


def _change(run: ImportRun, kind: str, subject: str, **detail: Any) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "import_id": run.id,
        "org_unit_id": run.org_unit_id,
        "kind": kind,
        "subject": subject[:500],
        "detail": detail,
        "created_at": utcnow(),
    }


def _identities(
    session: Session, run: ImportRun, rows: list[IdentityRow], changes: list[dict[str, Any]], source: str
) -> dict[str, int]:
    existing = repo.identities_by_employee(session)
    known = set(existing) | {r.employee_id.lower() for r in rows}
    errors = [
        FieldError(f"{source}:{n + 2}:manager_id", "no identity has this employee_id")
        for n, r in enumerate(rows)
        if r.manager_id and r.manager_id.lower() not in known
    ]
    if errors:
        raise InvalidInput(errors)
    people = repo.people_by_email(session)
    added = updated = 0
    for row in rows:
        ident = existing.get(row.employee_id.lower())
        values = {col: getattr(row, attr) for attr, col in IDENTITY_FIELDS.items()}
        values["person_id"] = people.get(row.email) if row.email else None
        if ident is None:
            session.add(
                Identity(
                    employee_id=row.employee_id,
                    org_unit_id=run.org_unit_id,
                    source=f"import {source}"[:200],
                    last_verified_at=utcnow(),
                    **values,
                )
            )
            changes.append(_change(run, "identity_added", row.employee_id, status=row.status))
            added += 1
            continue
        diff = {k: [str(getattr(ident, k)), str(v)] for k, v in values.items() if getattr(ident, k) != v}
        for key, value in values.items():
            setattr(ident, key, value)
        ident.last_verified_at = utcnow()
        if diff:
            changes.append(_change(run, "identity_changed", row.employee_id, **diff))
            updated += 1
    session.flush()
    recorrelated = recorrelate(session)
    return {"rows": len(rows), "added": added, "updated": updated, "recorrelated": recorrelated}


# Published (payload kind, import_id) after an import of identities, accounts, entitlements or assignments lands.
IMPORTED = "access.imported"
# A full HR export that would end more than this share of a unit's active people is almost surely partial.
MASS_TERMINATION = 0.5


def _absent_identities(
    session: Session, run: ImportRun, rows: list[IdentityRow], changes: list[dict[str, Any]], source: str
) -> int:
    """Terminate the unit's active identities the export no longer lists; refuse what looks like a partial file."""
    listed = {r.employee_id.lower() for r in rows}
    active = [i for i in repo.identities_in_unit(session, run.org_unit_id) if i.status != "terminated"]
    absent = [i for i in active if i.employee_id.lower() not in listed]
    if len(absent) > 10 and len(absent) > MASS_TERMINATION * len(active):
        raise InvalidInput.one(
            source,
            f"{len(absent)} of {len(active)} active identities are missing from this file: it looks like a partial "
            "export. Import it as partial (--partial) to update only the people it lists.",
        )
    today = utcnow().date()
    for ident in absent:
        ident.status, ident.end_date = "terminated", ident.end_date or today
        changes.append(_change(run, "identity_terminated", ident.employee_id, reason=f"not in the HR export {source}"))
    session.flush()
    return len(absent)


def recorrelate(session: Session, accounts: Sequence[Account] | None = None) -> int:
    """Re-run correlation over accounts (default: all not chosen by hand); return how many changed."""
    index = correlate.IdentityIndex.build(repo.identities_by_employee(session).values())
    if accounts is None:
        from sqlalchemy import select

        accounts = list(session.scalars(select(Account).where(Account.correlation != "manual")))
    return sum(correlate.apply(a, index) for a in accounts)


def _systems(session: Session, run: ImportRun, keys: set[str], changes: list[dict[str, Any]]) -> dict[str, System]:
    """Return the systems by lower-cased key, creating unknown ones (linked to a same-named application)."""
    systems = repo.systems_by_key(session, run.org_unit_id)
    for key in sorted(keys - set(systems)):
        app_id, mfa = None, False
        try:
            _, app = inventory.resolve_ref(session, None, f"application:{key}")
            app_id, mfa = app.id, bool(app.mfa)
        except NotFound:
            pass
        system = System(
            key=key,
            name=key,
            application_id=app_id,
            mfa_enforced=mfa,
            org_unit_id=run.org_unit_id,
            source=f"import {run.source}"[:200],
        )
        session.add(system)
        systems[key] = system
        changes.append(_change(run, "system_added", key, application_id=str(app_id) if app_id else None))
    session.flush()
    return systems


def _accounts(
    session: Session, run: ImportRun, rows: list[AccountRow], changes: list[dict[str, Any]], source: str
) -> dict[str, int]:
    systems = _systems(session, run, {r.system.lower() for r in rows}, changes)
    index = correlate.IdentityIndex.build(repo.identities_by_employee(session).values())
    ids = {s.id for s in systems.values() if s.key.lower() in {r.system.lower() for r in rows}}
    existing = {(a.system_id, a.external_id): a for a in repo.accounts_of(session, ids)}
    seen, added, updated = set(), 0, 0
    for row in rows:
        system = systems[row.system.lower()]
        key = (system.id, row.account_id)
        seen.add(key)
        values = {f: getattr(row, f) for f in ACCOUNT_FIELDS} | {"opened_at": row.created_at}
        account = existing.get(key)
        if account is None:
            account = Account(system_id=system.id, external_id=row.account_id, org_unit_id=run.org_unit_id, **values)
            session.add(account)
            changes.append(_change(run, "account_added", f"{system.key}:{row.account_id}"))
            added += 1
        else:
            diff = {
                k: [str(getattr(account, k)), str(v)]
                for k, v in values.items()
                if k != "last_login_at" and getattr(account, k) != v
            }
            for k, v in values.items():
                setattr(account, k, v)
            if diff:
                changes.append(_change(run, "account_changed", f"{system.key}:{row.account_id}", **diff))
                updated += 1
        correlate.apply(account, index)
    removed = [a for k, a in existing.items() if k not in seen]
    for account in removed:
        changes.append(_change(run, "account_removed", account.external_id, system_id=str(account.system_id)))
        session.delete(account)
    session.flush()
    verified = remediation.verify(session, run, ids)
    queue = [a for a in repo.accounts_of(session, ids) if a.identity_id is None and not a.is_service_account]
    return {
        "rows": len(rows),
        "added": added,
        "updated": updated,
        "removed": len(removed),
        "verified": verified,
        "uncorrelated": len(queue),
    }


def _store_links(session: Session, rows: list[EntitlementRow], source: str) -> dict[str, uuid.UUID]:
    names, errors = {}, []
    for n, row in enumerate(rows):
        for name, _ in row.data_stores:
            if name.lower() in names:
                continue
            try:
                names[name.lower()] = inventory.resolve_ref(session, None, f"data_store:{name}")[1].id
            except NotFound:
                errors.append(FieldError(f"{source}:{n + 2}:data_stores", f"no data store named {name!r}"))
    if errors:
        raise InvalidInput(errors)
    return names


def _entitlements(
    session: Session, run: ImportRun, rows: list[EntitlementRow], changes: list[dict[str, Any]], source: str
) -> dict[str, int]:
    stores = _store_links(session, rows, source)
    in_file = {(r.system.lower(), r.entitlement_id) for r in rows}
    systems = _systems(session, run, {r.system.lower() for r in rows}, changes)
    ids = {systems[k].id for k, _ in in_file}
    existing = {(e.system_id, e.external_id): e for e in repo.entitlements_of(session, ids)}
    errors = [
        FieldError(f"{source}:{n + 2}:includes", f"no entitlement {inc!r} on system {r.system}")
        for n, r in enumerate(rows)
        for inc in r.includes
        if (r.system.lower(), inc) not in in_file and (systems[r.system.lower()].id, inc) not in existing
    ]
    if errors:
        raise InvalidInput(errors)
    added = updated = 0
    seen = set()
    for row in rows:
        system = systems[row.system.lower()]
        seen.add((system.id, row.entitlement_id))
        values = {
            "name": row.name,
            "type": row.type,
            "owner_employee_id": row.owner_employee_id,
            "privileged": row.privileged,
            "description": row.description,
            "includes": list(row.includes),
        }
        ent = existing.get((system.id, row.entitlement_id))
        if ent is None:
            ent = Entitlement(
                system_id=system.id, external_id=row.entitlement_id, org_unit_id=run.org_unit_id, **values
            )
            session.add(ent)
            session.flush()
            changes.append(_change(run, "entitlement_added", f"{system.key}:{row.entitlement_id}"))
            added += 1
        elif any(getattr(ent, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(ent, k, v)
            updated += 1
        if row.data_stores:
            _link(session, ent, [(stores[n.lower()], level) for n, level in row.data_stores])
    removed = [e for k, e in existing.items() if k not in seen]
    for ent in removed:
        changes.append(_change(run, "entitlement_removed", ent.external_id, system_id=str(ent.system_id)))
        session.delete(ent)
    session.flush()
    return {"rows": len(rows), "added": added, "updated": updated, "removed": len(removed)}


def _link(session: Session, ent: Entitlement, wanted: list[tuple[uuid.UUID, str]]) -> None:
    from sqlalchemy import select

    current = {
        link.data_store_id: link
        for link in session.scalars(select(EntitlementStore).where(EntitlementStore.entitlement_id == ent.id))
    }
    target = dict(wanted)
    for store, link in current.items():
        if store not in target:
            session.delete(link)
        elif link.access != target[store]:
            link.access = target[store]
    for store, level in target.items():
        if store not in current:
            session.add(
                EntitlementStore(entitlement_id=ent.id, data_store_id=store, access=level, org_unit_id=ent.org_unit_id)
            )


def _resolve_grants(
    session: Session, run: ImportRun, rows: list[AssignmentRow], source: str
) -> tuple[dict[tuple[uuid.UUID, uuid.UUID], AssignmentRow], set[uuid.UUID]]:
    systems = repo.systems_by_key(session, run.org_unit_id)
    errors: list[FieldError] = []
    wanted_sys = {r.system.lower() for r in rows}
    for n, r in enumerate(rows):
        if r.system.lower() not in systems:
            errors.append(FieldError(f"{source}:{n + 2}:system", "no such system; import its accounts first"))
    if errors:
        raise InvalidInput(errors[:200])
    ids = {systems[k].id for k in wanted_sys}
    accounts = {(a.system_id, a.external_id): a.id for a in repo.accounts_of(session, ids)}
    ents = {(e.system_id, e.external_id): e.id for e in repo.entitlements_of(session, ids)}
    out = {}
    for n, r in enumerate(rows):
        sid = systems[r.system.lower()].id
        acc, ent = accounts.get((sid, r.account_id)), ents.get((sid, r.entitlement_id))
        if acc is None:
            errors.append(FieldError(f"{source}:{n + 2}:account_id", "no such account on this system"))
        if ent is None:
            errors.append(FieldError(f"{source}:{n + 2}:entitlement_id", "no such entitlement on this system"))
        if acc is not None and ent is not None:
            out[(acc, ent)] = r
        if len(errors) >= 200:
            break
    if errors:
        raise InvalidInput(errors)
    return out, ids


def _assignments(
    session: Session, run: ImportRun, rows: list[AssignmentRow], changes: list[dict[str, Any]], source: str
) -> dict[str, Any]:
    wanted, system_ids = _resolve_grants(session, run, rows, source)
    current = {(a, e): (i, used) for i, a, e, used in repo.grant_rows(session, system_ids)}
    initial = not current  # a first load records a summary, not a change per grant
    new = [
        {
            "id": uuid.uuid4(),
            "org_unit_id": run.org_unit_id,
            "account_id": a,
            "entitlement_id": e,
            "granted_at": r.granted_at,
            "granted_by": r.granted_by[:200],
            "last_used_at": r.last_used_at,
        }
        for (a, e), r in wanted.items()
        if (a, e) not in current
    ]
    gone = [(pair, i) for pair, (i, _) in current.items() if pair not in wanted]
    touched = [
        {"id": current[p][0], "last_used_at": r.last_used_at}
        for p, r in wanted.items()
        if p in current and r.last_used_at is not None and current[p][1] != r.last_used_at
    ]
    repo.add_grants(session, new)
    repo.remove_grants(session, [i for _, i in gone])
    repo.touch_grants(session, touched)
    if not initial:
        labels = _labels(
            session,
            [*(n["account_id"] for n in new), *(p[0] for p, _ in gone)],
            [*(n["entitlement_id"] for n in new), *(p[1] for p, _ in gone)],
        )
        for n in new:
            changes.append(
                _change(
                    run,
                    "grant_added",
                    labels(n["account_id"], n["entitlement_id"]),
                    account_id=str(n["account_id"]),
                    entitlement_id=str(n["entitlement_id"]),
                )
            )
        for (a, e), _ in gone:
            changes.append(_change(run, "grant_removed", labels(a, e), account_id=str(a), entitlement_id=str(e)))
    session.flush()
    verified = remediation.verify(session, run, system_ids)
    counts: dict[str, Any] = {
        "rows": len(rows),
        "added": len(new),
        "removed": len(gone),
        "used_updated": len(touched),
        "verified": verified,
        "initial_load": initial,
    }
    if initial:  # a first load records no change per grant; the audited summary carries a digest of what it granted
        counts["grants_digest"] = _grants_digest(new)
    return counts


def _grants_digest(rows: list[dict[str, Any]]) -> str:
    """Return "sha256:<hex>" of the granted "account id:entitlement id" pairs (hex ids), sorted, one per line."""
    pairs = sorted(f"{r['account_id'].hex}:{r['entitlement_id'].hex}" for r in rows)
    return f"sha256:{hashlib.sha256(chr(10).join(pairs).encode()).hexdigest()}"


def _labels(session: Session, account_ids: list[Any], ent_ids: list[Any]) -> Any:
    accounts = repo.by_ids(session, Account, account_ids)
    ents = repo.by_ids(session, Entitlement, ent_ids)

    def label(a: uuid.UUID, e: uuid.UUID) -> str:
        acc, ent = accounts.get(a), ents.get(e)
        return f"{acc.username or acc.external_id if acc else a} → {ent.name if ent else e}"

    return label


KINDS_ORDER = ("identities", "accounts", "entitlements", "assignments", "activity")
