"""Strategy tables: objectives, initiatives and their links, the planning policy, plan scenarios, saved plans,
and the joint CIO–CISO decision log with its approvals."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base, IdMixin, OrgScopedMixin, ProvenanceMixin, TimestampMixin
from tandem.platform.db.types import PortableJSON, UTCDateTime

INITIATIVE_FK = "strategy_initiatives.id"


class Objective(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A business objective with an owner, a horizon and a weight."""

    __tablename__ = "strategy_objectives"

    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("inventory_people.id"), nullable=True)
    horizon: Mapped[str] = mapped_column(String(40), default="")
    weight: Mapped[float] = mapped_column(Float, default=1.0)


class Initiative(IdMixin, TimestampMixin, OrgScopedMixin, ProvenanceMixin, Base):
    """An IT or security initiative: sponsor, value, risk reduction, cost and staff per active quarter, rules."""

    __tablename__ = "strategy_initiatives"

    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    sponsor: Mapped[str] = mapped_column(String(16), default="joint")  # cio | ciso | joint
    status: Mapped[str] = mapped_column(String(32), default="candidate")
    value_mode: Mapped[str] = mapped_column(String(16), default="money")  # money | score
    business_value: Mapped[float] = mapped_column(Float, default=0.0)
    value_low: Mapped[float | None] = mapped_column(Float, nullable=True)
    value_high: Mapped[float | None] = mapped_column(Float, nullable=True)
    value_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    duration: Mapped[int] = mapped_column(Integer, default=1)
    costs: Mapped[list[float]] = mapped_column(PortableJSON, default=list)  # per active quarter
    staff: Mapped[dict[str, list[float]]] = mapped_column(PortableJSON, default=dict)  # pool -> FTE per quarter
    earliest_quarter: Mapped[int] = mapped_column(Integer, default=1)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=False)
    deadline_quarter: Mapped[int | None] = mapped_column(Integer, nullable=True)
    regulation: Mapped[str] = mapped_column(String(200), default="")
    compliance_ref: Mapped[str] = mapped_column(String(200), default="")  # a compliance gap or POA&M item
    alt_group: Mapped[str | None] = mapped_column(String(100), nullable=True)
    time_exception: Mapped[str] = mapped_column(Text, default="")  # why an eliminate app still gets investment
    # ΔALE of the linked scenarios from the risk engine's what-if (mean and 90 % interval), cached.
    risk_reduction: Mapped[float] = mapped_column(Float, default=0.0)
    risk_low: Mapped[float] = mapped_column(Float, default=0.0)
    risk_high: Mapped[float] = mapped_column(Float, default=0.0)
    risk_computed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (UniqueConstraint("org_unit_id", "title", name="uq_strategy_initiatives_unit_title"),)


class InitiativeObjective(IdMixin, TimestampMixin, Base):
    """How much (0–5) an initiative supports an objective."""

    __tablename__ = "strategy_initiative_objectives"

    initiative_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(INITIATIVE_FK, ondelete="CASCADE"), index=True)
    objective_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("strategy_objectives.id", ondelete="CASCADE"))
    contribution: Mapped[int] = mapped_column(Integer, default=3)

    __table_args__ = (UniqueConstraint("initiative_id", "objective_id", name="uq_strategy_initiative_objectives"),)


class InitiativeRisk(IdMixin, TimestampMixin, Base):
    """A risk scenario an initiative reduces, with the expected effect on its FAIR factors."""

    __tablename__ = "strategy_initiative_risks"

    initiative_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(INITIATIVE_FK, ondelete="CASCADE"), index=True)
    scenario_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("risk_scenarios.id", ondelete="CASCADE"))
    effect: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)

    __table_args__ = (UniqueConstraint("initiative_id", "scenario_id", name="uq_strategy_initiative_risks"),)


class InitiativeApplication(IdMixin, TimestampMixin, Base):
    """An application an initiative affects, and how (invest, tolerate, migrate, eliminate)."""

    __tablename__ = "strategy_initiative_applications"

    initiative_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(INITIATIVE_FK, ondelete="CASCADE"), index=True)
    application_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("inventory_applications.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16), default="invest")

    __table_args__ = (UniqueConstraint("initiative_id", "application_id", name="uq_strategy_initiative_apps"),)


class Dependency(IdMixin, TimestampMixin, Base):
    """The initiative must follow (start after the end of) the predecessor."""

    __tablename__ = "strategy_dependencies"

    initiative_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(INITIATIVE_FK, ondelete="CASCADE"), index=True)
    predecessor_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(INITIATIVE_FK, ondelete="CASCADE"))

    __table_args__ = (UniqueConstraint("initiative_id", "predecessor_id", name="uq_strategy_dependencies_pair"),)


