"""Access tables: systems, identities, accounts, entitlements, grants, imports and their changes, SoD rules,
findings and analysis runs, review campaigns and their items and remediation tasks, activity events."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base, IdMixin, OrgScopedMixin, ProvenanceMixin, TimestampMixin
from tandem.platform.db.types import PortableJSON, UTCDateTime, utcnow

SYSTEM_FK = "access_systems.id"
ACCOUNT_FK = "access_accounts.id"
ENTITLEMENT_FK = "access_entitlements.id"
IDENTITY_FK = "access_identities.id"


class System(IdMixin, TimestampMixin, OrgScopedMixin, ProvenanceMixin, Base):
    """A target system holding accounts (an inventory application), with its dormancy and MFA settings."""

    __tablename__ = "access_systems"

    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    application_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("inventory_applications.id", ondelete="SET NULL"), nullable=True
    )
    dormant_days: Mapped[int] = mapped_column(Integer, default=90)
    mfa_enforced: Mapped[bool] = mapped_column(Boolean, default=False)
    # Weekly change windows for privilege grants: [{"weekday": 0-6, "start": 0-23, "end": 1-24}] (UTC hours).
    change_windows: Mapped[list[dict[str, int]]] = mapped_column(PortableJSON, default=list)

    __table_args__ = (UniqueConstraint("org_unit_id", "key", name="uq_access_systems_unit_key"),)


class Identity(IdMixin, TimestampMixin, OrgScopedMixin, ProvenanceMixin, Base):
    """A person as HR knows them (identities.csv), linked to the inventory's person when one matches."""

    __tablename__ = "access_identities"
    __audit__ = False  # bulk HR data: imports record their changes as Change rows

    employee_id: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(320), default="", index=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    department: Mapped[str] = mapped_column(String(200), default="")
    manager_employee_id: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(32), default="active")
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("inventory_people.id", ondelete="SET NULL"), nullable=True
    )

    __table_args__ = (UniqueConstraint("org_unit_id", "employee_id", name="uq_access_identities_unit_employee"),)


class Account(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """An account on a system (accounts.csv or SCIM), correlated to an identity or waiting in the queue."""

    __tablename__ = "access_accounts"
    # Bulk-imported (hundreds of thousands of rows): each import records what it changed as Change rows, and
    # a person's manual correlation is written to the audit chain as an event.
    __audit__ = False

    system_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(SYSTEM_FK, ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(200))
    username: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    employee_id: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(32), default="enabled")
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    is_privileged: Mapped[bool] = mapped_column(Boolean, default=False)
    is_service_account: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_employee_id: Mapped[str] = mapped_column(String(100), default="")
    identity_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(IDENTITY_FK, ondelete="SET NULL"), nullable=True, index=True
    )
    correlation: Mapped[str] = mapped_column(String(20), default="")  # employee_id | email | username | manual | ""

    __table_args__ = (UniqueConstraint("system_id", "external_id", name="uq_access_accounts_system_external"),)


