"""Privacy tables: records of processing activities (GDPR Art. 30) and data protection impact assessments."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base, IdMixin, OrgScopedMixin, ProvenanceMixin, TimestampMixin
from tandem.platform.db.types import PortableJSON, UTCDateTime


class Activity(IdMixin, TimestampMixin, OrgScopedMixin, ProvenanceMixin, Base):
    """A processing activity: the Art. 30(1) controller record or the Art. 30(2) processor record."""

    __tablename__ = "privacy_activities"

    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(String(24), default="controller")  # controller | processor | joint_controller
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | in_review | approved | deprecated
    # Art. 30(1)(a) / 30(2)(a): who is responsible.
    controller: Mapped[str] = mapped_column(Text, default="")
    joint_controller: Mapped[str] = mapped_column(Text, default="")
    representative: Mapped[str] = mapped_column(Text, default="")
    dpo: Mapped[str] = mapped_column(Text, default="")
    # (b) purposes and legal basis; (c) subjects and categories; (d) recipients; (e) transfers; (f) retention;
    # (g) security measures.
    purposes: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    legal_basis: Mapped[str] = mapped_column(String(32), default="")
    special_basis: Mapped[str] = mapped_column(String(32), default="")
    data_subjects: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    data_categories: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    data_store_ids: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    recipients: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    vendor_ids: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    transfers: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)  # [{country, mechanism}]
    retention: Mapped[str] = mapped_column(Text, default="")
    security_measures: Mapped[str] = mapped_column(Text, default="")
    control_ids: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    # Answers to the DPIA pre-screen questions the record cannot tell (evaluation, monitoring, …).
    screening: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)


class Dpia(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A data protection impact assessment of one processing activity (Art. 35(7) content, DPO, sign-off)."""

    __tablename__ = "privacy_dpias"

    activity_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("privacy_activities.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | dpo_review | signed_off | rejected
    description: Mapped[str] = mapped_column(Text, default="")
    necessity: Mapped[str] = mapped_column(Text, default="")
    risks: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)  # [{risk, likelihood, severity}]
    # Free-text references (another register, a ticket); the narrative of each risk is in `risks`.
    risk_refs: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    # Ids of risk scenarios (a higher domain): validated through platform.references when written.
    risk_scenario_ids: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    measures: Mapped[str] = mapped_column(Text, default="")
    residual_risk: Mapped[str] = mapped_column(String(16), default="")
    dpo_opinion: Mapped[str] = mapped_column(Text, default="")
    dpo_name: Mapped[str] = mapped_column(String(200), default="")
    signed_off_by: Mapped[str] = mapped_column(String(200), default="")
    signed_off_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
