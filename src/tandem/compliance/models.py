"""Compliance tables: the framework library (global), and the organisation's controls, assessments, evidence."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base, IdMixin, OrgScopedMixin, ProvenanceMixin, TimestampMixin
from tandem.platform.db.types import PortableJSON, UTCDateTime

REQ_FK = "compliance_requirements.id"


class Framework(IdMixin, TimestampMixin, Base):
    """A framework version in the library (catalog, resolved profile/baseline, regulation); shared by all units."""

    __tablename__ = "compliance_frameworks"

    key: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(300))
    version: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32), default="catalog")  # catalog | baseline | regulation | simple
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    base_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("compliance_frameworks.id"), nullable=True)
    requirement_count: Mapped[int] = mapped_column(Integer, default=0)
    # An imported OSCAL catalog keeps its uuid, file name and (gzipped) document so later profiles can name it
    # by uuid, title or file and be resolved against it with its parameters and parts intact.
    oscal_uuid: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    source_file: Mapped[str | None] = mapped_column(String(300), nullable=True)
    document: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)

    __audit_digest__ = frozenset({"document"})
    __table_args__ = (UniqueConstraint("key", "version", name="uq_compliance_frameworks_key_version"),)


class Requirement(IdMixin, Base):
    """One node of a framework's tree; library content, written in bulk and audited once per import."""

    __tablename__ = "compliance_requirements"
    __audit__ = False

    framework_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("compliance_frameworks.id", ondelete="CASCADE"))
    ref: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text, default="")
    guidance: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(32))
    assessable: Mapped[bool] = mapped_column(Boolean, default=True)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn_note: Mapped[str] = mapped_column(String(500), default="")
    parent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
    # A baseline's requirement points at the catalog requirement it was resolved from (same identity).
    base_requirement_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)

    __table_args__ = (
        UniqueConstraint("framework_id", "ref", name="uq_compliance_requirements_framework_ref"),
        Index("ix_compliance_requirements_framework_position", "framework_id", "position"),
    )


class Mapping(IdMixin, TimestampMixin, Base):
    """An OSCAL relationship between two requirements: source <relationship> target, with a strength 0–10."""

    __tablename__ = "compliance_mappings"

    source_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(REQ_FK, ondelete="CASCADE"), index=True)
    target_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(REQ_FK, ondelete="CASCADE"), index=True)
    relationship: Mapped[str] = mapped_column(String(32))
    strength: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rationale: Mapped[str] = mapped_column(Text, default="")
    provenance: Mapped[str] = mapped_column(String(300), default="entered")

    __table_args__ = (UniqueConstraint("source_id", "target_id", name="uq_compliance_mappings_pair"),)


class Control(IdMixin, TimestampMixin, OrgScopedMixin, ProvenanceMixin, Base):
    """Something the organisation does (a policy, a process, a technical measure)."""

    __tablename__ = "compliance_controls"

    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("inventory_people.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(32), default="planned")
    frequency: Mapped[str] = mapped_column(String(32), default="continuous")


class ControlRequirement(IdMixin, TimestampMixin, Base):
    """A control satisfies (part of) a requirement."""

    __tablename__ = "compliance_control_requirements"

    control_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("compliance_controls.id", ondelete="CASCADE"))
    requirement_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(REQ_FK, ondelete="CASCADE"), index=True)

    __table_args__ = (UniqueConstraint("control_id", "requirement_id", name="uq_compliance_control_requirements"),)


class ControlScope(IdMixin, TimestampMixin, Base):
    """An inventory record (application, asset, data store …) a control covers."""

    __tablename__ = "compliance_control_scope"

    control_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("compliance_controls.id", ondelete="CASCADE"))
    object_kind: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)

    __table_args__ = (UniqueConstraint("control_id", "object_id", name="uq_compliance_control_scope"),)


