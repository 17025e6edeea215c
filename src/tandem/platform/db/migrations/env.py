"""Alembic environment: runs against the engine handed over in config.attributes."""

from __future__ import annotations

from alembic import context

from tandem.platform.db.base import Base

config = context.config
engine = config.attributes["engine"]


def run() -> None:
    """Run migrations online in one transaction (batch mode so SQLite can ALTER)."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        # Batch mode alters a SQLite table by copying it, dropping the old one and renaming: with foreign keys
        # enforced the drop fails as soon as other tables hold rows that point at it. SQLite's documented procedure:
        # turn the keys off outside the transaction, check them all before committing, turn them back on.
        raw = connection.connection.dbapi_connection if sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration would leave rows with broken foreign keys: {broken[:5]}")
            if connection.in_transaction():
                connection.commit()  # Alembic leaves the connection's own transaction open
        finally:
            if raw is not None:
                if connection.in_transaction():
                    connection.rollback()  # the pragma is ignored inside a transaction
                raw.execute("PRAGMA foreign_keys=ON")


run()
