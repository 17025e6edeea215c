"""Inventory tables: every record is org-scoped, audited and carries provenance."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.db.base import Base, IdMixin, OrgScopedMixin, ProvenanceMixin, TimestampMixin
from tandem.platform.db.types import PortableJSON

PERSON_FK = "inventory_people.id"


class InventoryRecord(IdMixin, TimestampMixin, OrgScopedMixin, ProvenanceMixin):
    """The columns every inventory record shares."""

    # An attestation is recorded as one explicit audit event, not as a field change.
    __audit_ignore__ = frozenset({"last_verified_at", "updated_at"})


class Person(InventoryRecord, Base):
    """Someone in the organisation (not necessarily a Tandem user)."""

    __tablename__ = "inventory_people"

    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    department: Mapped[str] = mapped_column(String(200), default="")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    manager_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey(PERSON_FK), nullable=True)
    employment_status: Mapped[str] = mapped_column(String(32), default="active")
    start_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)

    __table_args__ = (UniqueConstraint("org_unit_id", "email", name="uq_inventory_people_unit_email"),)


class Vendor(InventoryRecord, Base):
    """A supplier: legal entity, domains, country and the services it provides."""

    __tablename__ = "inventory_vendors"

    name: Mapped[str] = mapped_column(String(200))
    domains: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    country: Mapped[str] = mapped_column(String(2), default="")
    services: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("org_unit_id", "name", name="uq_inventory_vendors_unit_name"),)


class Capability(InventoryRecord, Base):
    """A business capability in a hierarchy (Patient care › Scheduling)."""

    __tablename__ = "inventory_capabilities"

    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("inventory_capabilities.id"), nullable=True, index=True
    )
    description: Mapped[str] = mapped_column(Text, default="")
    business_owner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey(PERSON_FK), nullable=True)
    strategic_importance: Mapped[str] = mapped_column(String(32), default="medium")

    __table_args__ = (UniqueConstraint("org_unit_id", "name", name="uq_inventory_capabilities_unit_name"),)


class Application(InventoryRecord, Base):
    """An application with the CIO lens (portfolio) and the CISO lens (protection needs) on one row."""

    __tablename__ = "inventory_applications"

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # CIO lens
    business_owner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey(PERSON_FK), nullable=True)
    it_owner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey(PERSON_FK), nullable=True)
    lifecycle_stage: Mapped[str] = mapped_column(String(32), default="run")
    plan_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    build_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    run_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    retire_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    time_disposition: Mapped[str | None] = mapped_column(String(32), nullable=True)
    time_rationale: Mapped[str] = mapped_column(Text, default="")
    run_cost_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    run_cost_currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    change_cost_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    change_cost_currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    user_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    hosting: Mapped[str | None] = mapped_column(String(32), nullable=True)
    vendor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("inventory_vendors.id"), nullable=True)
    # CISO lens
    data_classification: Mapped[str] = mapped_column(String(32), default="internal")
    confidentiality: Mapped[int | None] = mapped_column(Integer, nullable=True)
    integrity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    availability: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rto_hours: Mapped[float | None] = mapped_column(nullable=True)
    rpo_hours: Mapped[float | None] = mapped_column(nullable=True)
    internet_exposed: Mapped[bool] = mapped_column(Boolean, default=False)
    sso: Mapped[bool] = mapped_column(Boolean, default=False)
    mfa: Mapped[bool] = mapped_column(Boolean, default=False)
    security_owner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey(PERSON_FK), nullable=True)

    __table_args__ = (
        UniqueConstraint("org_unit_id", "name", name="uq_inventory_applications_unit_name"),
        # As for assets: lists sort by (created_at, id) inside the visible units, so the first page reads 51 index
        # entries instead of sorting every application (a sequential scan and sort on PostgreSQL before).
        Index("ix_inventory_applications_created_at_id", "created_at", "id"),
        Index("ix_inventory_applications_unit_created_at_id", "org_unit_id", "created_at", "id"),
    )


class Asset(InventoryRecord, Base):
    """A host, network device, cloud resource or endpoint."""

    __tablename__ = "inventory_assets"

    hostname: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32), default="host")
    ip_addresses: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    mac_addresses: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    # Services the asset is meant to offer ("443/tcp https tls"): own checks probe them, scans compare against them.
    declared_services: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    os_name: Mapped[str] = mapped_column(String(200), default="")
    os_version: Mapped[str] = mapped_column(String(100), default="")
    environment: Mapped[str] = mapped_column(String(32), default="production")
    location: Mapped[str] = mapped_column(String(200), default="")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey(PERSON_FK), nullable=True)
    criticality: Mapped[str] = mapped_column(String(32), default="medium", index=True)
    tags: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("org_unit_id", "hostname", name="uq_inventory_assets_unit_hostname"),
        Index("ix_inventory_assets_hostname", "hostname"),
        Index("ix_inventory_assets_created_at_id", "created_at", "id"),
        # Lists sort by (created_at, id) inside the visible units; these serve a unit, and the common filter pair,
        # in sort order so the first page reads 51 index entries instead of sorting every row.
        Index("ix_inventory_assets_unit_created_at_id", "org_unit_id", "created_at", "id"),
        Index("ix_inventory_assets_env_crit_created_at_id", "environment", "criticality", "created_at", "id"),
        # Search (q): a trigram GIN index on PostgreSQL; on SQLite the same columns form a covering B-tree that
        # the repository scans instead of the whole table (see KindRepository.list_page).
        Index(
            "ix_inventory_assets_search",
            "hostname",
            "os_name",
            "location",
            postgresql_using="gin",
            postgresql_ops={"hostname": "gin_trgm_ops", "os_name": "gin_trgm_ops", "location": "gin_trgm_ops"},
        ),
    )


class SoftwareComponent(InventoryRecord, Base):
    """A piece of software on an asset or in an application, identified by CPE 2.3 and/or purl."""

    __tablename__ = "inventory_software"

    name: Mapped[str] = mapped_column(String(300))
    version: Mapped[str] = mapped_column(String(100), default="")
    vendor: Mapped[str] = mapped_column(String(200), default="")
    cpe: Mapped[str | None] = mapped_column(String(500), nullable=True, index=True)
    purl: Mapped[str | None] = mapped_column(String(1000), nullable=True, index=True)
    asset_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("inventory_assets.id", ondelete="CASCADE"), nullable=True, index=True
    )
    application_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("inventory_applications.id", ondelete="CASCADE"), nullable=True, index=True
    )

    __table_args__ = (Index("ix_inventory_software_name_version", "name", "version"),)


class DataStore(InventoryRecord, Base):
    """Where data lives: its categories, subjects, volume, jurisdiction and protection."""

    __tablename__ = "inventory_data_stores"

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), default="database")
    location: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    data_categories: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    data_subjects: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    record_count: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    classification: Mapped[str] = mapped_column(String(32), default="internal")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey(PERSON_FK), nullable=True)
    encrypted_at_rest: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("org_unit_id", "name", name="uq_inventory_data_stores_unit_name"),)


class Relation(InventoryRecord, Base):
    """A typed, directed edge between two inventory records (or records of later domains)."""

    __tablename__ = "inventory_relations"

    type: Mapped[str] = mapped_column(String(64))
    source_kind: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    target_kind: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    notes: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("type", "source_id", "target_id", name="uq_inventory_relations_edge"),)


MODELS: dict[str, Any] = {
    "people": Person,
    "vendors": Vendor,
    "capabilities": Capability,
    "applications": Application,
    "assets": Asset,
    "software": SoftwareComponent,
    "data-stores": DataStore,
    "relations": Relation,
}
