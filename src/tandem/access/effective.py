"""Effective access: who can reach a data store or data category (and through what), and all a person reaches."""

from __future__ import annotations

import uuid
from collections import deque
from typing import Any

from sqlalchemy.orm import Session

from tandem.access import actions
from tandem.access import repository as repo
from tandem.access.models import Entitlement, Identity, System
from tandem.inventory.schemas import DATA_CATEGORIES
from tandem.platform.auth.permissions import require, visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import NotFound

MAX_ROWS = 5000
# Words people use for a category → (inventory data category, discovery entity type or None).
ALIASES: dict[str, tuple[str, str | None]] = {
    "phi": ("health", None),
    "health": ("health", None),
    "ssn": ("government-id", "US_SSN"),
    "pci": ("payment-card", "CREDIT_CARD"),
    "card": ("payment-card", "CREDIT_CARD"),
    "iban": ("financial", "IBAN"),
    "secrets": ("credentials", None),
}
# Discovery entity types (tandem.data's detectors) → the inventory category they belong to.
ENTITY_CATEGORY = {
    "US_SSN": "government-id",
    "US_PASSPORT": "government-id",
    "CREDIT_CARD": "payment-card",
    "IBAN": "financial",
    "MEDICAL_RECORD_NUMBER": "health",
    "EMAIL": "contact",
    "PHONE": "contact",
}


def _category(target: str) -> tuple[str, str | None] | None:
    word = target.strip().lower()
    if word in ALIASES:
        return ALIASES[word]
    if word in DATA_CATEGORIES:
        return word, None
    entity = target.strip().upper()
    if entity in ENTITY_CATEGORY:
        return ENTITY_CATEGORY[entity], entity
    return None


def resolve(session: Session, principal: Principal | None, target: str) -> tuple[str, list[dict[str, Any]]]:
    """Return (what was asked, the data stores it names, each with why it is included)."""
    units = visible_unit_ids(session, principal, actions.VIEW.name) if principal is not None else None
    all_stores = repo.stores(session, units)
    try:
        wanted = uuid.UUID(target)
        found = [s for s in all_stores if s[0] == wanted]
    except ValueError:
        found = [s for s in all_stores if s[1].lower() == target.strip().lower()]
    if found:
        return found[0][1], [{"id": found[0][0], "name": found[0][1], "categories": found[0][2], "why": "named"}]
    category = _category(target)
    if category is None:
        raise NotFound(f"no data store or data category named {target!r}")
    code, entity = category
    scanned = repo.scan_types(session)
    out = []
    for store_id, name, cats, _owner in all_stores:
        types = scanned.get(store_id, {})
        if entity and types.get(entity):
            why = f"discovery found {types[entity]:,} {entity}"
        elif code in cats and not (entity and scanned.get(store_id) is not None and not types.get(entity)):
            why = f"categorised {code}"
        else:
            continue
        out.append({"id": store_id, "name": name, "categories": cats, "why": why})
    label = f"{target} ({DATA_CATEGORIES[code][0]})" if entity is None else f"{target} ({entity})"
    return label, out


def reverse_paths(session: Session, linked: dict[uuid.UUID, list[tuple[uuid.UUID, str]]]) -> list[Any]:
    """Return (path of entitlements, store id, access) for the linked entitlements and the groups including them."""
    ents = repo.by_ids(session, Entitlement, linked)
    system_ids = {e.system_id for e in ents.values()}
    children: dict[tuple[uuid.UUID, str], list[Entitlement]] = {}
    for ent in repo.entitlements_of(session, system_ids) if system_ids else []:
        ents.setdefault(ent.id, ent)
        for parent in ent.includes or []:
            children.setdefault((ent.system_id, parent), []).append(ent)
    out: list[Any] = []
    for ent_id, stores in linked.items():
        queue: deque[tuple[Entitlement, ...]] = deque([(ents[ent_id],)])
        seen: set[uuid.UUID] = set()
        while queue:
            path = queue.popleft()
            if path[0].id in seen:
                continue
            seen.add(path[0].id)
            out.extend((path, store, access) for store, access in stores)
            queue.extend((c, *path) for c in children.get((path[0].system_id, path[0].external_id), []))
    return out


