"""Scenario import from CSV or JSON: every row validated (FAIR inputs by the engine), all rows or none."""

from __future__ import annotations

import uuid
from codecs import BOM_UTF8
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import FieldError, InvalidInput, NotFound, TandemError
from tandem.platform.safety import jsondoc
from tandem.platform.safety.csvsafe import read_csv
from tandem.platform.safety.errors import UnsafeInput
from tandem.risk import actions, service
from tandem.risk.common import require_in_unit
from tandem.risk.inputs import ESTIMATE_FIELDS, FACTORS
from tandem.risk.schemas import ScenarioCreate

MAX_ROWS = 5000
INLINE_ROWS = 50  # larger files are simulated by `tandem risk simulate --all`, not row by row
CSV_COLUMNS = {"title", "description", "threat_community", "threat_event", "loss_types", "status", "review_date",
               "likelihood", "impact", "targets", "owner_id"}  # fmt: skip


def _fair_from_columns(row: dict[str, str]) -> dict[str, Any] | None:
    """Collect `fair.<factor>.<field>` columns into estimate objects (type inferred when not given)."""
    fair: dict[str, dict[str, Any]] = {}
    for column, value in row.items():
        if not column.startswith("fair.") or value.strip() == "":
            continue
        _, factor, field = ([*column.split(".", 2), "", ""])[:3]
        est = fair.setdefault(factor, {})
        if field == "type":
            est["type"] = value.strip()
        else:
            try:
                est[field] = float(value)
            except ValueError:
                est[field] = value
    for est in fair.values():
        if "type" not in est:
            est["type"] = "pert" if "mode" in est else "constant" if "value" in est else "lognormal90"
    return fair or None


def _csv_rows(data: bytes, name: str) -> list[tuple[int, dict[str, Any]]]:
    fair_columns = {f"fair.{f}.{k}" for f in FACTORS for spec in ESTIMATE_FIELDS.values()
                    for k in (*spec[1], *spec[2], "type")}  # fmt: skip
    try:
        rows = read_csv(data, name, required={"title"}, allowed=CSV_COLUMNS | fair_columns, max_rows=MAX_ROWS)
    except UnsafeInput as exc:
        raise InvalidInput.one(exc.location or name, exc.reason) from None
    out = []
    for n, row in enumerate(rows):
        item: dict[str, Any] = {k: v for k, v in row.items() if not k.startswith("fair.") and v.strip() != ""}
        if "loss_types" in item:
            item["loss_types"] = [t.strip() for t in item["loss_types"].split(";") if t.strip()]
        if "targets" in item:
            item["targets"] = [t.strip() for t in item["targets"].split(";") if t.strip()]
        fair = _fair_from_columns(row)
        if fair:
            item["fair"] = fair
        out.append((n + 2, item))
    return out


def _json_rows(data: bytes, name: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        # depth-bounded; the caller bounds the size; a UTF-8 BOM (Windows editors) is allowed
        parsed = jsondoc.load_json(data.removeprefix(BOM_UTF8), name, max_bytes=len(data))
    except UnsafeInput as exc:
        raise InvalidInput.one(exc.location or name, exc.reason) from None
    items = parsed.get("scenarios") if isinstance(parsed, dict) else parsed
    if not isinstance(items, list) or len(items) > MAX_ROWS:
        raise InvalidInput.one(name, f"must be a list of at most {MAX_ROWS} scenarios (or {{'scenarios': [...]}})")
    return [(n, item if isinstance(item, dict) else {"_": item}) for n, item in enumerate(items)]


def _targets(session: Session, principal: Principal | None, refs: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """Resolve 'kind:name' or {'kind', 'id'} references through the inventory."""
    out, errors = [], []
    for ref in refs if isinstance(refs, list) else []:
        if isinstance(ref, dict):
            out.append(ref)
            continue
        try:
            kind, obj = inventory.resolve_ref(session, principal, str(ref))
            out.append({"kind": kind.entity, "id": str(obj.id)})
        except (NotFound, KeyError, TandemError) as exc:
            errors.append(f"{ref}: {getattr(exc, 'message', str(exc))}")
    return out, errors


def import_scenarios(
    session: Session, principal: Principal | None, data: bytes, name: str, unit_id: uuid.UUID
) -> dict[str, Any]:
    """Create every scenario of a CSV or JSON file, or none; errors are 'file:row: field: reason'."""
    require_in_unit(session, principal, unit_id, actions.IMPORT.name, "unit")
    rows = _json_rows(data, name) if name.lower().endswith(".json") else _csv_rows(data, name)
    errors: list[FieldError] = []
    made = []
    for line, item in rows:
        where = f"{name}:{line}"
        targets, bad = _targets(session, principal, item.get("targets", []))
        errors += [FieldError(f"{where}: targets", b) for b in bad]
        try:
            payload = ScenarioCreate.model_validate({**item, "targets": targets, "org_unit_id": unit_id,
                                                     "source": f"imported from {name}"[:200]})  # fmt: skip
        except ValidationError as exc:
            errors += [FieldError(f"{where}: " + ".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.errors()]
            continue
        try:
            with session.begin_nested():
                made.append(service.create_scenario(session, principal, payload, quantify=len(rows) <= INLINE_ROWS))
        except InvalidInput as exc:
            errors += [FieldError(f"{where}: {e.location.removeprefix('body.')}", e.reason) for e in exc.errors]
    if errors:
        raise InvalidInput(errors)
    return {"added": len(made), "ids": [str(s.id) for s in made]}
