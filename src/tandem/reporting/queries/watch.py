"""Cross-domain reads of the watch: what the organisation cares about (frameworks in use, data-store
jurisdictions, vendors, software) and the checks and choices for triage links (people, scenarios, frameworks)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.compliance.frameworks import service as frameworks
from tandem.compliance.models import Assessment, Framework
from tandem.inventory import service as inventory
from tandem.inventory.kinds import kind_of
from tandem.inventory.models import DataStore, Person, SoftwareComponent, Vendor
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import FieldError, NotFound, PermissionDenied
from tandem.reporting.queries.common import may
from tandem.reporting.watch.feeds import Framework as FrameworkUse
from tandem.reporting.watch.feeds import OrgProfile, Software
from tandem.risk import service as risk

MAX_CHOICES = 500


def _cpe_parts(cpe: str | None) -> tuple[str, str]:
    parts = (cpe or "").split(":")
    return (parts[3], parts[4]) if len(parts) > 4 and parts[0] == "cpe" else ("", "")


def org_profile(session: Session) -> OrgProfile:
    """Read, organisation-wide, what watch items are matched against (a system read: matching is for everyone)."""
    software = []
    rows = session.execute(select(SoftwareComponent.name, SoftwareComponent.vendor, SoftwareComponent.cpe).distinct())
    for name, vendor, cpe in rows:
        cpe_vendor, cpe_product = _cpe_parts(cpe)
        software.append(Software(label=name, name=name, vendor=vendor or "", cpe_vendor=cpe_vendor,
                                 cpe_product=cpe_product))  # fmt: skip
    stores: dict[str, list[str]] = {}
    for name, country in session.execute(select(DataStore.name, DataStore.country).order_by(DataStore.name)):
        if country:
            stores.setdefault(country.upper(), []).append(name)
    assessed = set(session.scalars(select(Assessment.framework_id).distinct()))
    used = [
        FrameworkUse(key, name, fid in assessed)
        for fid, key, name in session.execute(
            select(Framework.id, Framework.key, Framework.name).order_by(Framework.key)
        )
    ]
    # One entry per framework key: the assessed version wins, so the reason says "assessed".
    by_key: dict[str, FrameworkUse] = {}
    for fw in used:
        if fw.key not in by_key or fw.assessed:
            by_key[fw.key] = fw
    vendors = sorted(set(session.scalars(select(Vendor.name))))
    return OrgProfile(
        frameworks=tuple(by_key.values()),
        store_countries={c: tuple(names) for c, names in stores.items()},
        vendors=tuple(vendors),
        software=tuple(sorted(set(software), key=lambda s: s.label)),
    )


def person_with_title(session: Session, job_title: str) -> uuid.UUID | None:
    """Return the first person holding a job title (the demo's owner of its triaged items)."""
    return session.scalars(select(Person.id).where(Person.job_title == job_title).order_by(Person.email)).first()


def check_links(session: Session, principal: Principal | None, values: dict[str, Any]) -> list[FieldError]:
    """Check the owner (a person), risk scenario and framework a triage links to, through their domains."""
    errors = []
    checks = (
        ("owner_id", lambda i: inventory.get_record(session, principal, kind_of("people"), i), "person"),
        ("risk_scenario_id", lambda i: risk.get_scenario(session, principal, i), "risk scenario"),
        ("framework_id", lambda i: frameworks.get_framework(session, principal, i), "framework"),
    )
    for field, load, what in checks:
        value = values.get(field)
        if value is None:
            continue
        try:
            load(value)
        except (NotFound, PermissionDenied):
            errors.append(FieldError(f"body.{field}", f"no {what} {value} that you can see"))
    return errors


def link_labels(session: Session, principal: Principal, item: Any) -> dict[str, str]:
    """Return display names of an item's owner, scenario and framework (empty when unset or out of reach)."""
    out: dict[str, str] = {}
    if item.owner_id and may(principal, "inventory.view"):
        person = session.get(Person, item.owner_id)
        out["owner"] = person.full_name if person else ""
    if item.risk_scenario_id and may(principal, "risk.view"):
        try:
            out["risk_scenario"] = risk.get_scenario(session, principal, item.risk_scenario_id).title
        except NotFound:
            out["risk_scenario"] = ""
    if item.framework_id and may(principal, "compliance.view"):
        fw = session.get(Framework, item.framework_id)
        out["framework"] = f"{fw.name} {fw.version}" if fw else ""
    return out


def link_choices(session: Session, principal: Principal) -> dict[str, list[tuple[uuid.UUID, str]]]:
    """Return the people, risk scenarios and frameworks the principal may link a watch item to."""
    out: dict[str, list[tuple[uuid.UUID, str]]] = {"people": [], "scenarios": [], "frameworks": []}
    if may(principal, "inventory.view"):
        req = PageRequest(limit=MAX_CHOICES, sort="created_at")
        page = inventory.list_records(session, principal, kind_of("people"), req)
        out["people"] = sorted(((p.id, p.full_name) for p in page.items), key=lambda t: t[1])
    if may(principal, "risk.view"):
        scenarios = risk.visible_scenarios(session, principal, {})[:MAX_CHOICES]
        out["scenarios"] = sorted(((s.id, s.title) for s in scenarios), key=lambda t: t[1])
    if may(principal, "compliance.view"):
        out["frameworks"] = [(f.id, f"{f.name} {f.version}") for f in frameworks.list_frameworks(session, principal)]
    return out
