"""Northwind Health's inventory, generated deterministically (fixed seed) through the services."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import service
from tandem.inventory.demo_data import APPS, FIRST, LAST, OSES, SEED, SOFTWARE, STORES, VENDORS, WORKSTATION_BROWSER
from tandem.inventory.kinds import KINDS
from tandem.platform.errors import Conflict


def _create(session: Session, plural: str, **data: Any) -> Any:
    kind = KINDS[plural]
    return service.create_record(session, None, kind, kind.create.model_validate({"source": "demo", **data}))


def _rel(session: Session, rtype: str, src: Any, skind: str, tgt: Any, tkind: str, unit: Any) -> None:
    if src.id == tgt.id:
        return
    with contextlib.suppress(Conflict):  # the same edge drawn twice by the generator
        _create(
            session,
            "relations",
            type=rtype,
            source_kind=skind,
            source_id=src.id,
            target_kind=tkind,
            target_id=tgt.id,
            org_unit_id=unit,
        )


def load_demo(session: Session, org: Any) -> None:
    """Add Northwind Health's people, vendors, capabilities, applications, assets, software and data stores."""
    rng = random.Random(SEED)
    units = {name: unit.id for name, unit in org.units.items()}
    people = _people(session, rng, units)
    vendors = {
        name: _create(
            session, "vendors", name=name, domains=[domain], country=country, services=services, org_unit_id=units["IT"]
        )
        for name, domain, country, services in VENDORS
    }
    caps = _capabilities(session, units, people)
    apps = _applications(session, rng, units, people, vendors, caps)
    assets = _assets(session, rng, units, people)
    _software(session, rng, assets, apps)
    _stores(session, rng, units, people, apps, assets, vendors)
    for i, app in enumerate(apps):
        for asset in rng.sample(assets[:120], 3):
            _rel(session, "runs_on", app, "application", asset, "asset", app.org_unit_id)
        if i > 0 and i % 3 == 0:
            _rel(session, "depends_on", app, "application", apps[rng.randrange(i)], "application", app.org_unit_id)
        if i > 1 and i % 5 == 0:
            _rel(session, "depends_on", app, "application", apps[7], "application", app.org_unit_id)  # Okta SSO


def _people(session: Session, rng: random.Random, units: dict[str, Any]) -> list[Any]:
    depts = ["IT", "Security", "Clinical", "Finance", "HR", "Northwind Health Europe"]
    people: list[Any] = []
    for i in range(300):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        dept = depts[i % len(depts)] if i >= 6 else depts[i]
        manager = people[i % 6].id if i >= 6 else None
        people.append(
            _create(
                session,
                "people",
                full_name=f"{first} {last}",
                email=f"{first}.{last}.{i}@northwind-health.example".lower(),
                department=dept,
                job_title="Head of " + dept
                if i < 6
                else rng.choice(["Analyst", "Engineer", "Nurse", "Manager", "Clerk"]),
                manager_id=manager,
                org_unit_id=units[dept],
                start_date=dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(5000)),
            )
        )
    return people


def _capabilities(session: Session, units: dict[str, Any], people: list[Any]) -> dict[str, Any]:
    tree = {
        "Patient care": ["Scheduling", "Clinical documentation", "Imaging", "Patient engagement"],
        "Finance": ["Billing", "Accounting"],
        "People": ["Payroll", "Recruiting"],
        "Technology": ["Identity and access", "IT service management", "Collaboration"],
    }
    caps = {}
    for i, (top, children) in enumerate(tree.items()):
        parent = _create(
            session,
            "capabilities",
            name=top,
            strategic_importance="critical" if i == 0 else "high",
            business_owner_id=people[i].id,
            org_unit_id=units["IT"],
        )
        caps[top] = parent
        for child in children:
            caps[child] = _create(
                session,
                "capabilities",
                name=child,
                parent_id=parent.id,
                org_unit_id=units["IT"],
                business_owner_id=people[i].id,
            )
    return caps


