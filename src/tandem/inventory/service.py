"""Inventory rules: create, change, delete, attest and list records of every kind."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from tandem.inventory import actions
from tandem.inventory import repository as repo
from tandem.inventory.kinds import ENTITIES, KINDS, Kind, kind_of
from tandem.inventory.relation_types import get_relation_type, relation_types
from tandem.inventory.settings import get_inventory_settings
from tandem.platform import events
from tandem.platform.audit.writer import record_event
from tandem.platform.auth import fields
from tandem.platform.auth.models import OrgUnit
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, FieldError, InvalidInput, NotFound

MONEY_FIELDS = ("run_cost", "change_cost")
__all__ = ["KINDS", "actions", "kind_of"]

# Published (payload person_ids) after people are created, changed or deleted, by hand or by an import.
PEOPLE_CHANGED = "inventory.people_changed"


class _InUnit:
    """Stand-in object for permission checks on a unit before the record exists."""

    def __init__(self, org_unit_id: uuid.UUID) -> None:
        self.org_unit_id = org_unit_id


def list_records(session: Session, principal: Principal, kind: Kind, req: PageRequest) -> Page[Any]:
    """List the records of kind that principal may see."""
    require(session, principal, actions.VIEW.name)
    return repo.KindRepository(session, kind).list_page(principal, req)


def get_record(session: Session, principal: Principal | None, kind: Kind, record_id: uuid.UUID) -> Any:
    """Return a record principal may see (NotFound otherwise)."""
    obj = repo.KindRepository(session, kind).get(principal, record_id)
    if obj is None:
        raise NotFound(f"{kind.entity.replace('_', ' ')} not found")
    return obj


def to_read(kind: Kind, obj: Any) -> BaseModel:
    """Return the output schema of a record (every field: for the server's own use, not for a caller)."""
    return kind.read.model_validate(obj)


def field_access(session: Session, principal: Principal | None, kind: Kind) -> fields.FieldAccess:
    """Return what principal may read and write of kind's restricted fields (application costs)."""
    return fields.access(session, principal, f"inventory.{kind.entity}")


def read_out(
    session: Session, principal: Principal | None, kind: Kind, obj: Any, access: fields.FieldAccess | None = None
) -> dict[str, Any]:
    """Return a record as principal may see it: restricted fields it may not read on the record's unit left out."""
    checks = access or field_access(session, principal, kind)
    return checks.strip(to_read(kind, obj).model_dump(), obj.org_unit_id)


def create_record(session: Session, principal: Principal | None, kind: Kind, data: BaseModel) -> Any:
    """Create a record after checking permissions, references, rules and the natural key."""
    values = data.model_dump()
    _require_unit(session, principal, values["org_unit_id"], actions.EDIT.name)
    defaults = {n: kind.create.model_fields[n].default for n in fields.restricted_names(f"inventory.{kind.entity}")}
    _check_fields(session, principal, kind, values["org_unit_id"], defaults, values)
    _check(session, principal, kind, values, changed=set(values))
    row = _to_columns(values)
    row["last_verified_at"] = utcnow()
    existing = repo.KindRepository(session, kind).find_by_key(row["org_unit_id"], _key(kind, row))
    if existing is not None:
        raise Conflict(f"a {kind.entity.replace('_', ' ')} with this {'/'.join(kind.key)} already exists in the unit")
    obj = repo.KindRepository(session, kind).add(kind.model(**row))
    _people_changed(session, kind, [obj.id])
    return obj


def _people_changed(session: Session, kind: Kind, ids: list[uuid.UUID]) -> None:
    """Tell the domains that follow people (training assignments) that some joined, changed or left."""
    if kind.entity == "person" and ids:
        events.publish(PEOPLE_CHANGED, session, person_ids=ids)


def update_record(
    session: Session, principal: Principal | None, kind: Kind, record_id: uuid.UUID, data: BaseModel
) -> Any:
    """Apply a partial change; the merged record is validated as a whole."""
    obj = get_record(session, principal, kind, record_id)
    if principal is not None:
        require(session, principal, actions.EDIT.name, obj)
    patch = data.model_dump(exclude_unset=True)
    current = as_input(kind, obj)
    merged = validate_input(kind.create, {**current, **patch}, "body")
    values = merged.model_dump()
    _check_fields(session, principal, kind, obj.org_unit_id, current, {k: values[k] for k in patch}, obj)
    if values["org_unit_id"] != obj.org_unit_id:
        _require_unit(session, principal, values["org_unit_id"], actions.EDIT.name)
        _check_moved_fields(session, principal, kind, values, obj)
    _check(session, principal, kind, values, changed=set(patch), record_id=obj.id)
    row = _to_columns(values)
    if any(row[k] != getattr(obj, k) for k in kind.key) or row["org_unit_id"] != obj.org_unit_id:
        clash = repo.KindRepository(session, kind).find_by_key(row["org_unit_id"], _key(kind, row))
        if clash is not None and clash.id != obj.id:
            raise Conflict(f"another {kind.entity.replace('_', ' ')} already has this {'/'.join(kind.key)}")
    for name, value in row.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
    session.flush()
    _people_changed(session, kind, [obj.id])
    return obj


def delete_record(session: Session, principal: Principal | None, kind: Kind, record_id: uuid.UUID) -> None:
    """Delete a record with its relations, software and references to it."""
    obj = get_record(session, principal, kind, record_id)
    if principal is not None:
        require(session, principal, actions.EDIT.name, obj)
    if kind.entity != "relation":
        repo.delete_relations_touching(session, obj.id)
        _clear_references(session, kind, obj.id)
    repo.KindRepository(session, kind).delete(obj)
    _people_changed(session, kind, [record_id])


def attest_record(
    session: Session, principal: Principal | None, kind: Kind, record_id: uuid.UUID, note: str = ""
) -> Any:
    """Confirm a record is still correct: stamp last_verified_at and log who vouched for it."""
    obj = get_record(session, principal, kind, record_id)
    if principal is not None:
        require(session, principal, actions.ATTEST.name, obj)
    obj.last_verified_at = utcnow()
    session.flush()
    who = principal.username if principal is not None else "console"
    record_event(session, "inventory.attested", kind.model.__tablename__, str(obj.id), {"by": who, "note": note})
    return obj


def is_stale(obj: Any, now: dt.datetime | None = None) -> bool:
    """Return whether nobody has verified the record within the configured number of days."""
    limit = dt.timedelta(days=get_inventory_settings().stale_after_days)
    return obj.last_verified_at is None or (now or utcnow()) - obj.last_verified_at > limit


def freshness(
    session: Session, principal: Principal, days: int | None = None, limit: int = 500
) -> list[dict[str, Any]]:
    """List records nobody verified in `days` days (default: the setting), with their owner, oldest first."""
    require(session, principal, actions.VIEW.name)
    days = days or get_inventory_settings().stale_after_days
    before = utcnow() - dt.timedelta(days=days)
    out: list[dict[str, Any]] = []
    for kind in KINDS.values():
        rows = repo.KindRepository(session, kind).stale(principal, before, limit)
        owners = repo.entity_repo(session, "person").labels(
            principal, {getattr(r, kind.owner) for r in rows if kind.owner and getattr(r, kind.owner)}
        )
        for r in rows:
            owner_id = getattr(r, kind.owner) if kind.owner else None
            out.append(
                {
                    "kind": kind.entity,
                    "id": r.id,
                    "label": label_of(kind, r),
                    "owner_id": owner_id,
                    "owner": owners.get(owner_id, "(no owner)") if owner_id else "(no owner)",
                    "last_verified_at": r.last_verified_at,
                    "days": None if r.last_verified_at is None else (utcnow() - r.last_verified_at).days,
                }
            )
    out.sort(key=lambda x: (x["owner"], x["kind"], x["days"] is not None, -(x["days"] or 0)))
    return out


def label_of(kind: Kind, obj: Any) -> str:
    """Return the display name of a record."""
    if kind.entity == "software":
        return f"{obj.name} {obj.version}".strip()
    return str(getattr(obj, kind.label))


def resolve_ref(session: Session, principal: Principal | None, ref: str) -> tuple[Kind, Any]:
    """Find a record from 'kind:name', 'kind:uuid' or a bare uuid."""
    kind_name, sep, rest = ref.partition(":")
    try:
        candidates = [kind_of(kind_name)] if sep else list(ENTITIES.values())
    except KeyError:  # not a kind: the colon belongs to the name ("SAP: Finance"), so look for it whole everywhere
        candidates, sep = list(ENTITIES.values()), ""
    needle = rest if sep else ref
    try:
        record_id = uuid.UUID(needle.strip())
    except ValueError:
        record_id = None
    for kind in candidates:
        repository = repo.KindRepository(session, kind)
        found = (
            [repository.get(principal, record_id)] if record_id else repository.find_visible_by_label(principal, needle)
        )
        found = [f for f in found if f is not None]
        if len(found) == 1:
            return kind, found[0]
        if len(found) > 1:
            raise Conflict(f"{ref!r} matches several {kind.plural}; use {kind.entity}:<id>")
    raise NotFound(f"no visible inventory record matches {ref!r} (use kind:name, e.g. application:EHR)")


def relations_of(session: Session, principal: Principal | None, record_id: uuid.UUID) -> list[Any]:
    """Return the visible relations from or to a record."""
    return repo.relations_of(session, principal, record_id)


def kinds_for_relations() -> list[str]:
    """Return the registered relation type names (the API's vocabulary)."""
    return [r.name for r in relation_types()]


# --- helpers ------------------------------------------------------------------------------------


def validate_input(schema: type[BaseModel], data: dict[str, Any], where: str) -> BaseModel:
    """Validate data against schema, turning pydantic errors into located InvalidInput."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        errors = [FieldError(".".join([where, *(str(p) for p in e["loc"])]), _reason(e)) for e in exc.errors()]
        raise InvalidInput(errors) from None


def _reason(err: Any) -> str:
    if err.get("type") == "extra_forbidden":
        return "unknown field"
    return str(err.get("msg", "invalid value")).removeprefix("Value error, ")


def as_input(kind: Kind, obj: Any) -> dict[str, Any]:
    """Return the record's current values in the shape of its create schema."""
    read = kind.read.model_validate(obj).model_dump()
    return {name: read[name] for name in kind.create.model_fields if name in read}


def _to_columns(values: dict[str, Any]) -> dict[str, Any]:
    row = dict(values)
    for prefix in MONEY_FIELDS:
        if prefix in row:
            money = row.pop(prefix)
            row[f"{prefix}_minor"] = None if money is None else int((money["amount"] * 100).to_integral_value())
            row[f"{prefix}_currency"] = None if money is None else money["currency"]
    return row


def _key(kind: Kind, row: dict[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in kind.key}


def _check_fields(
    session: Session,
    principal: Principal | None,
    kind: Kind,
    unit_id: uuid.UUID,
    current: dict[str, Any],
    wanted: dict[str, Any],
    record: Any = None,
) -> None:
    """Refuse a write that sets or changes a field principal may not change (sending it unchanged is fine)."""
    changed = [
        n for n in fields.restricted_names(f"inventory.{kind.entity}") if n in wanted and wanted[n] != current.get(n)
    ]
    if changed:
        field_access(session, principal, kind).check_write(unit_id, sorted(changed), record=record)


def _check_moved_fields(
    session: Session, principal: Principal | None, kind: Kind, values: dict[str, Any], record: Any
) -> None:
    """Refuse moving a record into a unit where principal may not change the restricted fields it carries there.

    The costs travel with the application: in the new unit they are as good as set there, so a move needs the
    write permission of every restricted field that has a value, on the destination (an empty field moves freely).
    """
    access = field_access(session, principal, kind)
    needs = access.unwritable(values["org_unit_id"])
    carried = sorted(n for n in needs if values.get(n) is not None)
    if carried:
        why = "{} has a value and moves with the record: moving it to this org unit needs the {} permission there"
        access.refuse([FieldError(f"body.{n}", why.format(n, needs[n])) for n in carried], record)


def _require_unit(session: Session, principal: Principal | None, unit_id: uuid.UUID, action: str) -> None:
    if session.get(OrgUnit, unit_id) is None:
        raise InvalidInput.one("body.org_unit_id", "no such org unit")
    if principal is not None:
        require(session, principal, action, _InUnit(unit_id))


def _check(
    session: Session,
    principal: Principal | None,
    kind: Kind,
    values: dict[str, Any],
    changed: set[str],
    record_id: uuid.UUID | None = None,
) -> None:
    errors: list[FieldError] = []
    for name, entity in kind.refs.items():
        value = values.get(name)
        if value is None or name not in changed:
            continue
        if value == record_id:
            errors.append(FieldError(f"body.{name}", f"a {kind.entity} cannot refer to itself"))
        elif not repo.entity_repo(session, entity).visible_ids(principal, [value]):
            errors.append(FieldError(f"body.{name}", f"no visible {entity.replace('_', ' ')} with this id"))
    if kind.entity == "relation" and record_id is None:
        errors.extend(_relation_errors(session, principal, values))
    if kind.entity == "capability" and record_id and values.get("parent_id") and "parent_id" in changed:
        errors.extend(_cycle_errors(session, kind, record_id, values["parent_id"]))
    start, end = values.get("start_date"), values.get("end_date")
    if kind.entity == "person" and start and end and end < start:
        errors.append(FieldError("body.end_date", "is before the start date"))
    if errors:
        raise InvalidInput(errors)


def _relation_errors(session: Session, principal: Principal | None, values: dict[str, Any]) -> list[FieldError]:
    rel = get_relation_type(values["type"])
    if rel is None:
        return [FieldError("body.type", f"unknown relation type (known: {', '.join(kinds_for_relations())})")]
    errors = []
    for end, allowed in (("source", rel.sources), ("target", rel.targets)):
        kind_name, obj_id = values[f"{end}_kind"], values[f"{end}_id"]
        if kind_name not in allowed:
            errors.append(
                FieldError(f"body.{end}_kind", f"'{rel.name}' needs a {end} of kind {', '.join(sorted(allowed))}")
            )
        elif kind_name not in ENTITIES or not repo.entity_repo(session, kind_name).visible_ids(principal, [obj_id]):
            errors.append(FieldError(f"body.{end}_id", f"no visible {kind_name.replace('_', ' ')} with this id"))
    if values["source_id"] == values["target_id"]:
        errors.append(FieldError("body.target_id", "a relation cannot point at its own source"))
    return errors


def _cycle_errors(session: Session, kind: Kind, record_id: uuid.UUID, parent_id: uuid.UUID) -> list[FieldError]:
    seen: set[uuid.UUID] = set()
    current: uuid.UUID | None = parent_id
    while current is not None and current not in seen:
        if current == record_id:
            return [FieldError("body.parent_id", "would make the capability its own ancestor")]
        seen.add(current)
        parent = session.get(kind.model, current)
        current = parent.parent_id if parent is not None else None
    return []


def _clear_references(session: Session, kind: Kind, record_id: uuid.UUID) -> None:
    """Null every reference to the record being deleted, through the ORM so each change is audited."""
    for other in KINDS.values():
        for name, entity in other.refs.items():
            if entity != kind.entity:
                continue
            for row in repo.referencing(session, other, name, record_id):
                if other.entity == "software":
                    session.delete(row)
                else:
                    setattr(row, name, None)
    session.flush()