class Assessment(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """An assessment of one framework (or baseline) over a scope."""

    __tablename__ = "compliance_assessments"

    title: Mapped[str] = mapped_column(String(300))
    framework_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("compliance_frameworks.id"), index=True)
    scope: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(32), default="in-progress")
    prefilled_from_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Result(IdMixin, Base):
    """The result of one requirement in an assessment; rows are created in bulk, changes are audited."""

    __tablename__ = "compliance_results"

    assessment_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("compliance_assessments.id", ondelete="CASCADE"))
    requirement_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(REQ_FK))
    position: Mapped[int] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(String(32), default="not-assessed")
    rationale: Mapped[str] = mapped_column(Text, default="")
    maturity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    assessor: Mapped[str] = mapped_column(String(200), default="")
    assessed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    prefilled_from: Mapped[str | None] = mapped_column(String(300), nullable=True)

    __table_args__ = (
        UniqueConstraint("assessment_id", "requirement_id", name="uq_compliance_results_assessment_requirement"),
        Index("ix_compliance_results_assessment_position", "assessment_id", "position"),
    )


class Evidence(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A file, link or note proving a control or a result, valid for a period."""

    __tablename__ = "compliance_evidence"

    kind: Mapped[str] = mapped_column(String(16))  # file | link | note | automated (a control test's snapshot)
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(2000), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    file_name: Mapped[str] = mapped_column(String(255), default="")
    media_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    valid_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    control_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("compliance_controls.id", ondelete="CASCADE"), nullable=True, index=True
    )
    result_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("compliance_results.id", ondelete="CASCADE"), nullable=True, index=True
    )


class PoamItem(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A weakness to remediate (POA&M item), usually from an assessment gap."""

    __tablename__ = "compliance_poam_items"

    weakness: Mapped[str] = mapped_column(Text)
    milestone: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("inventory_people.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(32), default="open")
    assessment_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("compliance_assessments.id", ondelete="SET NULL"), nullable=True, index=True
    )
    requirement_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey(REQ_FK), nullable=True)


class ControlTest(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """An automated test of a control: a registered check run on a cadence over the control's scope."""

    __tablename__ = "compliance_control_tests"

    control_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("compliance_controls.id", ondelete="CASCADE"), index=True
    )
    check_name: Mapped[str] = mapped_column(String(100))
    params: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    cadence: Mapped[str] = mapped_column(String(16), default="daily")  # hourly … quarterly, or "<n>h"
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # The org unit whose subtree the check examines; None = the control's own unit.
    scope_unit_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("org_units.id"), nullable=True)
    last_status: Mapped[str] = mapped_column(String(16), default="never")  # never | pass | fail | error
    last_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __audit_ignore__ = frozenset({"last_status", "last_run_at", "updated_at"})


class ControlTestResult(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """One dated run of a control test: the verdict and the evidence snapshot behind it."""

    __tablename__ = "compliance_control_test_results"
    # The snapshot can be 500 rows: the audit entry records the SHA-256 of its canonical JSON instead of a copy.
    __audit_digest__ = frozenset({"snapshot"})

    test_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("compliance_control_tests.id", ondelete="CASCADE"), index=True
    )
    control_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("compliance_controls.id", ondelete="CASCADE"), index=True
    )
    check_name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))  # pass | fail | error
    summary: Mapped[str] = mapped_column(Text, default="")
    examined: Mapped[int] = mapped_column(Integer, default=0)
    failing: Mapped[int] = mapped_column(Integer, default=0)
    measured: Mapped[float | None] = mapped_column(Float, nullable=True)
    params: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    snapshot: Mapped[str] = mapped_column(Text, default="")  # canonical JSON {"columns": […], "rows": […]}
    sha256: Mapped[str] = mapped_column(String(64), default="")
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    trigger: Mapped[str] = mapped_column(String(16), default="scheduled")  # scheduled | on-demand | demo
    ran_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    evidence_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("compliance_evidence.id", ondelete="SET NULL"), nullable=True, index=True
    )

    __table_args__ = (Index("ix_compliance_control_test_results_test_ran", "test_id", "ran_at"),)
