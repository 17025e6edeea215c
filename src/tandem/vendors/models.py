"""Vendor tables: contracts, documents, agreements and attestations, data-access profiles, questionnaires,
assessments and findings. The vendor itself is the inventory's record (inventory_vendors)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base, IdMixin, OrgScopedMixin, ProvenanceMixin, TimestampMixin
from tandem.platform.db.types import PortableJSON, UTCDateTime

VENDOR_FK = "inventory_vendors.id"
PERSON_FK = "inventory_people.id"
ASSESSMENT_FK = "vendors_assessments.id"


class Contract(IdMixin, TimestampMixin, OrgScopedMixin, ProvenanceMixin, Base):
    """A contract with a vendor: what it covers, its term, notice and renewal, its value and who owns it."""

    __tablename__ = "vendors_contracts"
    __audit_ignore__ = frozenset({"reminders_sent", "updated_at"})

    vendor_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(VENDOR_FK), index=True)
    title: Mapped[str] = mapped_column(String(300))
    products: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(60), default="")
    application_ids: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    start_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    notice_days: Mapped[int] = mapped_column(Integer, default=0)
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=False)
    yearly_value_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    payment_schedule: Mapped[str] = mapped_column(String(16), default="yearly")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey(PERSON_FK), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    negotiation_notes: Mapped[str] = mapped_column(Text, default="")
    # Reminder thresholds (days before the notice deadline) already e-mailed for the current deadline.
    reminders_sent: Mapped[list[int]] = mapped_column(PortableJSON, default=list)
    # Offboarding checklist once the contract ends: {"access_revoked": bool, "data_returned": bool, ...}.
    offboarding: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)


class Document(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """An uploaded file (sniffed, size-limited, stored by SHA-256) about a vendor."""

    __tablename__ = "vendors_documents"

    vendor_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(VENDOR_FK), index=True)
    contract_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("vendors_contracts.id"), nullable=True)
    assessment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey(ASSESSMENT_FK), nullable=True)
    question_id: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[str] = mapped_column(String(32), default="other")
    title: Mapped[str] = mapped_column(String(300))
    file_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))


class Agreement(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A DPA, BAA or SCCs with a vendor, or an attestation it holds (SOC 2 report, ISO 27001 certificate)."""

    __tablename__ = "vendors_agreements"

    vendor_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(VENDOR_FK), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="signed")
    signed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    expires_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    reference: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class Profile(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """The CISO's facts about a vendor: legal role, transfer mechanism, network access, tier override."""

    __tablename__ = "vendors_profiles"

    vendor_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(VENDOR_FK), unique=True)
    legal_role: Mapped[str] = mapped_column(String(32), default="none")
    transfer_mechanism: Mapped[str] = mapped_column(String(16), default="none")
    network_access: Mapped[str] = mapped_column(String(16), default="none")
    tier_override: Mapped[str | None] = mapped_column(String(16), nullable=True)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="")


class Questionnaire(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """An imported questionnaire (the shipped baseline lives in code); questions as JSON."""

    __tablename__ = "vendors_questionnaires"

    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(60), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    licence: Mapped[str] = mapped_column(Text, default="")
    # [{"id", "section", "text", "controls": [...], "weight", "kind": "yes_no" | "text"}]
    questions: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)

    __table_args__ = (UniqueConstraint("org_unit_id", "name", name="uq_vendors_questionnaires_unit_name"),)


class Assessment(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A questionnaire sent to a vendor contact through a tokenised link, its answers and scores."""

    __tablename__ = "vendors_assessments"
    # Answers arrive one field at a time from the vendor; the submission is the audited event.
    __audit_ignore__ = frozenset({"answers", "updated_at"})

    vendor_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(VENDOR_FK), index=True)
    questionnaire: Mapped[str] = mapped_column(String(200))
    questions: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="sent")
    contact_email: Mapped[str] = mapped_column(String(320), default="")
    link_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    answers: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    scores: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)


class Finding(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A follow-up a vendor must fix, from an assessment answer or entered by an analyst."""

    __tablename__ = "vendors_findings"

    vendor_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(VENDOR_FK), index=True)
    assessment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey(ASSESSMENT_FK), nullable=True)
    question_id: Mapped[str] = mapped_column(String(60), default="")
    title: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(16), default="medium")
    status: Mapped[str] = mapped_column(String(16), default="open")
    due_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
