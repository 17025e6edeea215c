"""Import contracts from CSV: every row or none; errors are 'file:line: field: reason'."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import FieldError, InvalidInput, TandemError
from tandem.platform.safety.csvsafe import read_csv
from tandem.platform.safety.errors import UnsafeInput
from tandem.vendors import actions, contracts
from tandem.vendors.common import require_in_unit
from tandem.vendors.schemas import ContractCreate

MAX_ROWS = 5000
COLUMNS = {"vendor", "title", "products", "category", "applications", "start_date", "end_date", "notice_days",
           "auto_renew", "yearly_value", "currency", "payment_schedule", "owner", "status",
           "negotiation_notes"}  # fmt: skip
TRUE = {"yes", "true", "1", "y"}


def _ref(session: Session, principal: Principal | None, kind: str, value: str) -> tuple[str | None, str | None]:
    """Return (id, None) for a 'name or id' reference of kind, or (None, reason)."""
    try:
        _, obj = inventory.resolve_ref(session, principal, f"{kind}:{value.strip()}")
    except TandemError as exc:
        return None, exc.message
    return str(obj.id), None


def _payload(
    session: Session, principal: Principal | None, row: dict[str, str], unit_id: uuid.UUID, name: str
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    item: dict[str, Any] = {k: v.strip() for k, v in row.items() if v.strip() and k not in ("vendor", "owner")}
    problems: list[tuple[str, str]] = []
    vendor_id, why = _ref(session, principal, "vendor", row.get("vendor", ""))
    if why:
        problems.append(("vendor", why))
    item["vendor_id"] = vendor_id or str(uuid.uuid4())
    if row.get("owner", "").strip():
        owner_id, why = _ref(session, principal, "person", row["owner"])
        item["owner_id"] = owner_id
        if why:
            problems.append(("owner", why))
    apps = [a.strip() for a in item.pop("applications", "").split(";") if a.strip()]
    item["application_ids"] = []
    for app in apps:
        app_id, why = _ref(session, principal, "application", app)
        if why:
            problems.append(("applications", why))
        elif app_id:
            item["application_ids"].append(app_id)
    if "yearly_value" in item:
        item["yearly_value"] = {"amount": item["yearly_value"].replace(",", ""),
                                "currency": item.pop("currency", "USD")}  # fmt: skip
    item.pop("currency", None)
    if "auto_renew" in item:
        item["auto_renew"] = item["auto_renew"].lower() in TRUE
    return {**item, "org_unit_id": str(unit_id), "source": f"imported from {name}"[:200]}, problems


def import_contracts(
    session: Session, principal: Principal | None, data: bytes, name: str, unit_id: uuid.UUID
) -> dict[str, Any]:
    """Create every contract of a CSV file, or none."""
    require_in_unit(session, principal, unit_id, actions.IMPORT.name, "org_unit_id")
    try:
        rows = read_csv(data, name, required={"vendor", "title"}, allowed=COLUMNS, max_rows=MAX_ROWS)
    except UnsafeInput as exc:
        raise InvalidInput.one(exc.location or name, exc.reason) from None
    errors: list[FieldError] = []
    made = []
    whole = session.begin_nested()  # undone on any error, so even a caller that keeps going holds nothing
    for n, row in enumerate(rows, start=2):
        where = f"{name}:{n}"
        payload, problems = _payload(session, principal, row, unit_id, name)
        errors += [FieldError(f"{where}: {field}", reason) for field, reason in problems]
        try:
            data_in = ContractCreate.model_validate(payload)
        except ValidationError as exc:
            errors += [FieldError(f"{where}: {'.'.join(str(p) for p in e['loc'])}", e["msg"]) for e in exc.errors()]
            continue
        if problems:
            continue
        try:
            with session.begin_nested():
                made.append(contracts.create_contract(session, principal, data_in))
        except InvalidInput as exc:
            errors += [FieldError(f"{where}: {e.location.removeprefix('body.')}", e.reason) for e in exc.errors]
    if errors:
        whole.rollback()
        raise InvalidInput(errors)
    whole.commit()
    return {"added": len(made), "ids": [str(c.id) for c in made]}
