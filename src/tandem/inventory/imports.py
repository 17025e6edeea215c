"""Imports: resolve names, validate every row, plan (add / change / leave alone), then write in bulk.

All or nothing: any bad row rejects the whole file with every error as file:line:column, and nothing is
written. Writes use Core executemany inside the caller's transaction; the audit log gets one summary
event per import, plus one entry per row when the import is small (PER_ROW_AUDIT_LIMIT).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from tandem.inventory import actions
from tandem.inventory import repository as repo
from tandem.inventory.columns import REF_KEY, columns_for
from tandem.inventory.importers import cyclonedx, tabular
from tandem.inventory.kinds import ENTITIES, KINDS, Kind, kind_of
from tandem.inventory.service import PEOPLE_CHANGED, _to_columns
from tandem.inventory.settings import get_inventory_settings
from tandem.platform import events
from tandem.platform.audit.chain import jsonable
from tandem.platform.audit.writer import append, record_event
from tandem.platform.auth import fields
from tandem.platform.auth.permissions import require, unit_path
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.platform.errors import FieldError, InvalidInput, NotFound, PermissionDenied

PER_ROW_AUDIT_LIMIT = 1000
ANALYZE_AFTER = 1000  # rows written; bulk loads refresh planner statistics so lists keep their indexes
KEEP = {"id", "created_at", "updated_at", "source", "last_verified_at"}
Progress = Callable[[int, int, str], None]


@dataclass
class Plan:
    """What an import would do."""

    kind: str
    file: str
    adds: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    preview: list[dict[str, Any]] = field(default_factory=list)  # first rows: line, action, label, fields

    def summary(self) -> dict[str, Any]:
        """Return the counts and the preview."""
        return {
            "kind": self.kind,
            "file": self.file,
            "added": len(self.adds),
            "changed": len(self.changes),
            "unchanged": self.unchanged,
            "preview": self.preview,
        }


def import_file(
    session: Session,
    principal: Principal | None,
    kind_name: str,
    data: bytes,
    file_name: str,
    *,
    fmt: str | None = None,
    unit_id: uuid.UUID | None = None,
    application: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Import a file of one kind (or a CycloneDX SBOM); return the plan summary, applied unless dry_run."""
    if principal is not None:
        require(session, principal, actions.IMPORT.name)
    report = progress or (lambda done, total, msg: None)
    fmt = (fmt or file_name.rsplit(".", 1)[-1]).lower()
    if kind_name == "sbom":
        kind, records = _sbom_records(session, principal, data, file_name, application)
    else:
        kind = _kind(kind_name)
        max_rows = get_inventory_settings().max_import_rows
        rows = tabular.parse(data, file_name, fmt, columns_for(kind.plural), max_rows)
        report(0, len(rows), f"parsed {len(rows)} rows")
        records = _Resolver(session, principal, kind, file_name, unit_id).resolve(rows)
    plan = _plan(session, principal, kind, records, file_name, report)
    if not dry_run:
        _apply(session, kind, plan, report)
    return plan.summary() | {"dry_run": dry_run}


def _kind(name: str) -> Kind:
    try:
        kind = kind_of(name)
    except KeyError:
        raise InvalidInput.one("kind", f"unknown kind {name!r}; use {', '.join(KINDS)} or sbom") from None
    return kind


@dataclass
class Record:
    """A validated row ready to plan: its location, table values and natural key."""

    line: int
    values: dict[str, Any]
    given: dict[str, tuple[str, int]] = field(default_factory=dict)  # restricted field -> (column, position)


