"""platform: token and link digests name their algorithm (`hmac-sha256:<hex>`), ASVS V11.2.2

Revision ID: 0004_platform_digest_algorithms
Revises: 0003_platform_mfa_sso
Create Date: 2026-11-27 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_platform_digest_algorithms"
down_revision: str | Sequence[str] | None = "0003_platform_mfa_sso"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("api_tokens", "access_links")
PREFIX = "hmac-sha256:"


def _digests(table: str) -> sa.TableClause:
    return sa.table(table, sa.column("digest", sa.String()))


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("digest", existing_type=sa.String(length=64), type_=sa.String(length=100),
                                  existing_nullable=False)  # fmt: skip
        # Every digest stored so far is an HMAC-SHA256: name it.
        rows = _digests(table)
        op.execute(rows.update().where(rows.c.digest.not_like("%:%")).values(digest=sa.literal(PREFIX) + rows.c.digest))


def downgrade() -> None:
    for table in TABLES:
        rows = _digests(table)
        op.execute(rows.update().where(rows.c.digest.like(f"{PREFIX}%"))
                   .values(digest=sa.func.substr(rows.c.digest, len(PREFIX) + 1)))  # fmt: skip
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("digest", existing_type=sa.String(length=100), type_=sa.String(length=64),
                                  existing_nullable=False)  # fmt: skip
