"""Scope through access governance: a compromised account or person, or a breached vendor, reaches data stores
through the entitlements its accounts hold (and the ones those include); each path becomes part of the proposal,
with the permission it grants."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.access import service as access
from tandem.inventory import service as inventory
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import InvalidInput, NotFound
from tandem.vendors import service as vendors

ACCESS_KINDS = {"account": "accounts", "identity": "identities"}


def access_label(session: Session, principal: Principal | None, kind: str, obj_id: uuid.UUID) -> str:
    """Return the label of a visible access account or identity, or raise a located input error."""
    try:
        obj = access.get(session, principal, ACCESS_KINDS[kind], obj_id)
    except NotFound:
        raise InvalidInput.one("body.id", f"no visible {kind} with this id in access governance") from None
    if kind == "account":
        return access.account_label(obj, access.system_names(session, principal).get(obj.system_id))
    return str(obj.display_name or obj.employee_id)


def resolve_ref(session: Session, principal: Principal | None, ref: str) -> tuple[str, uuid.UUID] | None:
    """Return (kind, id) for "account:<id, system/username, username or e-mail>" or "identity:<id or employee id>";
    None when the reference names no access object kind."""
    kind, _, rest = ref.partition(":")
    kind, rest = kind.strip().lower(), rest.strip()
    if kind == "account":
        found = access.find_accounts(session, principal, rest)
        if len(found) != 1:
            why = "no visible account" if not found else f"{len(found)} accounts"
            raise InvalidInput.one("body.ref", f"{why} named {rest!r}; use system/username or the account id")
        return "account", found[0].id
    if kind == "identity":
        try:
            ident = access.identities_by_id(session, principal, [uuid.UUID(rest)])
            match = next(iter(ident.values()), None)
        except ValueError:
            match = access.identity_by_employee_id(session, principal, rest)
        if match is None:
            raise InvalidInput.one("body.ref", f"no visible person with employee id {rest!r} in access governance")
        return "identity", match.id
    return None


def _accounts(session: Session, principal: Principal, kind: str, obj_id: uuid.UUID) -> list[Any]:
    if kind == "account":
        return access.find_accounts(session, principal, str(obj_id))
    if kind == "identity":
        return access.accounts_of_identities(session, principal, [obj_id])
    if kind == "vendor":
        try:
            vendor = inventory.get_record(session, principal, inventory.kind_of("vendor"), obj_id)
        except NotFound:
            return []
        return vendors.vendor_accounts(session, principal, vendor)
    return []


def reach(session: Session, principal: Principal, item: Any) -> list[tuple[uuid.UUID, str, str]]:
    """Return (data store id, the path in words, permission) for every store the scope item's accounts reach."""
    rows = access.reach_of_accounts(session, principal, _accounts(session, principal, item.object_kind, item.object_id))
    out = []
    for r in rows:
        words = [item.label, *([] if item.object_kind == "account" else [r["account"]]), *r["path"]]
        out.append((r["data_store_id"], " → ".join(words) + f" ({r['access']})", r["access"]))
    return out
