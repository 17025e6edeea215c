"""SQL of the vendors domain: scoped lists, per-vendor lookups and the renewal scan."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tandem.inventory.models import Application, Person, Vendor
from tandem.platform.auth.permissions import visible_to
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import ListSpec, Page, PageRequest
from tandem.platform.db.repository import Repository
from tandem.vendors.models import Agreement, Assessment, Contract, Document, Finding, Profile, Questionnaire

VIEW = "vendors.view"
INVENTORY_VIEW = "inventory.view"  # vendors and applications are inventory records
CONTRACT_SPEC = ListSpec(
    ("created_at", "title", "end_date", "status"),
    "-created_at",
    ("org_unit_id", "vendor_id", "status", "category", "owner_id"),
    ("title", "products"),
)
AGREEMENT_SPEC = ListSpec(
    ("created_at", "kind", "expires_on"), "-created_at", ("org_unit_id", "vendor_id", "kind", "status"), ("reference",)
)
FINDING_SPEC = ListSpec(
    ("created_at", "due_date", "severity"),
    "-created_at",
    ("org_unit_id", "vendor_id", "assessment_id", "status", "severity"),
    ("title",),
)
ASSESSMENT_SPEC = ListSpec(("created_at",), "-created_at", ("org_unit_id", "vendor_id", "status"), ("questionnaire",))


class VendorsRepository(Repository[Any]):
    """Queries for one org-scoped vendors model."""

    view_action = VIEW

    def __init__(self, session: Session, model: Any) -> None:
        super().__init__(session)
        self.model = model

    def filtered(self, principal: Principal | None, filters: dict[str, Any]) -> Select[Any]:
        """Return the visible rows matching exact filters (ids coerced)."""
        stmt = self.base_query(principal)
        for name, value in filters.items():
            if value is None or value == "":
                continue
            if name.endswith("_id") and isinstance(value, str):
                value = uuid.UUID(value)
            stmt = stmt.where(getattr(self.model, name) == value)
        return stmt

    def list_page(self, principal: Principal, req: PageRequest) -> Page[Any]:
        """Return one page of visible rows with the request's filters."""
        stmt = self.filtered(principal, req.filters)
        return self.page(stmt, dataclasses.replace(req, filters={}))


def visible_vendors(session: Session, principal: Principal | None) -> list[Vendor]:
    """Return the inventory vendors principal may see, by name (None = every vendor)."""
    stmt = select(Vendor)
    if principal is not None:
        stmt = visible_to(stmt, session, principal, Vendor, INVENTORY_VIEW)
    return list(session.scalars(stmt.order_by(Vendor.name)))


def _of(session: Session, model: Any, vendor_ids: Sequence[uuid.UUID], order: Any) -> dict[uuid.UUID, list[Any]]:
    out: dict[uuid.UUID, list[Any]] = {v: [] for v in vendor_ids}
    if not vendor_ids:
        return out
    for row in session.scalars(select(model).where(model.vendor_id.in_(list(vendor_ids))).order_by(*order)):
        out[row.vendor_id].append(row)
    return out


def contracts_of(session: Session, vendor_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Contract]]:
    """Return the contracts per vendor, soonest ending first."""
    return _of(session, Contract, vendor_ids, (Contract.end_date, Contract.title))


def agreements_of(session: Session, vendor_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Agreement]]:
    """Return the agreements and attestations per vendor."""
    return _of(session, Agreement, vendor_ids, (Agreement.kind, Agreement.created_at))


def assessments_of(session: Session, vendor_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Assessment]]:
    """Return the assessments per vendor, newest first."""
    return _of(session, Assessment, vendor_ids, (Assessment.created_at.desc(),))


def findings_of(session: Session, vendor_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Finding]]:
    """Return the findings per vendor, soonest due first."""
    return _of(session, Finding, vendor_ids, (Finding.due_date, Finding.created_at))


def documents_of(session: Session, vendor_id: uuid.UUID) -> list[Document]:
    """Return a vendor's documents, newest first."""
    stmt = select(Document).where(Document.vendor_id == vendor_id).order_by(Document.created_at.desc())
    return list(session.scalars(stmt))


def profiles_of(session: Session, vendor_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Profile]:
    """Return the stored profile per vendor (vendors without one are absent)."""
    if not vendor_ids:
        return {}
    stmt = select(Profile).where(Profile.vendor_id.in_(list(vendor_ids)))
    return {p.vendor_id: p for p in session.scalars(stmt)}


def signed_contracts(session: Session) -> list[Contract]:
    """Return every signed contract with an end date, across all units (the reminder job)."""
    stmt = select(Contract).where(Contract.status == "signed", Contract.end_date.is_not(None))
    return list(session.scalars(stmt.order_by(Contract.end_date)))


def questionnaires_for(session: Session, unit_ids: list[uuid.UUID] | None) -> list[Questionnaire]:
    """Return the imported questionnaires in the units (None = all), by name."""
    stmt = select(Questionnaire)
    if unit_ids is not None:
        stmt = stmt.where(Questionnaire.org_unit_id.in_(unit_ids))
    return list(session.scalars(stmt.order_by(Questionnaire.name)))


def assessment_by_link(session: Session, link_id: uuid.UUID) -> Assessment | None:
    """Return the assessment a public link was issued for."""
    return session.scalars(select(Assessment).where(Assessment.link_id == link_id)).first()


def detach_documents(session: Session, contract_id: uuid.UUID) -> None:
    """Keep a deleted contract's documents on the vendor (ORM updates, so each change is audited)."""
    for doc in session.scalars(select(Document).where(Document.contract_id == contract_id)):
        doc.contract_id = None
    session.flush()


def applications_of(session: Session, principal: Principal | None, vendor_id: uuid.UUID) -> list[Application]:
    """Return the visible inventory applications whose vendor is vendor_id."""
    stmt = select(Application).where(Application.vendor_id == vendor_id)
    if principal is not None:
        stmt = visible_to(stmt, session, principal, Application, INVENTORY_VIEW)
    return list(session.scalars(stmt.order_by(Application.name)))


def person_by_email(session: Session, email: str) -> Person | None:
    """Return the inventory person with this e-mail (any unit; the demo and imports name owners by e-mail)."""
    return session.scalars(select(Person).where(Person.email == email.strip().lower()).limit(1)).first()
