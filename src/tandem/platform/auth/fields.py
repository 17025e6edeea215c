"""Field-level access (ASVS V8.2.3): fields of a resource that need their own permission to be read or changed.

A domain declares, per resource, which fields are restricted and which actions read and write them
(`restrict("inventory.application", ["run_cost"], read="inventory.costs.view", write="inventory.costs.edit")`).
Checks are object-level like every other one: the action must be granted on the record's org unit. A field the
caller may not read is left out of the answer (absent, not null, so "no value" and "not yours to see" differ);
a write that would set or change a field the caller may not write is refused as a whole, naming the fields.
`principal=None` is the server's own code (CLI, jobs acting for nobody): it sees and writes everything.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.audit import denials
from tandem.platform.auth.permissions import unit_path
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import FieldError, PermissionDenied


@dataclass(frozen=True)
class FieldRule:
    """One restricted field: the action needed to see it and the one needed to change it."""

    resource: str
    name: str
    read: str
    write: str


class FieldsDenied(PermissionDenied):
    """A write touched fields the caller may not change; every one is listed with where it was and why."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.location}: {e.reason}" for e in errors))
        self.errors = errors


_rules: dict[str, dict[str, FieldRule]] = {}


def restrict(resource: str, names: Iterable[str], *, read: str, write: str) -> list[FieldRule]:
    """Declare fields of resource that need `read` to be seen and `write` to be changed (idempotent)."""
    out = []
    for name in names:
        rule = FieldRule(resource, name, read, write)
        existing = _rules.setdefault(resource, {}).get(name)
        if existing is not None and existing != rule:
            raise ValueError(f"field {resource}.{name} restricted twice with different actions")
        _rules[resource][name] = rule
        out.append(rule)
    return out


def rules_for(resource: str) -> tuple[FieldRule, ...]:
    """Return the restricted fields of a resource (empty when it has none)."""
    return tuple(_rules.get(resource, {}).values())


def restricted_names(resource: str) -> frozenset[str]:
    """Return the names of the restricted fields of a resource; an OpenAPI schema must let them be absent."""
    return frozenset(_rules.get(resource, {}))


@dataclass
class FieldAccess:
    """What one principal may read and write of one resource, answered per org unit and remembered."""

    session: Session
    principal: Principal | None
    resource: str
    _hidden: dict[uuid.UUID | None, frozenset[str]] = field(default_factory=dict)

    def hidden(self, org_unit_id: uuid.UUID | None) -> frozenset[str]:
        """Return the fields the principal may not read on a record of that unit."""
        if org_unit_id not in self._hidden:
            self._hidden[org_unit_id] = self._refused(org_unit_id, "read")
        return self._hidden[org_unit_id]

    def unwritable(self, org_unit_id: uuid.UUID | None) -> dict[str, str]:
        """Return {field: action it needs} for the fields the principal may not change on a record of that unit."""
        rules = _rules.get(self.resource, {})
        return {name: rules[name].write for name in self._refused(org_unit_id, "write")}

    def strip(self, data: Mapping[str, Any], org_unit_id: uuid.UUID | None = None) -> dict[str, Any]:
        """Return data without the fields the principal may not read (unit: the record's, else data's own)."""
        unit = org_unit_id if org_unit_id is not None else data.get("org_unit_id")
        hidden = self.hidden(unit)
        return {k: v for k, v in data.items() if k not in hidden}

    def _refused(self, org_unit_id: uuid.UUID | None, mode: str) -> frozenset[str]:
        rules = _rules.get(self.resource)
        if not rules or self.principal is None:
            return frozenset()
        path = unit_path(self.session, org_unit_id)
        return frozenset(n for n, r in rules.items() if not self.principal.can(getattr(r, mode), path))

    def check_write(
        self,
        org_unit_id: uuid.UUID | None,
        changed: Iterable[str],
        *,
        where: str = "body",
        record: Any = None,
    ) -> None:
        """Refuse (FieldsDenied, a 403) when changed names a field the principal may not change in that unit."""
        errors = self.write_errors(org_unit_id, changed, lambda name: f"{where}.{name}")
        if errors:
            self.refuse(errors, record)

    def write_errors(self, org_unit_id: uuid.UUID | None, changed: Iterable[str], locate: Any) -> list[FieldError]:
        """Return one located error per changed field the principal may not change (locate(name) says where)."""
        needs = self.unwritable(org_unit_id)
        return [FieldError(locate(name), _why(name, needs[name])) for name in changed if name in needs]

    def refuse(self, errors: list[FieldError], record: Any = None) -> None:
        """Note the refusal for the audit log (like every other 403) and raise it."""
        wanted = sorted({r.write for r in rules_for(self.resource)})
        detail: dict[str, Any] = {
            "action": ", ".join(wanted),
            "reason": "field-level: " + "; ".join(f"{e.location}: {e.reason}" for e in errors)[:280],
        }
        if record is not None and getattr(record, "__tablename__", None):
            detail |= {"entity_type": record.__tablename__, "entity_id": str(getattr(record, "id", "") or "") or None}
        denials.note(self.session.info.get("request_id"), detail)
        raise FieldsDenied(errors)


def _why(name: str, action: str) -> str:
    return f"you may not set or change {name}: it needs the {action} permission on the record's org unit"


def access(session: Session, principal: Principal | None, resource: str) -> FieldAccess:
    """Return the field checks of principal on resource (cheap; build one per request or list)."""
    return FieldAccess(session, principal, resource)
