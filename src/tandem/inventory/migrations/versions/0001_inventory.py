"""inventory: capabilities, applications, assets, software, data stores, vendors, people, relations

Revision ID: 0001_inventory
Revises:
Create Date: 2026-11-27 07:40:44.735569
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import tandem.platform.db.types

revision: str = "0001_inventory"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("inventory",)
depends_on: str | Sequence[str] | None = "0001_platform"


def upgrade() -> None:
    op.create_table(
        "inventory_people",
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("job_title", sa.String(length=200), nullable=False),
        sa.Column("manager_id", sa.Uuid(), nullable=True),
        sa.Column("employment_status", sa.String(length=32), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("last_verified_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["inventory_people.id"], name=op.f("fk_inventory_people_manager_id_inventory_people")
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_inventory_people_org_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_people")),
        sa.UniqueConstraint("org_unit_id", "email", name="uq_inventory_people_unit_email"),
    )
    with op.batch_alter_table("inventory_people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inventory_people_org_unit_id"), ["org_unit_id"], unique=False)

    op.create_table(
        "inventory_relations",
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("source_kind", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("target_kind", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("last_verified_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_inventory_relations_org_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_relations")),
        sa.UniqueConstraint("type", "source_id", "target_id", name="uq_inventory_relations_edge"),
    )
    with op.batch_alter_table("inventory_relations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inventory_relations_org_unit_id"), ["org_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inventory_relations_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inventory_relations_target_id"), ["target_id"], unique=False)

    op.create_table(
        "inventory_vendors",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "domains", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=False
        ),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("services", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("last_verified_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_inventory_vendors_org_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_vendors")),
        sa.UniqueConstraint("org_unit_id", "name", name="uq_inventory_vendors_unit_name"),
    )
    with op.batch_alter_table("inventory_vendors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inventory_vendors_org_unit_id"), ["org_unit_id"], unique=False)

    op.create_table(
        "inventory_applications",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("business_owner_id", sa.Uuid(), nullable=True),
        sa.Column("it_owner_id", sa.Uuid(), nullable=True),
        sa.Column("lifecycle_stage", sa.String(length=32), nullable=False),
        sa.Column("plan_date", sa.Date(), nullable=True),
        sa.Column("build_date", sa.Date(), nullable=True),
        sa.Column("run_date", sa.Date(), nullable=True),
        sa.Column("retire_date", sa.Date(), nullable=True),
        sa.Column("time_disposition", sa.String(length=32), nullable=True),
        sa.Column("time_rationale", sa.Text(), nullable=False),
        sa.Column("run_cost_minor", sa.BigInteger(), nullable=True),
        sa.Column("run_cost_currency", sa.String(length=3), nullable=True),
        sa.Column("change_cost_minor", sa.BigInteger(), nullable=True),
        sa.Column("change_cost_currency", sa.String(length=3), nullable=True),
        sa.Column("user_count", sa.Integer(), nullable=True),
        sa.Column("hosting", sa.String(length=32), nullable=True),
        sa.Column("vendor_id", sa.Uuid(), nullable=True),
        sa.Column("data_classification", sa.String(length=32), nullable=False),
        sa.Column("confidentiality", sa.Integer(), nullable=True),
        sa.Column("integrity", sa.Integer(), nullable=True),
        sa.Column("availability", sa.Integer(), nullable=True),
        sa.Column("rto_hours", sa.Double(), nullable=True),
        sa.Column("rpo_hours", sa.Double(), nullable=True),
        sa.Column("internet_exposed", sa.Boolean(), nullable=False),
        sa.Column("sso", sa.Boolean(), nullable=False),
        sa.Column("mfa", sa.Boolean(), nullable=False),
        sa.Column("security_owner_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("last_verified_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["business_owner_id"],
            ["inventory_people.id"],
            name=op.f("fk_inventory_applications_business_owner_id_inventory_people"),
        ),
        sa.ForeignKeyConstraint(
            ["it_owner_id"],
            ["inventory_people.id"],
            name=op.f("fk_inventory_applications_it_owner_id_inventory_people"),
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_inventory_applications_org_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["security_owner_id"],
            ["inventory_people.id"],
            name=op.f("fk_inventory_applications_security_owner_id_inventory_people"),
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"], ["inventory_vendors.id"], name=op.f("fk_inventory_applications_vendor_id_inventory_vendors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_applications")),
        sa.UniqueConstraint("org_unit_id", "name", name="uq_inventory_applications_unit_name"),
    )
    with op.batch_alter_table("inventory_applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inventory_applications_org_unit_id"), ["org_unit_id"], unique=False)

    op.create_table(
        "inventory_assets",
        sa.Column("hostname", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column(
            "ip_addresses", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "mac_addresses", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=False
        ),
        sa.Column("os_name", sa.String(length=200), nullable=False),
        sa.Column("os_version", sa.String(length=100), nullable=False),
        sa.Column("environment", sa.String(length=32), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("criticality", sa.String(length=32), nullable=False),
        sa.Column("tags", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("last_verified_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_inventory_assets_org_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["inventory_people.id"], name=op.f("fk_inventory_assets_owner_id_inventory_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_assets")),
        sa.UniqueConstraint("org_unit_id", "hostname", name="uq_inventory_assets_unit_hostname"),
    )
    with op.batch_alter_table("inventory_assets", schema=None) as batch_op:
        batch_op.create_index("ix_inventory_assets_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inventory_assets_criticality"), ["criticality"], unique=False)
        batch_op.create_index(batch_op.f("ix_inventory_assets_environment"), ["environment"], unique=False)
        batch_op.create_index("ix_inventory_assets_hostname", ["hostname"], unique=False)
        batch_op.create_index(batch_op.f("ix_inventory_assets_org_unit_id"), ["org_unit_id"], unique=False)

    op.create_table(
        "inventory_capabilities",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("business_owner_id", sa.Uuid(), nullable=True),
        sa.Column("strategic_importance", sa.String(length=32), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("last_verified_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["business_owner_id"],
            ["inventory_people.id"],
            name=op.f("fk_inventory_capabilities_business_owner_id_inventory_people"),
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_inventory_capabilities_org_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["inventory_capabilities.id"],
            name=op.f("fk_inventory_capabilities_parent_id_inventory_capabilities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_capabilities")),
        sa.UniqueConstraint("org_unit_id", "name", name="uq_inventory_capabilities_unit_name"),
    )
    with op.batch_alter_table("inventory_capabilities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inventory_capabilities_org_unit_id"), ["org_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inventory_capabilities_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "inventory_data_stores",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column(
            "data_categories",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "data_subjects", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=False
        ),
        sa.Column("record_count", sa.BigInteger(), nullable=True),
        sa.Column("classification", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("encrypted_at_rest", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("last_verified_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_inventory_data_stores_org_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["inventory_people.id"], name=op.f("fk_inventory_data_stores_owner_id_inventory_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_data_stores")),
        sa.UniqueConstraint("org_unit_id", "name", name="uq_inventory_data_stores_unit_name"),
    )
    with op.batch_alter_table("inventory_data_stores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inventory_data_stores_org_unit_id"), ["org_unit_id"], unique=False)

    op.create_table(
        "inventory_software",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("vendor", sa.String(length=200), nullable=False),
        sa.Column("cpe", sa.String(length=500), nullable=True),
        sa.Column("purl", sa.String(length=1000), nullable=True),
        sa.Column("asset_id", sa.Uuid(), nullable=True),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("last_verified_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["inventory_applications.id"],
            name=op.f("fk_inventory_software_application_id_inventory_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["inventory_assets.id"],
            name=op.f("fk_inventory_software_asset_id_inventory_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_inventory_software_org_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_software")),
    )
    with op.batch_alter_table("inventory_software", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inventory_software_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inventory_software_asset_id"), ["asset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inventory_software_cpe"), ["cpe"], unique=False)
        batch_op.create_index("ix_inventory_software_name_version", ["name", "version"], unique=False)
        batch_op.create_index(batch_op.f("ix_inventory_software_org_unit_id"), ["org_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inventory_software_purl"), ["purl"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inventory_software", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_software_purl"))
        batch_op.drop_index(batch_op.f("ix_inventory_software_org_unit_id"))
        batch_op.drop_index("ix_inventory_software_name_version")
        batch_op.drop_index(batch_op.f("ix_inventory_software_cpe"))
        batch_op.drop_index(batch_op.f("ix_inventory_software_asset_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_software_application_id"))

    op.drop_table("inventory_software")
    with op.batch_alter_table("inventory_data_stores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_data_stores_org_unit_id"))

    op.drop_table("inventory_data_stores")
    with op.batch_alter_table("inventory_capabilities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_capabilities_parent_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_capabilities_org_unit_id"))

    op.drop_table("inventory_capabilities")
    with op.batch_alter_table("inventory_assets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_assets_org_unit_id"))
        batch_op.drop_index("ix_inventory_assets_hostname")
        batch_op.drop_index(batch_op.f("ix_inventory_assets_environment"))
        batch_op.drop_index(batch_op.f("ix_inventory_assets_criticality"))
        batch_op.drop_index("ix_inventory_assets_created_at_id")

    op.drop_table("inventory_assets")
    with op.batch_alter_table("inventory_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_applications_org_unit_id"))

    op.drop_table("inventory_applications")
    with op.batch_alter_table("inventory_vendors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_vendors_org_unit_id"))

    op.drop_table("inventory_vendors")
    with op.batch_alter_table("inventory_relations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_relations_target_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_relations_source_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_relations_org_unit_id"))

    op.drop_table("inventory_relations")
    with op.batch_alter_table("inventory_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_people_org_unit_id"))

    op.drop_table("inventory_people")
