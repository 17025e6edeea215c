"""Affected people drafted from the data: for each data store in scope, one group per combination of elements
discovery saw together (or, without a scan, one group from the store's declared categories and record count), in
the jurisdiction of the store's country. A US store does not say its people's states, so its groups are
"unknown" — every residence rule then counts them, which is the conservative reading the rules expect until
someone splits them by state. Everything is a draft: people edit or delete groups like any other."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.incidents import children, scope
from tandem.incidents import repository as repo
from tandem.incidents.breach.vocab import EEA, ELEMENTS
from tandem.incidents.models import Population
from tandem.incidents.schemas import PopulationIn
from tandem.incidents.service import get_incident
from tandem.platform.auth.principal import Principal

# Inventory data categories → the breach rules' data elements (only elements the rules know).
CATEGORY_ELEMENTS: dict[str, list[str]] = {
    "contact": ["email", "phone", "address"],
    "identity": ["name", "dob"],
    "government-id": ["ssn"],
    "financial": ["account_number"],
    "payment-card": ["card_number"],
    "health": ["phi", "medical"],
    "genetic": ["genetic"],
    "biometric": ["biometric"],
    "credentials": ["username", "password"],
    "location": ["location"],
    "online-identifiers": ["ip_address"],
}
HEALTH = {"phi", "medical", "health_insurance", "genetic"}


def jurisdiction_of(country: str | None) -> str:
    """Return the residence jurisdiction a store's country stands for ("unknown" where it cannot say)."""
    code = (country or "").strip().upper()
    if len(code) != 2 or code == "US":  # US rules are per state, which a store's country does not give
        return "unknown"
    return code


def _groups(entry: dict[str, Any]) -> list[tuple[list[str], int, str]]:
    """Return (elements, people, how) groups for one proposed store."""
    combos = (entry.get("discovery") or {}).get("combinations") or []
    if combos:
        return [(sorted(set(c["elements"]) & set(ELEMENTS)), int(c["records"]), "discovery") for c in combos]
    elements = sorted({e for cat in entry.get("data_categories") or [] for e in CATEGORY_ELEMENTS.get(cat, [])})
    return [(elements, int(entry.get("record_count") or 0), "declared categories")] if elements else []


def draft(session: Session, principal: Principal, incident_id: uuid.UUID) -> list[PopulationIn]:
    """Return the groups the data suggests for the stores in scope that have no affected people yet."""
    incident = get_incident(session, principal, incident_id)
    covered = {p.data_store_id for p in repo.children(session, Population, incident.id) if p.data_store_id}
    out = []
    for entry in scope.propose(session, principal, incident):
        store_id = uuid.UUID(entry["data_store_id"])
        if not entry["in_scope"] or store_id in covered:
            continue
        where = jurisdiction_of(entry.get("country"))
        for elements, count, how in _groups(entry):
            if not elements:
                continue
            out.append(PopulationIn(
                jurisdiction=where, count=count, elements=elements, encrypted=bool(entry.get("encrypted_at_rest")),
                gdpr_role="controller" if where == "unknown" or where in EEA else "none",
                hipaa_role="covered_entity" if HEALTH & set(elements) else "none", data_store_id=store_id,
                label=f"{entry['name']} (from {how})"[:200],
            ))  # fmt: skip
    return out


def add_from_data(session: Session, principal: Principal, incident_id: uuid.UUID) -> list[Population]:
    """Add the drafted groups and re-evaluate the obligations once; return what was added."""
    drafts = draft(session, principal, incident_id)
    return children.add_populations(session, principal, incident_id, drafts) if drafts else []