class Policy(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """The planning policy the CIO and CISO agree: λ, horizon, budget and staff per quarter, value rules."""

    __tablename__ = "strategy_policies"

    lam: Mapped[float] = mapped_column(Float, default=1.0)
    benefit_years: Mapped[float] = mapped_column(Float, default=3.0)
    discount: Mapped[float] = mapped_column(Float, default=0.97)
    first_quarter: Mapped[str] = mapped_column(String(16), default="2027-Q1")
    quarters: Mapped[int] = mapped_column(Integer, default=8)
    budget: Mapped[list[float]] = mapped_column(PortableJSON, default=list)
    capacity: Mapped[dict[str, list[float]]] = mapped_column(PortableJSON, default=dict)
    value_per_point: Mapped[float] = mapped_column(Float, default=100_000.0)  # score → money, shown on screen
    currency: Mapped[str] = mapped_column(String(3), default="USD")

    __table_args__ = (UniqueConstraint("org_unit_id", name="uq_strategy_policies_org_unit_id"),)


class PlanScenario(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A what-if on the policy: budget ×, staff ±, deadlines shifted, another λ."""

    __tablename__ = "strategy_scenarios"

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    budget_factor: Mapped[float] = mapped_column(Float, default=1.0)
    capacity_delta: Mapped[dict[str, float]] = mapped_column(PortableJSON, default=dict)  # pool -> FTE every quarter
    deadline_shift: Mapped[int] = mapped_column(Integer, default=0)
    lam: Mapped[float | None] = mapped_column(Float, nullable=True)

    __table_args__ = (UniqueConstraint("org_unit_id", "name", name="uq_strategy_scenarios_unit_name"),)


class Plan(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A saved optimisation: settings, solver account (status, gap), the schedule, greedy, reasons, frontier."""

    __tablename__ = "strategy_plans"

    name: Mapped[str] = mapped_column(String(200))
    scenario_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("strategy_scenarios.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(16), default="queued")
    job_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    settings: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    frontier: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)
    approval: Mapped[str] = mapped_column(String(16), default="draft")  # draft | pending | approved | rejected
    error: Mapped[str] = mapped_column(Text, default="")
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Decision(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A joint CIO–CISO decision: question, options, decision, rationale, who decided, what it concerns."""

    __tablename__ = "strategy_decisions"

    kind: Mapped[str] = mapped_column(String(32))  # plan_approval | risk_acceptance | exception | vendor_choice | other
    question: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    decision: Mapped[str] = mapped_column(Text, default="")
    rationale: Mapped[str] = mapped_column(Text, default="")
    touches_security: Mapped[bool] = mapped_column(Boolean, default=False)
    subject_type: Mapped[str] = mapped_column(String(40), default="")
    subject_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | approved | rejected
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decided_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class Approval(IdMixin, TimestampMixin, Base):
    """One sign-off (or refusal) of a decision by the CIO or the CISO."""

    __tablename__ = "strategy_approvals"

    decision_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("strategy_decisions.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(8))  # cio | ciso
    username: Mapped[str] = mapped_column(String(200))
    verdict: Mapped[str] = mapped_column(String(16))  # approve | reject
    comment: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("decision_id", "role", name="uq_strategy_approvals_decision_role"),)


class FitAssessment(IdMixin, TimestampMixin, Base):
    """An application's TIME assessment: business fit and technical fit (1–5), placing it on the TIME grid."""

    __tablename__ = "strategy_fit_assessments"

    application_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("inventory_applications.id", ondelete="CASCADE"), unique=True
    )
    business_fit: Mapped[float] = mapped_column(Float)
    technical_fit: Mapped[float] = mapped_column(Float)
    rationale: Mapped[str] = mapped_column(Text, default="")
    assessed_by: Mapped[str] = mapped_column(String(200), default="")
    assessed_on: Mapped[dt.date] = mapped_column(Date)
