"""Risk tables: scenarios and what they threaten, treatments, matrices, taxonomy, simulation runs and results."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base, IdMixin, OrgScopedMixin, ProvenanceMixin, TimestampMixin
from tandem.platform.db.types import PortableJSON, UTCDateTime, utcnow

SCENARIO_FK = "risk_scenarios.id"


class Scenario(IdMixin, TimestampMixin, OrgScopedMixin, ProvenanceMixin, Base):
    """A loss scenario: who acts, how, against which inventory objects, rated and (optionally) quantified."""

    __tablename__ = "risk_scenarios"

    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    threat_community: Mapped[str] = mapped_column(String(100), default="")
    threat_event: Mapped[str] = mapped_column(String(100), default="")
    loss_types: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("inventory_people.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(32), default="identified")
    review_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    likelihood: Mapped[int | None] = mapped_column(Integer, nullable=True)
    impact: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Open FAIR inputs as JSON estimates ({"tef": {"type": "pert", "min": …}, …}), validated by risk.fair.
    fair: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON, nullable=True)


class ScenarioTarget(IdMixin, TimestampMixin, Base):
    """An inventory object (asset, application, data store, vendor) a scenario threatens."""

    __tablename__ = "risk_scenario_targets"

    scenario_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(SCENARIO_FK, ondelete="CASCADE"), index=True)
    object_kind: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)

    __table_args__ = (UniqueConstraint("scenario_id", "object_id", name="uq_risk_scenario_targets_pair"),)


class Treatment(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A response to a scenario (mitigate, transfer, avoid, accept) with its expected effect and cost."""

    __tablename__ = "risk_treatments"

    scenario_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(SCENARIO_FK, ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(32), default="proposed")
    effect: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    annual_cost: Mapped[float] = mapped_column(Float, default=0.0)
    control_ids: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    initiatives: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    accepted_by: Mapped[str] = mapped_column(String(200), default="")
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acceptance_reason: Mapped[str] = mapped_column(Text, default="")
    accepted_until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class Matrix(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A unit's likelihood × impact matrix, its risk appetite and its loss tolerance curve."""

    __tablename__ = "risk_matrices"

    likelihood_labels: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    impact_labels: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    levels: Mapped[list[dict[str, str]]] = mapped_column(PortableJSON, default=list)  # [{key, label, colour}]
    cells: Mapped[list[list[str]]] = mapped_column(PortableJSON, default=list)  # [likelihood][impact] -> level key
    appetite_level: Mapped[str] = mapped_column(String(32), default="medium")
    tolerance: Mapped[list[list[float]]] = mapped_column(PortableJSON, default=list)  # [[loss, max P(loss >= x)]]

    __table_args__ = (UniqueConstraint("org_unit_id", name="uq_risk_matrices_org_unit_id"),)


class TaxonomyTerm(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A threat community or threat event a unit added to the default taxonomy."""

    __tablename__ = "risk_taxonomy_terms"

    kind: Mapped[str] = mapped_column(String(32))  # threat_community | threat_event
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("org_unit_id", "kind", "name", name="uq_risk_taxonomy_terms_unit_kind_name"),)


class Run(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A simulation of one scenario, a set or a unit's portfolio: settings, status and the aggregate."""

    __tablename__ = "risk_runs"
    __audit__ = False  # derived numbers; the job row and the scenario changes are the record

    scope: Mapped[str] = mapped_column(String(16))  # scenario | set | portfolio
    scenario_ids: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    seed: Mapped[int] = mapped_column(Integer)
    years: Mapped[int] = mapped_column(Integer)
    semantics: Mapped[str] = mapped_column(String(16), default="events")
    engine_version: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(16), default="queued")
    job_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    total: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON, nullable=True)
    contributors: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)
    error: Mapped[str] = mapped_column(Text, default="")
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ScenarioResult(IdMixin, Base):
    """The latest simulated annual-loss statistics of a scenario (LEC as ~200 points)."""

    __tablename__ = "risk_scenario_results"
    __audit__ = False

    scenario_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(SCENARIO_FK, ondelete="CASCADE"), unique=True, index=True
    )
    run_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    stats: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    inputs_hash: Mapped[str] = mapped_column(String(64), default="")
    simulated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
