"""Exports in the import format (so a file round-trips): CSV with formula escaping, or JSON."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import actions
from tandem.inventory import repository as repo
from tandem.inventory.columns import REF_KEY, columns_for
from tandem.inventory.kinds import ENTITIES, Kind
from tandem.platform.audit.chain import jsonable
from tandem.platform.auth import fields
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.safety.csvsafe import iter_csv


def export_rows(session: Session, principal: Principal | None, kind: Kind) -> tuple[list[str], list[dict[str, Any]]]:
    """Return the column names and one dict per visible record, references written as names."""
    if principal is not None:
        require(session, principal, actions.EXPORT.name)
    cols = columns_for(kind.plural)
    rows = list(repo.KindRepository(session, kind).all(repo.KindRepository(session, kind).base_query(principal)))
    names = _reference_names(session, principal, kind, rows)
    units = dict(repo.unit_names(session))
    access = fields.access(session, principal, f"inventory.{kind.entity}")
    out = []
    for row in rows:
        hidden = access.hidden(row.org_unit_id)  # left out of the row (an empty cell in CSV), ASVS V8.2.3
        item: dict[str, Any] = {}
        for col in cols:
            if col.field not in hidden:
                item[col.name] = _cell(row, col.name, col.field, col.kind, names, units)
        out.append(item)
    return [c.name for c in cols if _shown(access, c.field, rows)], out


def _shown(access: fields.FieldAccess, field: str, rows: list[Any]) -> bool:
    """Keep a column if the caller may read it on some exported record (or anywhere, when there are none)."""
    if field not in fields.restricted_names(access.resource):
        return True
    if not rows:
        return field not in access.hidden(None)
    return any(field not in access.hidden(unit) for unit in {r.org_unit_id for r in rows})


def _cell(row: Any, name: str, field: str, kind: str, names: dict[uuid.UUID, str], units: dict[uuid.UUID, str]) -> Any:
    if kind == "unit":
        return units.get(row.org_unit_id, "")
    if kind == "ref":
        if field in ("source", "target"):
            return f"{getattr(row, f'{field}_kind')}:{names.get(getattr(row, f'{field}_id'), '')}"
        ref = getattr(row, field)
        return names.get(ref, "") if ref else None
    if kind == "money_amount":
        minor = getattr(row, f"{field}_minor")
        return None if minor is None else f"{minor / 100:.2f}"
    if kind == "money_currency":
        return getattr(row, f"{field}_currency")
    return getattr(row, field)


def _reference_names(
    session: Session, principal: Principal | None, kind: Kind, rows: list[Any]
) -> dict[uuid.UUID, str]:
    wanted: dict[str, set[uuid.UUID]] = {}
    for field, entity in kind.refs.items():
        wanted.setdefault(entity, set()).update(getattr(r, field) for r in rows if getattr(r, field))
    if kind.entity == "relation":
        for r in rows:
            wanted.setdefault(r.source_kind, set()).add(r.source_id)
            wanted.setdefault(r.target_kind, set()).add(r.target_id)
    names: dict[uuid.UUID, str] = {}
    for entity, ids in wanted.items():
        if entity in ENTITIES:
            attr = REF_KEY.get(entity, ENTITIES[entity].label)
            for rid, _unit, label in repo.label_index(session, principal, ENTITIES[entity], attr):
                if rid in ids:
                    names[rid] = str(label)
    return names


def render(columns: list[str], rows: list[dict[str, Any]], fmt: str) -> Iterator[str]:
    """Yield the export as CSV (every cell formula-escaped, lists joined by ';') or as a JSON array."""
    if fmt == "json":
        yield json.dumps([{k: jsonable(v) for k, v in r.items()} for r in rows], indent=2, ensure_ascii=False)
        yield "\n"
        return

    def flat(value: Any) -> Any:
        if isinstance(value, list):
            return ";".join(str(v) for v in value)
        if isinstance(value, bool):
            return "true" if value else "false"
        return jsonable(value)

    yield from iter_csv(([flat(r.get(c)) for c in columns] for r in rows), columns)
