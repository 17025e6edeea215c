"""reporting: the branch root (each part of reporting adds its tables in its own revision)

Revision ID: 0001_reporting
Revises:
Create Date: 2026-11-27 13:45:00
"""

from collections.abc import Sequence

revision: str = "0001_reporting"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("reporting",)
depends_on: str | Sequence[str] | None = "0001_inventory"


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
