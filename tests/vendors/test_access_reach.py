"""A vendor's reach through access governance (its accounts by e-mail domain → entitlements → data stores), and
offboarding verified by the next accounts import, on a real database."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tandem.access import imports
from tandem.access import service as access
from tandem.access.schemas import SystemCreate
from tandem.inventory import service as inventory
from tandem.platform.auth.principal import Grant, Principal
from tandem.platform.db.uow import set_database
from tandem.platform.errors import NotFound
from tandem.vendors import cli, contracts, exposure, service
from tandem.vendors.schemas import ContractCreate
from tests.support.live import Live
from tests.vendors.conftest import World, make

TODAY = dt.date.today()
HEADER = "system,account_id,username,email,employee_id,status,created_at,last_login_at,is_privileged,"
HEADER += "is_service_account,owner_employee_id\n"


def _accounts(status: str) -> bytes:
    return (
        HEADER + f"crm,v1,acme.support,support@ACME-vendor.example,,{status},2024-01-01,,false,false,\n"
        "crm,u1,olive,olive@hospital.example,,enabled,2024-01-01,,false,false,\n"
    ).encode()


def _access_world(session: Session, w: World) -> Any:
    """A CRM system whose vendor support account holds a group including a role that exports a PHI store."""
    inventory.update_record(
        session, None, inventory.kind_of("vendor"), w.vendor.id,
        inventory.kind_of("vendor").update.model_validate({"domains": ["acme-vendor.example"]}),
    )  # fmt: skip
    crm_db = make(session, "data-stores", name=f"CRM db {uuid.uuid4().hex[:4]}", data_categories=["health", "contact"],
                  record_count=1234, org_unit_id=w.root)  # fmt: skip
    access.create_system(session, None, SystemCreate(key="crm", name="CRM", org_unit_id=w.root))
    imports.import_file(session, None, "accounts", _accounts("enabled"), "accounts.csv")
    ents = (
        "system,entitlement_id,name,type,owner_employee_id,privileged,description,includes,data_stores\n"
        "crm,support,Vendor support,group,,false,,crm-export,\n"
        f"crm,crm-export,Export contacts,permission,,false,,,{crm_db.name}:export\n"
    )
    imports.import_file(session, None, "entitlements", ents.encode(), "entitlements.csv")
    grants = "system,account_id,entitlement_id,granted_at,granted_by,last_used_at\ncrm,v1,support,2024-01-02,it,\n"
    imports.import_file(session, None, "assignments", grants.encode(), "assignments.csv")
    return crm_db


def test_vendor_accounts_reach_stores_through_entitlements(session: Session, world: World) -> None:
    crm_db = _access_world(session, world)
    view = service.vendor_access(session, _who("ciso", world.root), world.vendor.id)
    assert [a["account"] for a in view["accounts"]] == ["acme.support @ CRM"]
    assert [(r["store"], r["path"], r["access"]) for r in view["rows"]] == [
        (crm_db.name, ["Vendor support", "Export contacts"], "export")
    ]
    reach = exposure.reach_of(session, None, world.vendor)
    via = {s["store"].name: s["via"] for s in reach.stores}
    assert via[crm_db.name] == ["accounts acme.support @ CRM (export)"]
    assert "health" in reach.categories and world.phi_store.name in via  # inventory relations stay alongside
    with pytest.raises(NotFound):
        service.vendor_access(
            session, Principal(uuid.uuid4(), "outsider", (Grant("ciso", world.finance, "/nowhere/"),)), world.vendor.id
        )


def test_offboarding_is_verified_by_the_next_accounts_import(session: Session, world: World) -> None:
    contracts.create_contract(session, None, ContractCreate(
        vendor_id=world.vendor.id, title="Support", status="terminated", start_date=TODAY - dt.timedelta(days=400),
        end_date=TODAY - dt.timedelta(days=5), org_unit_id=world.it))  # fmt: skip
    state = {r["vendor"]: r for r in service.verify_offboarding(session, None)}
    assert state[world.vendor.name]["state"] == "waiting"  # no accounts import since the contract ended
    _access_world(session, world)
    state = {r["vendor"]: r for r in service.verify_offboarding(session, None)}
    assert (state[world.vendor.name]["state"], state[world.vendor.name]["accounts"]) == (
        "still active", ["acme.support"])  # fmt: skip
    service.verify_offboarding(session, None)  # idempotent: one finding, refreshed
    found = [f for f in _findings(session, world) if f.question_id == "offboarding-access"]
    assert [(f.status, f.severity) for f in found] == [("open", "high")]
    assert "acme.support" in found[0].detail
    imports.import_file(session, None, "accounts", _accounts("disabled"), "accounts.csv")
    state = {r["vendor"]: r for r in service.verify_offboarding(session, None)}
    assert state[world.vendor.name]["state"] == "verified"
    assert [f.status for f in _findings(session, world) if f.question_id == "offboarding-access"] == ["closed"]


def _findings(session: Session, w: World) -> list[Any]:
    from tandem.vendors import repository as repo

    return repo.findings_of(session, [w.vendor.id])[w.vendor.id]


def _who(role: str, unit: uuid.UUID) -> Principal:
    return Principal(user_id=uuid.uuid4(), username=role, grants=(Grant(role, unit, "/"),))


def test_vendor_access_and_offboarding_check_over_http(live: Live) -> None:
    with live.client("admin") as api:
        name = f"Reach Vendor {uuid.uuid4().hex[:6]}"
        body = {"name": name, "domains": ["reach.example"], "org_unit_id": str(live.units["it"])}
        vendor = api.post("/api/v1/inventory/vendors", json=body).json()["id"]
    with live.client("ciso") as api:
        got = api.get(f"/api/v1/vendors/access/{vendor}")
        assert got.status_code == 200 and got.json()["domains"] == ["reach.example"] and got.json()["paths"] == []
        assert "access" in api.get(f"/api/v1/vendors/overview/{vendor}").json()
        assert api.post("/api/v1/vendors/offboarding/verify").status_code == 200
    with live.client("finance-admin") as api:
        assert api.get(f"/api/v1/vendors/access/{vendor}").status_code == 404
    set_database(live.db)  # the CLI in-process, on the live server's database
    try:
        shown = CliRunner().invoke(cli.app, ["access", name, "--format", "json"])
        assert shown.exit_code == 0 and json.loads(shown.output) == [], shown.output
        assert CliRunner().invoke(cli.app, ["verify-offboarding", "--format", "json"]).exit_code == 0
    finally:
        set_database(None)
    with live.client("viewer") as api:
        assert api.post("/api/v1/vendors/offboarding/verify").status_code == 403
    client = live.login("ciso-user")
    try:
        page = client.get("/vendors")
        csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        done = client.post("/vendors/offboarding/verify", data={"csrf_token": csrf})
        assert done.status_code == 303 and "Offboarding+checked" in done.headers["location"]
        assert "Accounts (access governance)" in client.get(f"/vendors/{vendor}").text
    finally:
        client.close()