class _Resolver:
    """Turns parsed rows into validated table values, naming references by their natural keys."""

    def __init__(
        self, session: Session, principal: Principal | None, kind: Kind, file: str, unit_id: uuid.UUID | None
    ) -> None:
        self.session, self.principal, self.kind, self.file, self.unit_id = session, principal, kind, file, unit_id
        self.maps: dict[str, dict[str, list[tuple[uuid.UUID, uuid.UUID]]]] = {}
        self.units: dict[str, list[uuid.UUID]] = {}
        self.errors: list[FieldError] = []

    def resolve(self, rows: list[tabular.Row]) -> list[Record]:
        columns = {c.name: c for c in columns_for(self.kind.plural)}
        records = []
        for row in rows:
            values = self._row(row, columns)
            if values is not None:
                records.append(Record(row.line, values, _given(self.kind, row, columns)))
        if self.errors:
            raise InvalidInput(self.errors)
        return records

    def _err(self, row: tabular.Row, column: str, reason: str) -> None:
        self.errors.append(FieldError(f"{self.file}:{row.line}:{row.positions.get(column, 1)}", reason))

    def _row(self, row: tabular.Row, columns: dict[str, tabular.Column]) -> dict[str, Any] | None:
        data: dict[str, Any] = {}
        unit = self._unit(row)
        if unit is None:
            return None
        data["org_unit_id"] = unit
        for name, value in row.values.items():
            col = columns[name]
            if col.kind == "ref":
                target = self._ref(row, col, str(value), unit)
                if target is None:
                    return None
                data.update(target)
            elif col.kind in ("money_amount", "money_currency"):
                data.setdefault(col.field, {})["amount" if col.kind == "money_amount" else "currency"] = value
            elif col.kind != "unit":
                data[col.field] = value
        try:
            validated = self.kind.create.model_validate(data)
        except ValidationError as exc:
            for e in exc.errors():
                self._err(row, _column_of(e["loc"], columns), f"{'.'.join(map(str, e['loc']))}: {_msg(e)}")
            return None
        return _to_columns(validated.model_dump())

    def _unit(self, row: tabular.Row) -> uuid.UUID | None:
        name = row.values.get("org_unit")
        if not name:
            if self.unit_id is None:
                self._err(row, "org_unit", "org_unit: no org unit given (add the column or choose a unit)")
            return self.unit_id
        if not self.units:
            for unit_id, unit_name in repo.unit_names(self.session):
                self.units.setdefault(unit_name.lower(), []).append(unit_id)
        found = self.units.get(str(name).strip().lower(), [])
        if len(found) != 1:
            self._err(row, "org_unit", f"org_unit: {'several' if found else 'no'} org units named {name!r}")
            return None
        return found[0]

    def _ref(self, row: tabular.Row, col: tabular.Column, value: str, unit: uuid.UUID) -> dict[str, Any] | None:
        if self.kind.entity == "relation":
            entity, sep, label = value.partition(":")
            if not sep or entity not in ENTITIES:
                self._err(
                    row, col.name, f"{col.name}: write kind:name, e.g. application:EHR (kinds: {', '.join(ENTITIES)})"
                )
                return None
            found = self._lookup(entity, label, unit)
            end = col.field
            if found is None:
                self._err(row, col.name, f"{col.name}: no visible {entity.replace('_', ' ')} {label!r}")
                return None
            return {f"{end}_kind": entity, f"{end}_id": found}
        found = self._lookup(col.ref, value, unit)
        if found is None:
            self._err(row, col.name, f"{col.name}: no visible {col.ref.replace('_', ' ')} {value!r}")
            return None
        return {col.field: found}

    def _lookup(self, entity: str, label: str, unit: uuid.UUID) -> uuid.UUID | None:
        if entity not in self.maps:
            attr = REF_KEY.get(entity, ENTITIES[entity].label)
            mapping: dict[str, list[tuple[uuid.UUID, uuid.UUID]]] = {}
            for rid, runit, rlabel in repo.label_index(self.session, self.principal, ENTITIES[entity], attr):
                mapping.setdefault(str(rlabel).lower(), []).append((rid, runit))
            self.maps[entity] = mapping
        candidates = self.maps[entity].get(label.strip().lower(), [])
        same_unit = [rid for rid, runit in candidates if runit == unit]
        if len(same_unit) == 1 or len(candidates) == 1:
            return same_unit[0] if same_unit else candidates[0][0]
        return None


def _given(kind: Kind, row: tabular.Row, columns: dict[str, tabular.Column]) -> dict[str, tuple[str, int]]:
    """Return the restricted fields this row fills, each with its first column and that column's position."""
    restricted = fields.restricted_names(f"inventory.{kind.entity}")
    out: dict[str, tuple[str, int]] = {}
    for name in row.values:
        col = columns[name]
        if col.field in restricted and col.field not in out:
            out[col.field] = (name, row.positions.get(name, 1))
    return out


def _column_of(loc: tuple[Any, ...], columns: dict[str, tabular.Column]) -> str:
    first = str(loc[0]) if loc else ""
    for col in columns.values():
        if col.field == first:
            if col.kind.startswith("money") and len(loc) > 1 and col.kind != f"money_{loc[1]}":
                continue
            return col.name
    return first


def _msg(err: Any) -> str:
    return str(err.get("msg", "invalid value")).removeprefix("Value error, ")


def _sbom_records(
    session: Session, principal: Principal | None, data: bytes, file: str, application: str | None
) -> tuple[Kind, list[Record]]:
    from tandem.inventory.service import resolve_ref

    if not application:
        raise InvalidInput.one("application", "an SBOM is imported into an application; name it")
    app_kind, app = resolve_ref(session, principal, application if ":" in application else f"application:{application}")
    if app_kind.entity != "application":
        raise InvalidInput.one("application", f"{application!r} is not an application")
    components = cyclonedx.parse_sbom(data, file)
    records = []
    for c in components:
        values = {
            "org_unit_id": app.org_unit_id,
            "name": c.name,
            "version": c.version,
            "vendor": c.vendor,
            "cpe": c.cpe,
            "purl": c.purl,
            "asset_id": None,
            "application_id": app.id,
        }
        records.append(Record(c.line, values))
    return KINDS["software"], records


