"""Incident scope through access governance: a compromised account or person, or a breached vendor's accounts,
propose the data stores their entitlements reach, with the path and the permission, on a real database."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tandem.access import imports
from tandem.access import service as access
from tandem.access.schemas import SystemCreate
from tandem.incidents import access_scope, children, scope, service
from tandem.incidents.schemas import IncidentCreate, ScopeIn
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.errors import InvalidInput
from tests.incidents.conftest import Org, make

T0 = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
ACCOUNTS = (
    "system,account_id,username,email,employee_id,status,created_at,last_login_at,is_privileged,"
    "is_service_account,owner_employee_id\n"
    "crm,c1,jdoe,jdoe@hospital.example,E1,enabled,2024-01-01,,false,false,\n"
    "crm,c2,mailer,ops@mailer-saas.example,,enabled,2024-01-01,,false,true,\n"
)


def _world(session: Session, org: Org) -> Any:
    """A CRM whose "Sales" group includes read on the contacts store; jdoe also exports the patients store."""
    tag = uuid.uuid4().hex[:4]
    contacts = make(session, "data-stores", name=f"Contacts {tag}", data_categories=["contact"], record_count=900,
                    org_unit_id=org.it)  # fmt: skip
    patients = make(session, "data-stores", name=f"Patients {tag}", data_categories=["health"], record_count=5000,
                    org_unit_id=org.it)  # fmt: skip
    access.create_system(session, None, SystemCreate(key="crm", name="CRM", org_unit_id=org.root))
    idents = "employee_id,email,display_name,department,manager_id,status,end_date\n"
    idents += "E1,jdoe@hospital.example,Jane Doe,Sales,,active,\n"
    imports.import_file(session, None, "identities", idents.encode(), "identities.csv")
    imports.import_file(session, None, "accounts", ACCOUNTS.encode(), "accounts.csv")
    ents = (
        "system,entitlement_id,name,type,owner_employee_id,privileged,description,includes,data_stores\n"
        "crm,sales,Sales,group,,false,,contacts-read,\n"
        f"crm,contacts-read,Read contacts,permission,,false,,,{contacts.name}:read\n"
        f"crm,patients-export,Export patients,permission,,true,,,{patients.name}:export\n"
    )
    imports.import_file(session, None, "entitlements", ents.encode(), "entitlements.csv")
    grants = "system,account_id,entitlement_id,granted_at,granted_by,last_used_at\n"
    grants += "crm,c1,sales,2024-01-02,it,\ncrm,c1,patients-export,2024-01-02,it,\ncrm,c2,sales,2024-01-02,it,\n"
    imports.import_file(session, None, "assignments", grants.encode(), "assignments.csv")
    return contacts, patients


def _open(session: Session, org: Org) -> Any:
    data = IncidentCreate(title="Phished", type="account_compromise", discovered_at=T0, org_unit_id=org.it)
    return service.open_incident(session, None, data)


def test_a_compromised_account_proposes_what_its_entitlements_reach(session: Session, org: Org) -> None:
    contacts, patients = _world(session, org)
    incident = _open(session, org)
    kind, account_id = access_scope.resolve_ref(session, CONSOLE, "account:crm/JDOE") or ("", None)
    assert kind == "account" and account_id is not None
    item = children.add_scope(session, None, incident.id, ScopeIn(kind="account", id=account_id, how="compromised"))
    assert item.label == "jdoe @ CRM"
    proposal = {p["name"]: p for p in scope.propose(session, CONSOLE, incident)}
    assert sorted(proposal) == sorted([contacts.name, patients.name])
    assert proposal[contacts.name]["via"] == ["jdoe @ CRM → Sales → Read contacts (read)"]
    assert (proposal[patients.name]["access"], proposal[patients.name]["record_count"]) == (["export"], 5000)
    assert proposal[patients.name]["data_categories"] == ["health"] and "discovery" in proposal[patients.name]
    added = scope.accept(session, CONSOLE, incident)
    assert sorted(a.label for a in added) == sorted([contacts.name, patients.name])


def test_a_person_or_a_vendor_reach_through_their_accounts(session: Session, org: Org) -> None:
    contacts, patients = _world(session, org)
    incident = _open(session, org)
    _kind, ident_id = access_scope.resolve_ref(session, CONSOLE, "identity:e1") or ("", None)
    children.add_scope(session, None, incident.id, ScopeIn(kind="identity", id=ident_id))
    vendor = make(session, "vendors", name=f"Mailer {uuid.uuid4().hex[:4]}", domains=["mailer-saas.example"],
                  org_unit_id=org.it)  # fmt: skip
    children.add_scope(session, None, incident.id, ScopeIn(kind="vendor", id=vendor.id, how="compromised"))
    proposal = {p["name"]: p for p in scope.propose(session, CONSOLE, incident)}
    assert "Jane Doe → jdoe @ CRM → Export patients (export)" in proposal[patients.name]["via"]
    assert f"{vendor.name} → mailer @ CRM → Sales → Read contacts (read)" in proposal[contacts.name]["via"]


def test_unknown_or_ambiguous_access_references_are_located_errors(session: Session, org: Org) -> None:
    _world(session, org)
    incident = _open(session, org)
    with pytest.raises(InvalidInput) as err:
        access_scope.resolve_ref(session, CONSOLE, "account:nobody")
    assert err.value.errors[0].location == "body.ref"
    with pytest.raises(InvalidInput) as err:
        children.add_scope(session, None, incident.id, ScopeIn(kind="account", id=uuid.uuid4()))
    assert err.value.errors[0].location == "body.id"
    assert access_scope.resolve_ref(session, CONSOLE, "vendor:Mailer") is None  # an inventory reference
