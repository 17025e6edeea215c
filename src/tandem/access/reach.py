"""Forward reach of accounts: from accounts (a person's, a compromised one's, a vendor's) through the entitlements
they hold and those included by them, to the data stores linked to the last entitlement, with the path and the
permission. Read-only; other domains call it through access.service."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import deque
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from tandem.access import actions
from tandem.access import repository as repo
from tandem.access.models import Account, Entitlement, System
from tandem.platform.auth.permissions import visible_unit_ids
from tandem.platform.auth.principal import Principal

MAX_ACCOUNTS = 2000


def account_label(account: Account, system: str | None) -> str:
    """Return "username @ system" (the external id when there is no username)."""
    name = account.username or account.external_id
    return f"{name} @ {system}" if system else name


def find_accounts(session: Session, principal: Principal | None, ref: str) -> list[Account]:
    """Return the visible accounts an id, "system/username" or a username, external id or e-mail names."""
    ref = ref.strip()
    if not ref:
        return []
    try:
        return repo.accounts_with_id(session, principal, uuid.UUID(ref), MAX_ACCOUNTS)
    except ValueError:
        pass
    wanted = ref.lower()
    system_key, _, name = wanted.partition("/")
    if name:
        systems = repo.systems_named(session, principal, system_key)
        if systems:
            return repo.accounts_named(session, principal, name, MAX_ACCOUNTS, systems)
    return repo.accounts_named(session, principal, wanted, MAX_ACCOUNTS)


def accounts_of_identities(
    session: Session, principal: Principal | None, identity_ids: Sequence[uuid.UUID]
) -> list[Account]:
    """Return the visible accounts correlated to the identities."""
    if not identity_ids:
        return []
    return repo.accounts_of_identities(session, principal, identity_ids, MAX_ACCOUNTS)


def accounts_in_domains(session: Session, principal: Principal | None, domains: Iterable[str]) -> list[Account]:
    """Return the visible accounts whose e-mail, or whose person's e-mail, is in one of the domains.

    This is how a vendor's people and integration accounts are recognised: an external party's accounts carry
    its e-mail domain (contractor@vendor.example), whichever system they live on."""
    wanted = sorted({d.strip().lower().lstrip("@") for d in domains if d and d.strip().strip("@")})
    if not wanted:
        return []
    return repo.accounts_in_domains(session, principal, wanted, MAX_ACCOUNTS)


def _paths(
    session: Session, grants: list[tuple[uuid.UUID, uuid.UUID]], system_ids: list[uuid.UUID]
) -> list[tuple[uuid.UUID, tuple[Entitlement, ...]]]:
    """Return (account id, held → … → included entitlement) for every grant and what it includes."""
    ents = repo.by_ids(session, Entitlement, [e for _, e in grants])
    by_key = {(e.system_id, e.external_id): e for e in repo.entitlements_of(session, system_ids)}
    out: list[tuple[uuid.UUID, tuple[Entitlement, ...]]] = []
    for account_id, ent_id in grants:
        if ent_id not in ents:
            continue
        queue: deque[tuple[Entitlement, ...]] = deque([(ents[ent_id],)])
        seen: set[uuid.UUID] = set()
        while queue:
            path = queue.popleft()
            if path[-1].id in seen:
                continue
            seen.add(path[-1].id)
            out.append((account_id, path))
            queue.extend((*path, by_key[(path[-1].system_id, p)]) for p in path[-1].includes or []
                         if (path[-1].system_id, p) in by_key)  # fmt: skip
    return out


def reach_of_accounts(
    session: Session, principal: Principal | None, accounts: Sequence[Account]
) -> list[dict[str, Any]]:
    """Return one row per (account, entitlement path, data store) the accounts reach, with the permission.

    Only data stores principal may see are returned; disabled accounts are included (their status says so)."""
    by_id = {a.id: a for a in accounts}
    systems = repo.by_ids(session, System, {a.system_id for a in accounts})
    paths = _paths(session, repo.grants_of_accounts(session, list(by_id)), list(systems))
    links = repo.links_of(session, list({p[-1].id for _, p in paths}))
    units = visible_unit_ids(session, principal, actions.VIEW.name) if principal is not None else None
    stores = {s[0]: s for s in repo.stores(session, units)}
    rows: list[dict[str, Any]] = []
    for account_id, path in paths:
        account = by_id[account_id]
        for store_id, access in links.get(path[-1].id, []):
            if store_id not in stores:
                continue
            rows.append(
                {
                    "account_id": account.id,
                    "account": account_label(
                        account, systems[account.system_id].name if account.system_id in systems else None
                    ),
                    "account_status": account.status,
                    "identity_id": account.identity_id,
                    "system": systems[account.system_id].name if account.system_id in systems else "",
                    "entitlement": path[0].name or path[0].external_id,
                    "path": [e.name or e.external_id for e in path],
                    "privileged": any(e.privileged for e in path),
                    "data_store_id": store_id,
                    "store": stores[store_id][1],
                    "data_categories": stores[store_id][2],
                    "access": access,
                }
            )
    rows.sort(key=lambda r: (r["store"].lower(), r["account"].lower(), r["path"]))
    return rows


def last_account_import(session: Session, principal: Principal | None) -> dt.datetime | None:
    """Return when accounts were last imported (file or SCIM) in a unit principal may see, if ever."""
    return repo.last_import_at(session, principal, "accounts")