def _plan(
    session: Session, principal: Principal | None, kind: Kind, records: list[Record], file: str, report: Progress
) -> Plan:
    units = {r.values["org_unit_id"] for r in records}
    _check_units(session, principal, units)
    keys = [(r.values["org_unit_id"], *(_norm(r.values.get(k)) for k in kind.key)) for r in records]
    index = repo.KindRepository(session, kind).key_index(keys)
    plan = Plan(kind.plural, file)
    seen: dict[tuple[Any, ...], int] = {}
    errors = []
    guard = _FieldGuard(fields.access(session, principal, f"inventory.{kind.entity}"), file)
    for n, record in enumerate(records):
        key = (record.values["org_unit_id"], *(_norm(record.values.get(k)) for k in kind.key))
        if key in seen:
            errors.append(FieldError(f"{file}:{record.line}:1", f"same {'/'.join(kind.key)} as line {seen[key]}"))
            continue
        seen[key] = record.line
        existing = index.get(key)
        guard.check(record, existing)
        _plan_one(plan, kind, record, existing)
        if n % 10_000 == 0:
            report(n, len(records), "planning")
    if errors:
        raise InvalidInput(errors)
    guard.raise_if_refused()
    return plan


class _FieldGuard:
    """Restricted fields (application costs) in an import: all or nothing, like every other problem.

    A row may not set or change a field the importer may not change; a row that leaves it empty keeps the
    record's current value (without the right to change it, an empty cell cannot mean "clear it").
    """

    def __init__(self, access: fields.FieldAccess, file: str) -> None:
        self.access, self.file = access, file
        self.restricted = fields.restricted_names(access.resource)
        self.errors: list[FieldError] = []

    def check(self, record: Record, existing: dict[str, Any] | None) -> None:
        if not self.restricted:
            return
        locked = self.access.unwritable(record.values["org_unit_id"])
        for name, action in locked.items():
            cols = [c for c in record.values if c == name or c.startswith(f"{name}_")]
            if name not in record.given:
                if existing is not None:  # keep what is there
                    for c in cols:
                        record.values.pop(c)
                continue
            if existing is None and all(record.values.get(c) is None for c in cols):
                continue
            if existing is not None and all(record.values.get(c) == existing.get(c) for c in cols):
                continue
            column, position = record.given[name]
            why = f"{column}: you may not set or change {name}: it needs the {action} permission on the row's org unit"
            self.errors.append(FieldError(f"{self.file}:{record.line}:{position}", why))

    def raise_if_refused(self) -> None:
        if self.errors:
            self.access.refuse(self.errors)


def _plan_one(plan: Plan, kind: Kind, record: Record, existing: dict[str, Any] | None) -> None:
    label = str(record.values.get(kind.label, ""))
    if existing is None:
        plan.adds.append(record.values)
        action, fields = "add", sorted(record.values)
    else:
        changed = {k: v for k, v in record.values.items() if k not in KEEP and existing.get(k) != v}
        if not changed:
            plan.unchanged += 1
            action, fields = "unchanged", []
        else:
            plan.changes.append({"id": existing["id"], **changed})
            action, fields = "change", sorted(changed)
    if len(plan.preview) < 200:
        plan.preview.append({"line": record.line, "action": action, "label": label, "fields": fields})


def _norm(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _check_units(session: Session, principal: Principal | None, units: set[uuid.UUID]) -> None:
    if principal is None:
        return
    for unit_id in units:
        path = unit_path(session, unit_id)
        if not principal.can(actions.EDIT.name, path):
            if principal.can(actions.VIEW.name, path):
                raise PermissionDenied("you may not edit inventory in one of the file's org units")
            raise NotFound("org unit not found")


def _apply(session: Session, kind: Kind, plan: Plan, report: Progress) -> None:
    now, source = utcnow(), f"import:{plan.file}"[:200]
    stamp = {"updated_at": now, "source": source, "last_verified_at": now}
    adds = [{"id": uuid.uuid4(), "created_at": now, **values, **stamp} for values in plan.adds]
    changes = [{**change, **stamp} for change in plan.changes]
    repository = repo.KindRepository(session, kind)
    for start in range(0, len(adds), 20_000):
        repository.bulk_insert(adds[start : start + 20_000])
        report(start + min(20_000, len(adds) - start), len(adds) + len(changes), "adding")
    repository.bulk_update(changes)
    written = len(adds) + len(changes)
    if written >= ANALYZE_AFTER and written * 10 >= repository.row_count():
        repository.analyze()  # the table grew or changed by a tenth or more: stale statistics mislead the planner
    table = kind.model.__tablename__
    if kind.entity == "person" and written:
        events.publish(PEOPLE_CHANGED, session, person_ids=[a["id"] for a in adds] + [c["id"] for c in changes])
    if len(adds) + len(changes) <= PER_ROW_AUDIT_LIMIT:
        items = [
            {
                "action": "create",
                "entity_type": table,
                "entity_id": str(a["id"]),
                "changes": {k: [None, jsonable(v)] for k, v in a.items()},
            }
            for a in adds
        ]
        items += [
            {
                "action": "update",
                "entity_type": table,
                "entity_id": str(c["id"]),
                "changes": {k: [None, jsonable(v)] for k, v in c.items() if k != "id"},
            }
            for c in changes
        ]
        append(session, items)
    record_event(
        session,
        "inventory.imported",
        table,
        None,
        {
            "file": plan.file,
            "added": len(adds),
            "changed": len(changes),
            "unchanged": plan.unchanged,
            "per_row_audit": len(adds) + len(changes) <= PER_ROW_AUDIT_LIMIT,
        },
    )
