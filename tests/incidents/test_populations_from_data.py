"""Affected people drafted from the data: stores in scope become groups in their country's jurisdiction (US stores
"unknown", so every state's rules count them), with elements from their categories; obligations follow."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.orm import Session

from tandem.incidents import children, populations_from_data, service
from tandem.incidents import repository as repo
from tandem.incidents.models import Obligation
from tandem.incidents.schemas import IncidentCreate, ScopeIn
from tandem.platform.auth.principal import CONSOLE
from tests.incidents.conftest import Org, make
from tests.support.live import Live

T0 = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)


def test_jurisdiction_of_a_store_country() -> None:
    assert populations_from_data.jurisdiction_of("fr") == "FR"
    assert populations_from_data.jurisdiction_of("US") == "unknown"  # states are not known from a store
    assert populations_from_data.jurisdiction_of("") == "unknown"


def test_stores_in_scope_become_groups_and_obligations(session: Session, org: Org) -> None:
    tag = uuid.uuid4().hex[:4]
    patients = make(session, "data-stores", name=f"Patients {tag}", data_categories=["health", "identity"],
                    record_count=5_000, country="US", org_unit_id=org.it)  # fmt: skip
    mailing = make(session, "data-stores", name=f"Mailing {tag}", data_categories=["contact"], record_count=900,
                   country="FR", org_unit_id=org.it)  # fmt: skip
    incident = service.open_incident(session, None, IncidentCreate(
        title="Vendor leak", type="vendor_breach", discovered_at=T0, org_unit_id=org.it))  # fmt: skip
    for store in (patients, mailing):
        children.add_scope(session, None, incident.id, ScopeIn(kind="data_store", id=store.id))

    added = populations_from_data.add_from_data(session, CONSOLE, incident.id)
    groups = {p.label: p for p in added}
    us, fr = groups[f"Patients {tag} (from declared categories)"], groups[f"Mailing {tag} (from declared categories)"]
    assert (us.jurisdiction, us.count, us.hipaa_role) == ("unknown", 5_000, "covered_entity")
    assert {"phi", "name", "dob"} <= set(us.elements)
    assert (fr.jurisdiction, fr.count, fr.gdpr_role) == ("FR", 900, "controller") and "email" in fr.elements
    obligations = {o.rule_key for o in repo.children(session, Obligation, incident.id)}
    assert {"eu-gdpr-33-each-sa", "us-hipaa-individuals"} <= obligations
    # The US group's states are unknown: every state's residence rule counts it (notify conservatively).
    assert {"us-ca-residents", "us-tx-residents", "us-ny-residents"} <= obligations
    # Drafting again adds nothing: every store in scope now has its people.
    assert populations_from_data.add_from_data(session, CONSOLE, incident.id) == []


def test_drafting_over_http(live: Live) -> None:
    with live.client("admin") as admin:
        store = admin.post("/api/v1/inventory/data-stores", json={
            "name": f"Claims {uuid.uuid4().hex[:4]}", "data_categories": ["payment-card"], "record_count": 42,
            "country": "DE", "org_unit_id": str(live.units["it"])}).json()  # fmt: skip
    with live.client("ciso") as api:
        made = api.post(
            "/api/v1/incidents/incidents", json={"title": "Card leak", "org_unit_id": str(live.units["it"])}
        )
        url = f"/api/v1/incidents/incidents/{made.json()['id']}"
        assert api.post(f"{url}/scope", json={"kind": "data_store", "id": store["id"]}).status_code == 201
        drafted = api.post(f"{url}/populations/from-data")
        assert drafted.status_code == 201, drafted.text
        assert [(p["jurisdiction"], p["count"], p["elements"]) for p in drafted.json()] == [("DE", 42, ["card_number"])]
    with live.client("viewer") as viewer:
        assert viewer.post(f"{url}/populations/from-data").status_code == 403
