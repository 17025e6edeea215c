"""Alembic driven from code: one version folder per domain (branch), upgraded together to heads."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

SCRIPT_LOCATION = Path(__file__).parent / "migrations"
_version_dirs: list[Path] = [SCRIPT_LOCATION / "versions"]


def register_versions(path: Path) -> None:
    """Add a domain's migration folder (called by the app from each manifest)."""
    if path not in _version_dirs:
        _version_dirs.append(path)


def alembic_config(engine: Engine) -> Config:
    """Return an Alembic config bound to engine with every registered version folder."""
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    cfg.set_main_option("version_locations", " ".join(str(p) for p in _version_dirs))
    cfg.set_main_option("path_separator", "space")
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, target: str = "heads") -> None:
    """Migrate the database up to target (default: every branch's head)."""
    command.upgrade(alembic_config(engine), target)


def downgrade(engine: Engine, target: str) -> None:
    """Migrate the database down to target (e.g. base or -1 with a branch label)."""
    command.downgrade(alembic_config(engine), target)


def current(engine: Engine) -> set[str]:
    """Return the revisions the database is at, including branch heads it reached as dependencies.

    Alembic stores only the dependent revision when one branch `depends_on` another branch's head
    (a domain's first migration depends on 0001_platform), so those heads are added back here.
    """
    with engine.connect() as conn:
        stored = set(MigrationContext.configure(conn).get_current_heads())
    if not stored:
        return stored
    script = ScriptDirectory.from_config(alembic_config(engine))
    reached = {r.revision for r in script.revision_map.iterate_revisions(tuple(stored), "base") if r is not None}
    return stored | (reached & set(script.get_heads()))


def heads(engine: Engine) -> set[str]:
    """Return the head revisions of the code."""
    return set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())


def pending_heads(engine: Engine) -> list[str]:
    """Return the code's heads the database has not reached."""
    return sorted(heads(engine) - current(engine))