def who_can(session: Session, principal: Principal | None, target: str, limit: int = MAX_ROWS) -> dict[str, Any]:
    """Return everyone who can reach a data store or data category, through which account, entitlement and path."""
    if principal is not None:
        require(session, principal, actions.VIEW.name)
    label, stores = resolve(session, principal, target)
    names = {s["id"]: s["name"] for s in stores}
    paths = reverse_paths(session, repo.store_links(session, list(names)))
    by_held: dict[uuid.UUID, list[Any]] = {}
    for path, store, access in paths:
        by_held.setdefault(path[0].id, []).append((path, store, access))
    units = visible_unit_ids(session, principal, actions.VIEW.name) if principal is not None else None
    rows = []
    systems = repo.by_ids(session, System, {p[0].system_id for p, _, _ in paths})
    by_hex = {k.hex: v for k, v in by_held.items()}
    found, grants = repo.holders(session, list(by_held), units, limit + 1)
    for held_hex, account, ident in found:
        for path, store, access in by_hex[held_hex]:
            rows.append(_row(account, ident, path, names[store], store, access, systems))
    rows.sort(key=lambda r: (r["identity"] or "~", r["system"], r["store"]))
    total = grants if len(rows) > limit else len(rows)
    return {"target": label, "stores": stores, "rows": rows[:limit], "total": total, "truncated": len(rows) > limit}


def _row(
    account: Any,
    ident: Any,
    path: tuple[Any, ...],
    store_name: str,
    store_id: uuid.UUID,
    access: str,
    systems: dict[uuid.UUID, System],
) -> dict[str, Any]:
    return {
        "identity": ident.display_name if ident is not None else None,
        "identity_id": ident.id if ident is not None else None,
        "identity_status": ident.status if ident is not None else "uncorrelated",
        "account": account.username or account.external_id,
        "account_id": account.id,
        "account_status": account.status,
        "system": systems[path[0].system_id].name if path[0].system_id in systems else "",
        "entitlement": path[0].name,
        "entitlement_id": path[0].id,
        "path": [e.name for e in path],
        "store": store_name,
        "store_id": store_id,
        "access": access,
    }


def effective_for_identity(session: Session, principal: Principal | None, identity_id: uuid.UUID) -> dict[str, Any]:
    """Return everything a person can reach: accounts, entitlements (with includes) and the data stores behind them."""
    ident = repo.AccessRepository(session, Identity).get(principal, identity_id)
    if ident is None:
        raise NotFound("identity not found")
    accounts = {a.id: a for a in repo.accounts_of_identity(session, identity_id)}
    grants = repo.grants_of_accounts(session, list(accounts))
    ents = repo.by_ids(session, Entitlement, [e for _, e in grants])
    systems = repo.by_ids(session, System, [a.system_id for a in accounts.values()])
    by_key = {(e.system_id, e.external_id): e for e in repo.entitlements_of(session, list(systems))}
    rows = []
    for account_id, ent_id in grants:
        queue: deque[tuple[Entitlement, ...]] = deque([(ents[ent_id],)])
        seen: set[uuid.UUID] = set()
        while queue:
            path = queue.popleft()
            if path[-1].id in seen:
                continue
            seen.add(path[-1].id)
            rows.append((accounts[account_id], path))
            queue.extend(
                (*path, by_key[(path[-1].system_id, p)])
                for p in path[-1].includes or []
                if (path[-1].system_id, p) in by_key
            )
    links = repo.links_of(session, list({p[-1].id for _, p in rows}))
    store_names = {s[0]: s[1] for s in repo.stores(session, None)}
    out = [
        {
            "system": systems[a.system_id].name,
            "account": a.username or a.external_id,
            "account_id": a.id,
            "account_status": a.status,
            "entitlement": p[-1].name,
            "entitlement_id": p[-1].id,
            "privileged": p[-1].privileged,
            "path": [e.name for e in p],
            "stores": [
                {"id": s, "name": store_names.get(s, str(s)), "access": acc} for s, acc in links.get(p[-1].id, [])
            ],
        }
        for a, p in rows
    ]
    out.sort(key=lambda r: (r["system"], r["account"], r["entitlement"]))
    return {"identity": ident, "accounts": list(accounts.values()), "rows": out}
