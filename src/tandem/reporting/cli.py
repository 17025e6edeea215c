"""`tandem reporting` (alias `tandem report`): the board pack, the watch list, metrics and exports."""

from __future__ import annotations

import typer

from tandem.reporting.board import cli as board_cli
from tandem.reporting.homes import cli as homes_cli
from tandem.reporting.watch import cli as watch_cli

app = typer.Typer(
    help="Reporting: board packs, the regulatory and threat watch, metrics and exports.", no_args_is_help=True
)
for part in (board_cli, watch_cli, homes_cli):
    part.register(app)
