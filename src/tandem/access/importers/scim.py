"""SCIM 2.0 (RFC 7643/7644) resources → access rows: Users become accounts, Groups, roles and
entitlements become entitlements, memberships become assignments. Read-only, pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tandem.access.importers.rows import AccountRow, AssignmentRow, EntitlementRow, ParseFailed
from tandem.platform.safety import jsondoc
from tandem.platform.safety.errors import UnsafeInput

LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


@dataclass
class Page:
    """One ListResponse page."""

    resources: list[dict[str, Any]]
    total: int
    start: int
    per_page: int


@dataclass
class Snapshot:
    """A system's accounts, entitlements and assignments as read from its SCIM endpoint."""

    accounts: list[AccountRow] = field(default_factory=list)
    entitlements: list[EntitlementRow] = field(default_factory=list)
    assignments: list[AssignmentRow] = field(default_factory=list)


def parse_page(data: bytes, where: str) -> Page:
    """Parse a ListResponse body; anything else is a located error."""
    try:
        body = jsondoc.load_json(data, where, max_bytes=len(data))  # depth-bounded; the fetch bounds the size
    except UnsafeInput as exc:
        raise ParseFailed([(where, f"the response is not JSON ({exc.reason})")]) from None
    if not isinstance(body, dict) or LIST_RESPONSE not in body.get("schemas", []):
        raise ParseFailed([(where, "the response is not a SCIM ListResponse")])
    resources = body.get("Resources", [])
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        raise ParseFailed([(f"{where}:Resources", "must be a list of objects")])
    try:
        total = int(body.get("totalResults", len(resources)))
        start = int(body.get("startIndex", 1))
        per_page = int(body.get("itemsPerPage", len(resources)))
    except (TypeError, ValueError):
        raise ParseFailed([(where, "totalResults, startIndex and itemsPerPage must be numbers")]) from None
    return Page(resources, total, start, per_page)


def _email(user: dict[str, Any]) -> str:
    emails = [e for e in user.get("emails") or [] if isinstance(e, dict) and e.get("value")]
    primary = next((e for e in emails if e.get("primary")), emails[0] if emails else None)
    return str(primary["value"]).lower() if primary else ""


def _values(items: Any) -> list[str]:
    return [str(i["value"]) for i in items or [] if isinstance(i, dict) and i.get("value")]


def snapshot(system: str, users: list[dict[str, Any]], groups: list[dict[str, Any]]) -> Snapshot:
    """Turn Users and Groups into the rows the CSV importers produce."""
    out = Snapshot()
    ids: set[str] = set()
    ents: dict[str, EntitlementRow] = {}
    held: set[tuple[str, str]] = set()
    for n, user in enumerate(users):
        uid = str(user.get("id") or "")
        if not uid or not user.get("userName"):
            raise ParseFailed([(f"Users[{n}]", "a User needs id and userName")])
        ids.add(uid)
        ext = user.get(ENTERPRISE) or {}
        out.accounts.append(
            AccountRow(
                system=system,
                account_id=uid,
                username=str(user["userName"]),
                email=_email(user),
                employee_id=str(ext.get("employeeNumber") or ""),
                status="enabled" if user.get("active", True) else "disabled",
            )
        )
        for kind, key in (("role", "roles"), ("permission", "entitlements")):
            for value in _values(user.get(key)):
                ents.setdefault(f"{kind}:{value}", EntitlementRow(system, f"{kind}:{value}", value, kind))
                held.add((uid, f"{kind}:{value}"))
    for n, group in enumerate(groups):
        gid = str(group.get("id") or "")
        if not gid:
            raise ParseFailed([(f"Groups[{n}]", "a Group needs an id")])
        ents[f"group:{gid}"] = EntitlementRow(system, f"group:{gid}", str(group.get("displayName") or gid), "group")
    for group in groups:
        gid = f"group:{group['id']}"
        for member in group.get("members") or []:
            value = str(member.get("value") or "") if isinstance(member, dict) else ""
            if f"group:{value}" in ents and (member.get("type") == "Group" or value not in ids):
                child = ents[f"group:{value}"]  # members of a nested group get this group's access
                ents[child.entitlement_id] = _including(child, gid)
            elif value in ids:
                held.add((value, gid))
    out.entitlements = sorted(ents.values(), key=lambda e: e.entitlement_id)
    out.assignments = [AssignmentRow(system, a, e) for a, e in sorted(held)]
    return out


def _including(row: EntitlementRow, parent: str) -> EntitlementRow:
    return EntitlementRow(row.system, row.entitlement_id, row.name, row.type, includes=(*row.includes, parent))
