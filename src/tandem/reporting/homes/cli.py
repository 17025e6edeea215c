"""`tandem report metrics`: the home metrics at the console (table, JSON or formula-escaped CSV)."""

from __future__ import annotations

import typer

from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.output import Format, emit, format_option
from tandem.reporting.homes import service

COLUMNS = ["name", "label", "unit", "value", "url"]


def metrics_cmd(fmt: Format = format_option()) -> None:
    """Print every home metric over the whole organisation."""
    with cli_uow(readonly=True) as session:
        rows = [m.as_dict() for m in service.list_metrics(session, CONSOLE)]
    emit(rows, COLUMNS if fmt is not Format.json else [*COLUMNS, "breakdown"], fmt, title="Metrics")


def register(app: typer.Typer) -> None:
    """Add this part's commands to `tandem reporting` (alias `tandem report`)."""
    app.command("metrics")(metrics_cmd)
