"""Service rules on SQLite and PostgreSQL: validation, rules, graph queries, attestations, imports, exports."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.inventory import exports, graph, imports, service
from tandem.inventory.kinds import KINDS
from tandem.inventory.models import Asset
from tandem.platform.audit.models import AuditEntry
from tandem.platform.auth.principal import CONSOLE, Grant, Principal
from tandem.platform.errors import Conflict, InvalidInput, NotFound
from tests.inventory.conftest import Org


def make(session: Session, plural: str, **data: Any) -> Any:
    kind = KINDS[plural]
    return service.create_record(session, None, kind, kind.create.model_validate(data))


def relate(session: Session, rtype: str, src: Any, skind: str, tgt: Any, tkind: str) -> Any:
    return make(
        session,
        "relations",
        type=rtype,
        source_kind=skind,
        source_id=src.id,
        target_kind=tkind,
        target_id=tgt.id,
        org_unit_id=src.org_unit_id,
    )


def test_application_findings_flag_inconsistencies(session: Session, org: Org) -> None:
    app = make(
        session,
        "applications",
        name="Old lab",
        org_unit_id=org.it,
        time_disposition="eliminate",
        data_classification="restricted",
        internet_exposed=True,
        confidentiality=2,
    )
    fields = {f.field for f in service.to_read(KINDS["applications"], app).findings}  # type: ignore[attr-defined]
    assert {"retire_date", "time_rationale", "mfa", "confidentiality"} <= fields
    fixed = service.update_record(
        session,
        None,
        KINDS["applications"],
        app.id,
        KINDS["applications"].update(
            retire_date=dt.date(2027, 1, 1), time_rationale="replaced by LIMS", mfa=True, confidentiality=4
        ),
    )
    assert service.to_read(KINDS["applications"], fixed).findings == []  # type: ignore[attr-defined]


def test_references_must_exist_and_keys_are_unique(session: Session, org: Org) -> None:
    person = make(session, "people", full_name="Ann", email="ann@example.org", org_unit_id=org.it)
    make(session, "applications", name="EHR", org_unit_id=org.it, business_owner_id=person.id)
    with pytest.raises(Conflict):
        make(session, "applications", name="EHR", org_unit_id=org.it)
    with pytest.raises(InvalidInput) as exc:
        make(session, "applications", name="X", org_unit_id=org.it, vendor_id=person.id)
    assert exc.value.errors[0].location == "body.vendor_id"
    with pytest.raises(InvalidInput) as exc:
        service.update_record(
            session,
            None,
            KINDS["applications"],
            make(session, "applications", name="Y", org_unit_id=org.it).id,
            KINDS["applications"].update(name=None),
        )
    assert exc.value.errors[0].location == "body.name"


def test_relation_types_are_enforced(session: Session, org: Org) -> None:
    app = make(session, "applications", name="A", org_unit_id=org.it)
    vendor = make(session, "vendors", name="V", org_unit_id=org.it)
    with pytest.raises(InvalidInput) as exc:
        relate(session, "runs_on", app, "application", vendor, "asset")
    assert exc.value.errors[0].location == "body.target_id"
    with pytest.raises(InvalidInput) as exc:
        relate(session, "teleports_to", app, "application", vendor, "vendor")
    assert exc.value.errors[0].location == "body.type"


def test_impact_and_exposure_follow_paths(session: Session, org: Org) -> None:
    host = make(session, "assets", hostname="db01", org_unit_id=org.it)
    ehr = make(session, "applications", name="EHR", org_unit_id=org.it)
    portal = make(session, "applications", name="Portal", org_unit_id=org.it)
    cap = make(session, "capabilities", name="Patient care", org_unit_id=org.it)
    store = make(session, "data-stores", name="EHR db", org_unit_id=org.it, data_categories=["health"])
    vendor = make(session, "vendors", name="Epic", org_unit_id=org.it)
    relate(session, "runs_on", ehr, "application", host, "asset")
    relate(session, "depends_on", portal, "application", ehr, "application")
    relate(session, "supports", portal, "application", cap, "capability")
    relate(session, "stores_data_in", ehr, "application", store, "data_store")
    relate(session, "can_access", vendor, "vendor", store, "data_store")
    result = graph.impact(session, CONSOLE, KINDS["assets"], host)
    by_label = {n["label"]: n for n in result["nodes"]}
    assert set(by_label) == {"EHR", "Portal", "Patient care"}
    assert by_label["Patient care"]["depth"] == 3
    assert by_label["Patient care"]["path"][0] == "db01 (asset)"
    exposed = graph.exposure(session, CONSOLE, KINDS["data-stores"], store)
    assert {n["label"] for n in exposed["nodes"]} == {"EHR", "Epic", "db01"}


def test_scope_hides_records_and_graph_nodes(session: Session, org: Org) -> None:
    from tandem.platform.auth.permissions import unit_path

    finance_viewer = Principal(
        CONSOLE.user_id, "fv", (Grant("viewer", org.finance, unit_path(session, org.finance) or ""),)
    )
    app = make(session, "applications", name="Secret", org_unit_id=org.it)
    with pytest.raises(NotFound):
        service.get_record(session, finance_viewer, KINDS["applications"], app.id)


def test_attest_and_freshness(session: Session, org: Org) -> None:
    asset = make(session, "assets", hostname="old01", org_unit_id=org.it)
    asset.last_verified_at = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    session.flush()
    assert service.is_stale(asset)
    assert any(r["id"] == asset.id for r in service.freshness(session, CONSOLE, 30))
    service.attest_record(session, CONSOLE, KINDS["assets"], asset.id, "checked in the rack")
    assert not service.is_stale(asset)
    events = session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == str(asset.id), AuditEntry.action == "inventory.attested")
    ).all()
    assert len(events) == 1 and events[0].changes["note"] == "checked in the rack"


def test_import_is_all_or_nothing_dry_run_and_upsert(session: Session, org: Org) -> None:
    good = b"hostname,criticality,ip_addresses\nweb01,high,10.0.0.1\nweb02,low,\n"
    plan = imports.import_file(session, CONSOLE, "assets", good, "a.csv", unit_id=org.it, dry_run=True)
    assert (plan["added"], plan["changed"], plan["unchanged"]) == (2, 0, 0)
    assert session.scalar(select(func.count()).select_from(Asset).where(Asset.org_unit_id == org.it)) == 0
    imports.import_file(session, CONSOLE, "assets", good, "a.csv", unit_id=org.it)
    again = imports.import_file(session, CONSOLE, "assets", good.replace(b"low", b"critical"), "a.csv", unit_id=org.it)
    assert (again["added"], again["changed"], again["unchanged"]) == (0, 1, 1)
    bad = b"hostname,criticality,ip_addresses\nweb03,high,10.0.0.3\nbad host,extreme,1.2.3.999\n"
    with pytest.raises(InvalidInput) as exc:
        imports.import_file(session, CONSOLE, "assets", bad, "b.csv", unit_id=org.it)
    assert sorted(e.location for e in exc.value.errors) == ["b.csv:3:1", "b.csv:3:2", "b.csv:3:3"]
    assert session.scalar(select(func.count()).select_from(Asset).where(Asset.org_unit_id == org.it)) == 2
    stored = session.scalars(select(Asset).where(Asset.hostname == "web02")).one()
    assert stored.criticality == "critical" and stored.source == "import:a.csv"


def test_import_resolves_references_and_sbom(session: Session, org: Org) -> None:
    make(session, "people", full_name="Ann", email="ann@example.org", org_unit_id=org.it)
    data = json.dumps(
        [{"name": "EHR", "business_owner": "ann@example.org", "run_cost_amount": "10.50", "run_cost_currency": "usd"}]
    ).encode()
    imports.import_file(session, CONSOLE, "applications", data, "apps.json", unit_id=org.it)
    with pytest.raises(InvalidInput) as exc:
        imports.import_file(session, CONSOLE, "applications", b"name,vendor\nX,Nobody Inc\n", "v.csv", unit_id=org.it)
    assert exc.value.errors[0].location == "v.csv:2:2"
    sbom = json.dumps(
        {"bomFormat": "CycloneDX", "components": [{"name": "django", "version": "4.2", "purl": "pkg:pypi/django@4.2"}]}
    ).encode()
    result = imports.import_file(session, CONSOLE, "sbom", sbom, "bom.json", application="EHR")
    assert result["added"] == 1
    assert imports.import_file(session, CONSOLE, "sbom", sbom, "bom.json", application="EHR")["unchanged"] == 1


def test_export_escapes_formulas(session: Session, org: Org) -> None:
    make(session, "vendors", name='=HYPERLINK("http://evil")', org_unit_id=org.it, services="@SUM(1)")
    columns, rows = exports.export_rows(session, CONSOLE, KINDS["vendors"])
    text = "".join(exports.render(columns, rows, "csv"))
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text
