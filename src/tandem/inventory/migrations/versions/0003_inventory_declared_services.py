"""inventory: assets declare the services they offer (`443/tcp https tls`) in their own field, not in tags

Revision ID: 0003_inventory_declared_services
Revises: 0002_inventory_list_indexes
Create Date: 2026-11-27 23:00:00
"""

import json
import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision: str = "0003_inventory_declared_services"
down_revision: str | Sequence[str] | None = "0002_inventory_list_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
# The tag form own checks read until now (frozen here on purpose): service:<port>[/tls|/tcp].
SERVICE_TAG = re.compile(r"^service:(\d{1,5})(?:/(tls|tcp))?$", re.IGNORECASE)


def _declared(tags: list[str]) -> list[str]:
    """Return the services the tags declare, in the field's spelling (`/tcp` meant: no TLS)."""
    out: dict[int, str] = {}
    for tag in tags:
        match = SERVICE_TAG.match(str(tag).strip())
        if match and 0 < int(match[1]) < 65536:
            mode = (match[2] or "").lower()
            out.setdefault(int(match[1]), f"{int(match[1])}/tcp" + {"tls": " tls", "tcp": " plain"}.get(mode, ""))
    return list(out.values())


def upgrade() -> None:
    with op.batch_alter_table("inventory_assets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("declared_services", JSON, nullable=False, server_default=sa.text("'[]'")))
    with op.batch_alter_table("inventory_assets", schema=None) as batch_op:
        batch_op.alter_column("declared_services", server_default=None)
    # Services declared in tags move into the field; the tags stay, so a downgrade loses nothing.
    assets = sa.table("inventory_assets", sa.column("id", sa.Uuid()), sa.column("tags", JSON),
                      sa.column("declared_services", JSON))  # fmt: skip
    bind = op.get_bind()
    rows = bind.execute(sa.select(assets.c.id, assets.c.tags).where(sa.cast(assets.c.tags, sa.Text).like("%service:%")))
    for row in rows.all():
        tags = row.tags if isinstance(row.tags, list) else json.loads(row.tags or "[]")
        declared = _declared(tags)
        if declared:
            bind.execute(assets.update().where(assets.c.id == row.id).values(declared_services=declared))


def downgrade() -> None:
    with op.batch_alter_table("inventory_assets", schema=None) as batch_op:
        batch_op.drop_column("declared_services")
