"""Training tables: courses and quiz questions, programs and assignments, completions, policies and
acknowledgements, phishing campaigns and their per-person results."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base, IdMixin, OrgScopedMixin, ProvenanceMixin, TimestampMixin
from tandem.platform.db.types import PortableJSON, UTCDateTime

PERSON_FK = "inventory_people.id"
COURSE_FK = "training_courses.id"
POLICY_FK = "training_policies.id"


class Course(IdMixin, TimestampMixin, OrgScopedMixin, ProvenanceMixin, Base):
    """A course: an external LMS module, a document, or a quiz built in Tandem."""

    __tablename__ = "training_courses"

    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[str] = mapped_column(String(16), default="link")  # link | document | quiz
    url: Mapped[str] = mapped_column(String(2000), default="")
    external_id: Mapped[str] = mapped_column(String(500), default="")  # the LMS / xAPI activity id
    version: Mapped[str] = mapped_column(String(40), default="1")
    duration_minutes: Mapped[int] = mapped_column(Integer, default=30)
    validity_days: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: never expires
    pass_mark: Mapped[int] = mapped_column(Integer, default=80)  # percent, quizzes only
    requirement_refs: Mapped[list[str]] = mapped_column(PortableJSON, default=list)  # "framework-key:ref"
    # The uploaded document of a document course, kept in the "training-documents" file store by its digest.
    document_name: Mapped[str] = mapped_column(String(255), default="")
    document_media_type: Mapped[str] = mapped_column(String(100), default="")
    document_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    document_sha256: Mapped[str] = mapped_column(String(64), default="")


class Question(IdMixin, TimestampMixin, Base):
    """One multiple-choice question of a quiz course."""

    __tablename__ = "training_questions"

    course_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(COURSE_FK, ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    prompt: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    correct: Mapped[list[int]] = mapped_column(PortableJSON, default=list)  # indexes into choices


class Program(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """Courses assigned to an audience (rules over people in the program's unit tree) with a due date."""

    __tablename__ = "training_programs"

    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    course_ids: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    audience: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)  # any-of rules
    due_days: Mapped[int] = mapped_column(Integer, default=30)  # after assignment
    due_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # fixed deadline, overrides due_days
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    recomputed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __audit_ignore__ = frozenset({"recomputed_at", "updated_at"})


class Assignment(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A course a program asks a person to complete; closed when they leave the audience."""

    __tablename__ = "training_assignments"
    __audit__ = False  # derived from the audience rules; each recompute is one audit event

    program_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("training_programs.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(COURSE_FK, ondelete="CASCADE"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(PERSON_FK, ondelete="CASCADE"), index=True)
    assigned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    due_date: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_reason: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")  # which audience rule matched
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __audit_ignore__ = frozenset({"reminded_at", "updated_at"})
    __table_args__ = (UniqueConstraint("program_id", "course_id", "person_id", name="uq_training_assignments_triple"),)


class Completion(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A person finished (passed or failed) a course at a time, recorded in Tandem or imported from an LMS."""

    __tablename__ = "training_completions"

    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(PERSON_FK, ondelete="CASCADE"), index=True)
    course_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(COURSE_FK, ondelete="CASCADE"), index=True)
    course_version: Mapped[str] = mapped_column(String(40), default="")
    completed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)  # 0–100
    passed: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(200), default="tandem")
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __audit_ignore__ = frozenset({"reminded_at", "updated_at"})
    __table_args__ = (
        UniqueConstraint("person_id", "course_id", "completed_at", name="uq_training_completions_attempt"),
    )


class Policy(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A policy document with an owner, a review date and numbered versions."""

    __tablename__ = "training_policies"

    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey(PERSON_FK), nullable=True)
    review_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    current_version: Mapped[int] = mapped_column(Integer, default=0)


class PolicyVersion(IdMixin, TimestampMixin, Base):
    """Version N of a policy: its text or link and when it was published."""

    __tablename__ = "training_policy_versions"

    policy_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(POLICY_FK, ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(2000), default="")
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("policy_id", "number", name="uq_training_policy_versions_number"),)


class AckCampaign(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A request that an audience confirms it read version N of a policy by a due date."""

    __tablename__ = "training_ack_campaigns"

    policy_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(POLICY_FK, ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    audience: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)
    due_date: Mapped[dt.date] = mapped_column(Date)


class Acknowledgement(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """One person's confirmation (pending while acknowledged_at is empty) in a campaign."""

    __tablename__ = "training_acknowledgements"

    campaign_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("training_ack_campaigns.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(PERSON_FK, ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __audit_ignore__ = frozenset({"reminded_at", "updated_at"})
    __table_args__ = (UniqueConstraint("campaign_id", "person_id", name="uq_training_acknowledgements_pair"),)


class PhishingCampaign(IdMixin, TimestampMixin, OrgScopedMixin, ProvenanceMixin, Base):
    """A phishing simulation whose per-person results were imported (GoPhish or a generic CSV)."""

    __tablename__ = "training_phishing_campaigns"

    name: Mapped[str] = mapped_column(String(300))
    launched_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    template: Mapped[str] = mapped_column(String(300), default="")

    __table_args__ = (UniqueConstraint("org_unit_id", "name", name="uq_training_phishing_campaigns_unit_name"),)


class PhishingResult(IdMixin, Base):
    """What one recipient did with a simulated phish, and when."""

    __tablename__ = "training_phishing_results"
    __audit__ = False  # imported in bulk; the campaign's import is the audited record

    campaign_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("training_phishing_campaigns.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(PERSON_FK, ondelete="SET NULL"), nullable=True, index=True
    )
    email: Mapped[str] = mapped_column(String(320))
    department: Mapped[str] = mapped_column(String(200), default="")
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    clicked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reported_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (UniqueConstraint("campaign_id", "email", name="uq_training_phishing_results_email"),)
