"""Incident tables: incidents with their breach facts, people, tasks, timeline, scope, populations, obligations,
playbooks and the breach-notification rules (versioned data, seeded from the shipped file)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base, IdMixin, OrgScopedMixin, TimestampMixin
from tandem.platform.db.types import PortableJSON, UTCDateTime, utcnow

INCIDENT_FK = "incidents_incidents.id"
PERSON_FK = "inventory_people.id"


class Incident(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A security incident: lifecycle, type and rating, and the facts the notification clocks run on."""

    __tablename__ = "incidents_incidents"

    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(String(40), default="other")
    severity: Mapped[str] = mapped_column(String(16), default="undetermined")
    priority: Mapped[str] = mapped_column(String(16), default="medium")
    status: Mapped[str] = mapped_column(String(16), default="reported")
    reported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    contained_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    stable_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolution: Mapped[str] = mapped_column(Text, default="")
    # Breach facts: different laws start their clocks at different moments.
    discovered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    aware_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    determined_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    materiality_determined_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    personal_data: Mapped[bool] = mapped_column(Boolean, default=False)
    breach_types: Mapped[list[str]] = mapped_column(PortableJSON, default=list)  # confidentiality|integrity|…
    sectors: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    eu_establishment: Mapped[bool] = mapped_column(Boolean, default=False)
    gdpr_risk: Mapped[str] = mapped_column(String(16), default="unknown")
    hipaa_low_probability: Mapped[bool] = mapped_column(Boolean, default=False)
    significant_incident: Mapped[bool] = mapped_column(Boolean, default=False)
    material: Mapped[bool] = mapped_column(Boolean, default=False)
    notification_incident: Mapped[bool] = mapped_column(Boolean, default=False)
    # The breach register (GDPR 33(5)): decision, rationale and the last evaluation.
    notification_decision: Mapped[str] = mapped_column(String(16), default="pending")
    decision_rationale: Mapped[str] = mapped_column(Text, default="")
    assessment: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    assessed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    earliest_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    review: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON, nullable=True)


class Participant(IdMixin, TimestampMixin, Base):
    """Someone working the incident, in a role (commander, scribe, liaison, legal, privacy officer, …)."""

    __tablename__ = "incidents_participants"

    incident_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(INCIDENT_FK, ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32), default="participant")
    person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey(PERSON_FK), nullable=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), default="")


class Task(IdMixin, TimestampMixin, Base):
    """A task with an owner and a due date, from a playbook, the responders or the post-incident review."""

    __tablename__ = "incidents_tasks"

    incident_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(INCIDENT_FK, ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_role: Mapped[str] = mapped_column(String(32), default="")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey(PERSON_FK), nullable=True)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    source: Mapped[str] = mapped_column(String(16), default="incident")  # incident | playbook | review
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Event(IdMixin, TimestampMixin, Base):
    """A typed timeline entry; every action on the incident writes one."""

    __tablename__ = "incidents_events"

    incident_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(INCIDENT_FK, ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    actor: Mapped[str] = mapped_column(String(200), default="")


class ScopeItem(IdMixin, TimestampMixin, Base):
    """An inventory object the incident touched (asset, application, vendor, data store, person, account)."""

    __tablename__ = "incidents_scope_items"

    incident_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(INCIDENT_FK, ondelete="CASCADE"), index=True)
    object_kind: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    label: Mapped[str] = mapped_column(String(300), default="")
    how: Mapped[str] = mapped_column(String(16), default="affected")  # affected | compromised | reachable
    notes: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("incident_id", "object_id", name="uq_incidents_scope_items_pair"),)


class Population(IdMixin, TimestampMixin, Base):
    """Affected people of one data set and jurisdiction whose records hold the same elements together."""

    __tablename__ = "incidents_populations"

    incident_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(INCIDENT_FK, ondelete="CASCADE"), index=True)
    data_store_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    label: Mapped[str] = mapped_column(String(300), default="")
    jurisdiction: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer)
    elements: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    encrypted: Mapped[bool] = mapped_column(Boolean, default=False)
    key_compromised: Mapped[bool] = mapped_column(Boolean, default=False)
    gdpr_role: Mapped[str] = mapped_column(String(16), default="controller")
    hipaa_role: Mapped[str] = mapped_column(String(24), default="none")


class Obligation(IdMixin, TimestampMixin, Base):
    """Someone to notify by when, suggested by a rule; humans send it and record the evidence."""

    __tablename__ = "incidents_obligations"

    incident_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(INCIDENT_FK, ondelete="CASCADE"), index=True)
    rule_key: Mapped[str] = mapped_column(String(80))
    rule_version: Mapped[int] = mapped_column(Integer, default=1)
    jurisdiction: Mapped[str] = mapped_column(String(16))
    regime: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(64))
    recipient_label: Mapped[str] = mapped_column(String(300), default="")
    affected: Mapped[int] = mapped_column(Integer, default=0)
    clock: Mapped[str] = mapped_column(String(16))
    clock_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    asap: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str] = mapped_column(Text, default="")
    citation: Mapped[str] = mapped_column(String(300), default="")
    rationale: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | sent | waived | withdrawn
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    evidence: Mapped[str] = mapped_column(Text, default="")
    alerted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        UniqueConstraint("incident_id", "rule_key", "jurisdiction", name="uq_incidents_obligations_rule"),
    )


class Playbook(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """An organisation's task template for an incident type (replaces the shipped default for its units)."""

    __tablename__ = "incidents_playbooks"

    incident_type: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    tasks: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)  # [{title, role, due_hours}]

    __table_args__ = (UniqueConstraint("org_unit_id", "incident_type", name="uq_incidents_playbooks_unit_type"),)


class BreachRule(IdMixin, TimestampMixin, Base):
    """One version of a breach-notification rule as data (see incidents.breach); admins edit and add them."""

    __tablename__ = "incidents_breach_rules"

    key: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    record: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    origin: Mapped[str] = mapped_column(String(16), default="shipped")  # shipped | custom

    __table_args__ = (UniqueConstraint("key", "version", name="uq_incidents_breach_rules_key_version"),)


class RiskLink(IdMixin, TimestampMixin, Base):
    """A review follow-up that became a risk treatment, on an existing risk scenario or one opened for it."""

    __tablename__ = "incidents_risk_links"

    incident_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(INCIDENT_FK, ondelete="CASCADE"), index=True)
    task_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("incidents_tasks.id", ondelete="SET NULL"), nullable=True
    )
    # Risk rows live in the risk domain's branch; the ids are kept (not foreign keys) so either side can go.
    scenario_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    treatment_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    title: Mapped[str] = mapped_column(String(300))
    scenario_title: Mapped[str] = mapped_column(String(300), default="")
    new_scenario: Mapped[bool] = mapped_column(Boolean, default=False)


class EvidenceFile(IdMixin, TimestampMixin, Base):
    """A file kept as incident evidence (logs, screenshots, ransom note), stored by SHA-256 and served inert."""

    __tablename__ = "incidents_evidence_files"

    incident_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(INCIDENT_FK, ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    file_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(200), default="")