def _applications(
    session: Session,
    rng: random.Random,
    units: dict[str, Any],
    people: list[Any],
    vendors: dict[str, Any],
    caps: dict[str, Any],
) -> list[Any]:
    specs = list(APPS) + [
        (
            f"Clinic app {i:02d}",
            None,
            "Clinical",
            rng.choice(["internal", "confidential"]),
            rng.choice(["tolerate", "migrate", "invest"]),
            rng.choice(["on-prem", "iaas", "saas"]),
        )
        for i in range(40 - len(APPS))
    ]
    apps = []
    cap_names = list(caps)
    for name, vendor, unit, cls, time, hosting in specs:
        retire = dt.date(2027, 6, 30) if time == "eliminate" and name != "Legacy Lab System" else None
        app = _create(
            session,
            "applications",
            name=name,
            org_unit_id=units[unit],
            vendor_id=vendors[vendor].id if vendor else None,
            business_owner_id=rng.choice(people[:60]).id,
            it_owner_id=rng.choice(people[:60]).id,
            security_owner_id=people[1].id,
            lifecycle_stage="run",
            run_date=dt.date(2015 + rng.randrange(9), 1, 1),
            retire_date=retire,
            time_disposition=time,
            time_rationale=f"{time}: portfolio review 2026",
            run_cost={"amount": str(rng.randrange(20, 2000) * 1000), "currency": "EUR" if "Europe" in unit else "USD"},
            change_cost={"amount": str(rng.randrange(0, 500) * 1000), "currency": "USD"},
            user_count=rng.randrange(20, 1200),
            hosting=hosting,
            data_classification=cls,
            confidentiality=4 if cls == "restricted" else 3 if cls == "confidential" else 2,
            integrity=rng.randint(2, 4),
            availability=rng.randint(2, 4),
            rto_hours=rng.choice([1, 4, 8, 24, 72]),
            rpo_hours=rng.choice([0.25, 1, 4, 24]),
            internet_exposed=hosting != "on-prem",
            sso=rng.random() < 0.7,
            mfa=rng.random() < 0.8,
        )
        _rel(session, "supports", app, "application", caps[rng.choice(cap_names)], "capability", app.org_unit_id)
        if vendor:
            _rel(session, "provided_by", app, "application", vendors[vendor], "vendor", app.org_unit_id)
        apps.append(app)
    return apps


def _assets(session: Session, rng: random.Random, units: dict[str, Any], people: list[Any]) -> list[Any]:
    kinds = ["host"] * 120 + ["endpoint"] * 50 + ["network-device"] * 15 + ["cloud-resource"] * 15
    assets = []
    for i, kind in enumerate(kinds):
        os_name, os_version, _cpe = (
            OSES[4] if kind == "network-device" else OSES[3] if kind == "endpoint" else OSES[i % 3]
        )
        prefix = {"host": "srv", "endpoint": "ws", "network-device": "sw", "cloud-resource": "aws"}[kind]
        unit = "Northwind Health Europe" if i % 10 == 9 else "IT"
        assets.append(
            _create(
                session,
                "assets",
                hostname=f"{prefix}-{i:03d}.northwind.example",
                kind=kind,
                ip_addresses=[f"10.{i // 250}.{i % 250}.{10 + i % 200}"],
                mac_addresses=[f"00:16:3e:{i // 256:02x}:{i % 256:02x}:{rng.randrange(256):02x}"],
                os_name=os_name,
                os_version=os_version,
                environment=rng.choice(["production"] * 3 + ["test", "staging"]),
                location="Frankfurt" if unit != "IT" else rng.choice(["Boston DC", "Chicago DC", "AWS us-east-1"]),
                owner_id=rng.choice(people[:60]).id,
                criticality=rng.choice(["low", "medium", "high", "critical"]),
                tags=rng.sample(["pci", "phi", "dmz", "backup", "legacy"], 2),
                org_unit_id=units[unit],
            )
        )
    return assets