class Entitlement(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A role, group or permission on a system, with its owner and the data stores it reaches."""

    __tablename__ = "access_entitlements"

    system_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(SYSTEM_FK, ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300), default="")
    type: Mapped[str] = mapped_column(String(32), default="permission")  # role | group | permission
    owner_employee_id: Mapped[str] = mapped_column(String(100), default="")
    privileged: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    # External ids (same system) of the entitlements this one includes: a group granting roles.
    includes: Mapped[list[str]] = mapped_column(PortableJSON, default=list)

    __table_args__ = (UniqueConstraint("system_id", "external_id", name="uq_access_entitlements_system_external"),)


class EntitlementStore(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """An entitlement grants read, write, admin or export access to an inventory data store."""

    __tablename__ = "access_entitlement_stores"

    entitlement_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(ENTITLEMENT_FK, ondelete="CASCADE"), index=True)
    data_store_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("inventory_data_stores.id", ondelete="CASCADE"), index=True
    )
    access: Mapped[str] = mapped_column(String(16), default="read")

    __table_args__ = (UniqueConstraint("entitlement_id", "data_store_id", name="uq_access_entitlement_stores_pair"),)


class Assignment(IdMixin, Base):
    """An entitlement held by an account (assignments.csv); changes are recorded as Change rows instead."""

    __tablename__ = "access_assignments"
    __audit__ = False  # millions of rows; every import records its grants added and removed

    org_unit_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("org_units.id"), index=True)
    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(ACCOUNT_FK, ondelete="CASCADE"), index=True)
    entitlement_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(ENTITLEMENT_FK, ondelete="CASCADE"))
    granted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    granted_by: Mapped[str] = mapped_column(String(200), default="")
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        UniqueConstraint("account_id", "entitlement_id", name="uq_access_assignments_pair"),
        # who-can reads the holders of entitlements from this index alone
        Index("ix_access_assignments_entitlement_account", "entitlement_id", "account_id"),
    )


class ImportRun(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """One import of a file or a SCIM sync: what kind, from where, what changed."""

    __tablename__ = "access_imports"

    kind: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(500), default="")
    counts: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    requested_by: Mapped[str] = mapped_column(String(200), default="")


class Change(IdMixin, Base):
    """What an import changed: grant added or removed, account or identity added, changed or removed."""

    __tablename__ = "access_changes"
    __audit__ = False  # the import run is audited; these are its detail

    import_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("access_imports.id", ondelete="CASCADE"), index=True)
    org_unit_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("org_units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(500), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SodRule(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """Two sets of entitlements no identity may hold together; each set is "any of" or "all of"."""

    __tablename__ = "access_sod_rules"

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    left: Mapped[list[str]] = mapped_column(PortableJSON, default=list)  # "system:entitlement_id"
    left_mode: Mapped[str] = mapped_column(String(8), default="any")
    right: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    right_mode: Mapped[str] = mapped_column(String(8), default="any")
    severity: Mapped[str] = mapped_column(String(16), default="high")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class Finding(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """An analysis finding or activity signal with its evidence and lifecycle."""

    __tablename__ = "access_findings"
    __audit_ignore__ = frozenset({"last_seen_at", "evidence", "updated_at"})

    kind: Mapped[str] = mapped_column(String(40), index=True)
    key: Mapped[str] = mapped_column(String(300))
    severity: Mapped[str] = mapped_column(String(16), default="medium")
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    title: Mapped[str] = mapped_column(String(500))
    evidence: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    identity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    account_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    entitlement_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    system_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("org_unit_id", "key", name="uq_access_findings_unit_key"),)


class AnalysisRun(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """One run of the access analysis: status, counts per finding kind, timing."""

    __tablename__ = "access_analysis_runs"
    __audit__ = False

    status: Mapped[str] = mapped_column(String(16), default="queued")
    job_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    counts: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    seconds: Mapped[float | None] = mapped_column(nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Campaign(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """An access review: scope, reviewer rule, due date, reminders and the non-response policy."""

    __tablename__ = "access_campaigns"

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # {"system_ids": [...], "entitlement_ids": [...], "data_categories": [...]}; empty lists = no limit
    scope: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    reviewer: Mapped[str] = mapped_column(String(32), default="manager")  # manager | entitlement_owner | data_owner
    due_date: Mapped[dt.date] = mapped_column(Date)
    reminder_days: Mapped[list[int]] = mapped_column(PortableJSON, default=list)  # days before the due date
    non_response: Mapped[str] = mapped_column(String(16), default="escalate")  # escalate | auto_revoke
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | closed
    created_by: Mapped[str] = mapped_column(String(200), default="")
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reminders_sent: Mapped[list[int]] = mapped_column(PortableJSON, default=list)


class ReviewItem(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """One case of a campaign: an account's entitlement, its reviewer, why it is flagged, the decision."""

    __tablename__ = "access_review_items"

    campaign_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("access_campaigns.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(ACCOUNT_FK, ondelete="CASCADE"))
    entitlement_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(ENTITLEMENT_FK, ondelete="CASCADE"))
    identity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    reviewer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)  # an identity
    reviewer_label: Mapped[str] = mapped_column(String(300), default="")
    flags: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    context: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    decision: Mapped[str] = mapped_column(String(16), default="")  # keep | revoke | reduce | "" (pending)
    # reduce: the lesser entitlement of the same system the account keeps instead
    target_entitlement_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)


class RemediationTask(IdMixin, TimestampMixin, OrgScopedMixin, Base):
    """A revocation to carry out; closed only when a later import shows the grant gone."""

    __tablename__ = "access_remediation_tasks"

    item_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("access_review_items.id", ondelete="CASCADE"))
    campaign_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("access_campaigns.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    entitlement_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(String(16), default="revoke")  # revoke | reduce
    # reduce: verified only when the import shows this entitlement held and the old one gone
    target_entitlement_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | verified
    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    verified_by_import_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)


class ActivityEvent(IdMixin, Base):
    """One activity event: who did what on which system, from where, how much."""

    __tablename__ = "access_activity_events"
    __audit__ = False  # bulk telemetry; the import run is the audited record

    org_unit_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("org_units.id"), index=True)
    import_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    system_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    account_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    identity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    actor: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(100), default="")
    object: Mapped[str] = mapped_column(String(500), default="")
    source_ip: Mapped[str] = mapped_column(String(64), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    records: Mapped[int] = mapped_column(Integer, default=0)
