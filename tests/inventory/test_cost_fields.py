"""Application costs are field-restricted: inventory.costs.view to see them, inventory.costs.edit to change them,
checked on the record's org unit, in reads, writes, exports and imports (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.inventory import exports, imports, service
from tandem.inventory.kinds import KINDS
from tandem.inventory.models import Application
from tandem.platform.auth.fields import FieldsDenied
from tandem.platform.auth.permissions import unit_path
from tandem.platform.auth.principal import Grant, Principal
from tests.inventory.conftest import Org

APPS = KINDS["applications"]
COST = {"amount": "120000.50", "currency": "USD"}


def who(session: Session, *grants: tuple[str, uuid.UUID]) -> Principal:
    return Principal(
        user_id=uuid.uuid4(),
        username="-".join(role for role, _ in grants),
        grants=tuple(Grant(role, unit, unit_path(session, unit) or "/") for role, unit in grants),
    )


def app(session: Session, org: Org, **extra: Any) -> Any:
    data = {"name": f"EHR-{uuid.uuid4().hex[:6]}", "org_unit_id": org.it, "run_cost": COST, **extra}
    return service.create_record(session, None, APPS, APPS.create.model_validate(data))


def patch(session: Session, principal: Principal, obj: Any, **data: Any) -> Any:
    return service.update_record(session, principal, APPS, obj.id, APPS.update.model_validate(data))


def test_reads_leave_costs_out_for_a_viewer_only(session: Session, org: Org) -> None:
    priced, unpriced = app(session, org), app(session, org, run_cost=None)
    viewer, cio = who(session, ("viewer", org.root)), who(session, ("cio", org.root))
    seen = service.read_out(session, viewer, APPS, priced)
    assert "run_cost" not in seen and "change_cost" not in seen and seen["name"] == priced.name
    assert service.read_out(session, cio, APPS, priced)["run_cost"]["amount"] == Decimal("120000.50")
    # No cost set is null for those who may see costs: absent and null mean different things.
    unpriced_out = service.read_out(session, cio, APPS, unpriced)
    assert unpriced_out["run_cost"] is None and "run_cost" not in service.read_out(session, viewer, APPS, unpriced)


def test_reading_costs_is_checked_on_the_records_unit(session: Session, org: Org) -> None:
    it_app, finance_app = app(session, org), app(session, org, org_unit_id=org.finance)
    mixed = who(session, ("viewer", org.root), ("auditor", org.finance))
    assert "run_cost" not in service.read_out(session, mixed, APPS, it_app)
    assert service.read_out(session, mixed, APPS, finance_app)["run_cost"] is not None


def test_security_analyst_may_not_change_costs_but_may_edit_the_rest(session: Session, org: Org) -> None:
    obj = app(session, org)
    analyst = who(session, ("security_analyst", org.root))
    with pytest.raises(FieldsDenied) as refused:
        patch(session, analyst, obj, run_cost={"amount": "1", "currency": "USD"}, data_classification="restricted")
    assert [e.location for e in refused.value.errors] == ["body.run_cost"]
    assert "inventory.costs.edit" in refused.value.message and "run_cost" in refused.value.message
    session.refresh(obj)
    assert obj.run_cost_minor == 12000050 and obj.data_classification == "internal"
    with pytest.raises(FieldsDenied, match="change_cost"):
        patch(session, analyst, obj, change_cost={"amount": "5", "currency": "EUR"})
    with pytest.raises(FieldsDenied, match="run_cost"):
        patch(session, analyst, obj, run_cost=None)  # clearing is changing
    patch(session, analyst, obj, data_classification="restricted", run_cost=COST)  # the same cost is no change
    assert obj.data_classification == "restricted" and obj.run_cost_minor == 12000050


def test_cost_keepers_may_change_costs_in_their_units_only(session: Session, org: Org) -> None:
    obj = app(session, org)
    patch(session, who(session, ("it_analyst", org.it)), obj, run_cost={"amount": "99", "currency": "EUR"})
    assert (obj.run_cost_minor, obj.run_cost_currency) == (9900, "EUR")
    elsewhere = who(session, ("cio", org.finance), ("security_analyst", org.it))
    with pytest.raises(FieldsDenied, match="run_cost"):
        patch(session, elsewhere, obj, run_cost=COST)


def test_create_with_a_cost_needs_costs_edit(session: Session, org: Org) -> None:
    analyst = who(session, ("security_analyst", org.root))
    data = {"name": "Lab", "org_unit_id": org.it, "run_cost": COST}
    before = session.scalar(select(func.count()).select_from(Application))
    with pytest.raises(FieldsDenied, match="run_cost"):
        service.create_record(session, analyst, APPS, APPS.create.model_validate(data))
    assert session.scalar(select(func.count()).select_from(Application)) == before
    made = service.create_record(session, analyst, APPS, APPS.create.model_validate({**data, "run_cost": None}))
    assert made.run_cost_minor is None


def test_exports_drop_cost_columns_for_a_viewer(session: Session, org: Org) -> None:
    obj = app(session, org)
    viewer, cio = who(session, ("viewer", org.root)), who(session, ("cio", org.root))
    columns, rows = exports.export_rows(session, viewer, APPS)
    assert not any("cost" in c for c in columns)
    mine = next(r for r in rows if r["name"] == obj.name)
    assert not any("cost" in k for k in mine)
    text = "".join(exports.render(columns, rows, "csv"))
    assert "cost" not in text.splitlines()[0] and "120000.50" not in text
    assert "cost" not in "".join(exports.render(columns, rows, "json"))
    columns, rows = exports.export_rows(session, cio, APPS)
    assert "run_cost_amount" in columns
    assert next(r for r in rows if r["name"] == obj.name)["run_cost_amount"] == "120000.50"


def _import(session: Session, principal: Principal, body: str, name: str = "apps.csv", **kw: Any) -> dict[str, Any]:
    return imports.import_file(session, principal, "applications", body.encode(), name, **kw)


def test_import_setting_costs_without_costs_edit_is_refused_whole(session: Session, org: Org) -> None:
    obj = app(session, org)
    analyst = who(session, ("security_analyst", org.root))
    unit = session.get(type(obj), obj.id).org_unit_id
    body = (
        "name,data_classification,run_cost_amount,run_cost_currency\n"
        f"{obj.name},restricted,,\n"  # no cost: allowed, the current cost is kept
        "Brand new,internal,10.00,USD\n"  # a cost on a new record
        f"{obj.name}-2,internal,,\n"
    )
    count = session.scalar(select(func.count()).select_from(Application))
    with pytest.raises(FieldsDenied) as refused:
        _import(session, analyst, body, unit_id=unit)
    assert [(e.location, e.reason.split(":")[0]) for e in refused.value.errors] == [("apps.csv:3:3", "run_cost_amount")]
    assert "inventory.costs.edit" in refused.value.errors[0].reason
    assert session.scalar(select(func.count()).select_from(Application)) == count
    session.refresh(obj)
    assert obj.data_classification == "internal"

    changed = f'[{{"name": "{obj.name}", "run_cost_amount": "1.00", "run_cost_currency": "USD"}}]'
    with pytest.raises(FieldsDenied) as refused:
        _import(session, analyst, changed, "apps.json", unit_id=unit)
    assert refused.value.errors[0].location.startswith("apps.json:1:")


def test_import_without_costs_keeps_them_and_keepers_may_set_them(session: Session, org: Org) -> None:
    obj = app(session, org)
    analyst = who(session, ("security_analyst", org.root))
    same = f"name,data_classification,run_cost_amount,run_cost_currency\n{obj.name},restricted,120000.50,USD\n"
    assert _import(session, analyst, same, unit_id=org.it)["changed"] == 1
    omitted = f"name,data_classification\n{obj.name},confidential\n"
    assert _import(session, analyst, omitted, unit_id=org.it)["changed"] == 1
    session.expire_all()
    current = session.get(Application, obj.id)
    assert current is not None and current.data_classification == "confidential"
    assert current.run_cost_minor == 12000050  # an import without the right cannot clear the cost
    keeper = who(session, ("it_analyst", org.root))
    priced = f"name,run_cost_amount,run_cost_currency\n{obj.name},7.00,EUR\n"
    assert _import(session, keeper, priced, unit_id=org.it)["changed"] == 1
    session.expire_all()
    assert session.get(Application, obj.id).run_cost_minor == 700  # type: ignore[union-attr]


def test_export_of_a_restricted_reader_reimports_without_touching_costs(session: Session, org: Org) -> None:
    obj = app(session, org)
    analyst = who(session, ("security_analyst", org.root))
    viewer = who(session, ("viewer", org.root))
    columns, rows = exports.export_rows(session, viewer, APPS)
    mine = [r for r in rows if r["name"] == obj.name]
    body = "".join(exports.render(columns, mine, "json"))
    assert json.loads(body)[0]["name"] == obj.name
    assert _import(session, analyst, body, "back.json", unit_id=org.it)["changed"] == 0
