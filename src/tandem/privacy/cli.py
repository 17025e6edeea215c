"""`tandem privacy`: the RoPA (list, export) and DPIA pre-screens."""

from __future__ import annotations

from pathlib import Path

import typer

from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.errors import InvalidInput
from tandem.privacy import exports, service

app = typer.Typer(help="Records of processing activities (RoPA) and DPIAs.", no_args_is_help=True)
ropa = typer.Typer(help="The records of processing activities (GDPR Art. 30).", no_args_is_help=True)
app.add_typer(ropa, name="ropa")


@ropa.command("list")
def list_cmd(fmt: Format = format_option()) -> None:
    """List processing activities with their DPIA pre-screen and discovery findings."""
    with cli_uow(readonly=True) as session:
        rows = []
        for a in service.visible_activities(session, CONSOLE):
            screen = service.prescreen(session, CONSOLE, a)
            rows.append(
                {
                    "id": str(a.id),
                    "name": a.name,
                    "role": a.role,
                    "status": a.status,
                    "criteria": screen["count"],
                    "dpia_required": screen["dpia_required"],
                    "findings": len(service.findings(session, CONSOLE, a)),
                }
            )
    emit(rows, ["id", "name", "role", "status", "criteria", "dpia_required", "findings"], fmt, "RoPA")


@ropa.command("export")
def export_cmd(
    output: Path = typer.Option(..., "--output", "-o", help="File to write", dir_okay=False, writable=True),
    fmt: str = typer.Option("csv", "--format", help="csv, xlsx or pdf"),
) -> None:
    """Export the RoPA as CSV, XLSX or PDF."""
    if fmt not in exports.FORMATS:
        raise InvalidInput.one("--format", "must be csv, xlsx or pdf")
    with cli_uow(readonly=True) as session:
        data = exports.FORMATS[fmt][1](session, CONSOLE)
        count = len(service.visible_activities(session, CONSOLE))
    output.write_bytes(data)
    say(f"wrote {count} processing activities to {output} ({fmt}, {len(data):,} bytes)")
