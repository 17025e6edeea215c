"""`tandem db`: migrations, backup, verify and restore."""

from __future__ import annotations

from pathlib import Path

import typer

from tandem.platform.audit.service import restart_export
from tandem.platform.cli.context import cli_uow, database
from tandem.platform.cli.output import say
from tandem.platform.config import get_settings
from tandem.platform.db import backup as backups
from tandem.platform.db import migrate

app = typer.Typer(help="Migrate, back up and restore the database.", no_args_is_help=True)


@app.command()
def upgrade(target: str = typer.Argument("heads", help="Revision to reach; default every head")) -> None:
    """Apply migrations (creates the SQLite file on first run)."""
    db = database(check_migrations=False)
    migrate.upgrade(db.engine, target)
    say(f"database at {', '.join(sorted(migrate.current(db.engine))) or 'base'}")


@app.command()
def downgrade(target: str = typer.Argument(..., help="Revision to go back to, e.g. base or platform@-1")) -> None:
    """Revert migrations down to target."""
    db = database(check_migrations=False)
    migrate.downgrade(db.engine, target)
    say(f"database at {', '.join(sorted(migrate.current(db.engine))) or 'base'}")


@app.command()
def current() -> None:
    """Show the database's revisions and whether migrations are pending."""
    db = database(check_migrations=False)
    have = sorted(migrate.current(db.engine))
    pending = migrate.pending_heads(db.engine)
    say(f"current: {', '.join(have) or 'base (empty database)'}")
    say(f"pending: {', '.join(pending) if pending else 'none — up to date'}")


@app.command("backup")
def backup_cmd(path: Path = typer.Argument(..., help="File to write (must not exist)")) -> None:
    """Take a consistent online backup and verify it (integrity, audit chain, checksum manifest)."""
    info = backups.backup(database(), path, get_settings().key("audit"))
    say(f"backup written to {info.path} (sha256 {info.sha256[:16]}…, {info.audit_entries} audit entries verified)")


@app.command("verify")
def verify_cmd(path: Path = typer.Argument(..., help="Backup file to check")) -> None:
    """Check a backup against its manifest, its integrity and its audit chain."""
    info = backups.verify_backup(path, get_settings().key("audit"))
    say(f"backup OK: {info.path} ({info.engine}, {info.audit_entries} audit entries verified)")


@app.command("restore")
def restore_cmd(
    path: Path = typer.Argument(..., help="Backup file made by `tandem db backup`"),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation"),
) -> None:
    """Verify a backup and replace the configured database with it (stop the server first)."""
    if not yes:
        typer.confirm("Replace the current database with this backup?", abort=True)
    db = database(check_migrations=False)
    info = backups.restore(db, path, get_settings().key("audit"))
    _restart_checkpoints()
    say(f"restored {info.path}; run `tandem db upgrade` if it came from an older version")


def _restart_checkpoints() -> None:
    with cli_uow() as session:
        restart_export(session)
