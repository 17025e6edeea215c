"""`tandem audit`: verify the chain, list entries, sign a checkpoint."""

from __future__ import annotations

from pathlib import Path

import typer

from tandem.platform.audit import service
from tandem.platform.audit.verify import load_checkpoint_file, verify_chain
from tandem.platform.audit.writer import checkpoint_file
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.config import get_settings
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import Conflict

app = typer.Typer(help="Verify and read the hash-chained audit log (it cannot be edited).", no_args_is_help=True)


@app.command()
def verify(against: Path | None = typer.Option(None, "--against", help="Checkpoint file exported elsewhere")) -> None:
    """Check every entry, the head and all signed checkpoints; name the first bad entry."""
    exported = load_checkpoint_file(against or checkpoint_file())
    with cli_uow(readonly=True) as session:
        report = verify_chain(session, get_settings().key("audit"), exported)
    if not report.ok:
        raise Conflict(report.summary())
    say(report.summary())


@app.command("list")
def list_entries(
    limit: int = typer.Option(50, help="How many entries"),
    action: str | None = typer.Option(None, help="Only this action"),
    entity_type: str | None = typer.Option(None, "--entity-type", help="Only this entity type"),
    fmt: Format = format_option(),
) -> None:
    """List the latest entries."""
    params = {"limit": str(limit), "sort": "-seq"}
    params.update({k: v for k, v in {"action": action, "entity_type": entity_type}.items() if v})
    with cli_uow(readonly=True) as session:
        entries = service.list_entries(session, CONSOLE, PageRequest.parse(service.LIST_SPEC, params)).items
        rows = [
            {c: getattr(e, c) for c in ("seq", "ts", "actor_label", "action", "entity_type", "entity_id")}
            for e in entries
        ]
    emit(rows, ["seq", "ts", "actor_label", "action", "entity_type", "entity_id"], fmt, "Audit log")


@app.command()
def checkpoint() -> None:
    """Sign the chain's current head now and export the checkpoint."""
    with cli_uow() as session:
        seq = service.sign_checkpoint(session)
    say(f"signed checkpoint at entry {seq}" if seq else "nothing new to sign")