def _software(session: Session, rng: random.Random, assets: list[Any], apps: list[Any]) -> None:
    count = 0
    for asset in assets:
        os_cpe = next(c for n, v, c in OSES if n == asset.os_name and v == asset.os_version)
        _create(
            session,
            "software",
            name=asset.os_name,
            version=asset.os_version,
            vendor=asset.os_name.split()[0],
            cpe=os_cpe,
            asset_id=asset.id,
            org_unit_id=asset.org_unit_id,
        )
        count += 1
        if asset.os_name == "Windows":  # not counted: the app software below keeps its size
            b_name, b_version, b_vendor, b_cpe = WORKSTATION_BROWSER
            _create(session, "software", name=b_name, version=b_version, vendor=b_vendor, cpe=b_cpe,
                    asset_id=asset.id, org_unit_id=asset.org_unit_id)  # fmt: skip
        for name, version, vendor, cpe, purl in rng.sample(SOFTWARE, 2):
            _create(
                session,
                "software",
                name=name,
                version=version,
                vendor=vendor,
                cpe=cpe,
                purl=purl,
                asset_id=asset.id,
                org_unit_id=asset.org_unit_id,
            )
            count += 1
    for app in apps:
        for name, version, vendor, cpe, purl in SOFTWARE[:10]:
            if count >= 600:
                return
            if purl:
                _create(
                    session,
                    "software",
                    name=name,
                    version=version,
                    vendor=vendor,
                    cpe=cpe,
                    purl=purl,
                    application_id=app.id,
                    org_unit_id=app.org_unit_id,
                )
                count += 1


def _stores(
    session: Session,
    rng: random.Random,
    units: dict[str, Any],
    people: list[Any],
    apps: list[Any],
    assets: list[Any],
    vendors: dict[str, Any],
) -> None:
    links = {
        "EHR database": ("Epic EHR", "Epic Systems"),
        "Billing database": ("Billing Portal", "Stripe"),
        "HR records": ("Workday HCM", "Workday"),
        "EU marketing list": ("EU Marketing Mailer", "Mailjet"),
        "PACS image store": ("PACS Imaging", "Philips Healthcare"),
        "Finance ledger": ("SAP Finance", "SAP"),
        "Password vault": ("Okta SSO", "Okta"),
        "Paediatrics share": ("Epic EHR", None),
    }
    by_name = {a.name: a for a in apps}
    specs = list(STORES) + [
        (f"Department share {i:02d}", "spreadsheet", "US", ["operational"], ["employees"], 500 * i, "internal")
        for i in range(1, 25 - len(STORES) + 1)
    ]
    for name, kind, country, cats, subjects, records, cls in specs:
        unit = "Northwind Health Europe" if country in ("FR", "DE") else "Clinical" if cls == "restricted" else "IT"
        store = _create(
            session,
            "data-stores",
            name=name,
            kind=kind,
            country=country,
            data_categories=cats,
            data_subjects=subjects,
            record_count=records,
            classification=cls,
            encrypted_at_rest=cls != "internal",
            owner_id=rng.choice(people[:60]).id,
            location="Boston DC" if country == "US" else "Frankfurt",
            org_unit_id=units[unit],
        )
        app_name, vendor = links.get(name, (None, None))
        if app_name:
            _rel(session, "stores_data_in", by_name[app_name], "application", store, "data_store", store.org_unit_id)
        if vendor:
            _rel(session, "can_access", vendors[vendor], "vendor", store, "data_store", store.org_unit_id)
        _rel(session, "runs_on", store, "data_store", rng.choice(assets[:120]), "asset", store.org_unit_id)
    _rel(
        session,
        "can_access",
        vendors["Iron Mountain"],
        "vendor",
        _store_named(session, "EHR database"),
        "data_store",
        units["Clinical"],
    )


def _store_named(session: Session, name: str) -> Any:
    return service.resolve_ref(session, None, f"data_store:{name}")[1]
