"""Print lists as a Rich table, JSON or formula-escaped CSV; one clear line for messages."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from tandem.platform.audit.chain import jsonable
from tandem.platform.safety.csvsafe import write_csv

console = Console()
err_console = Console(stderr=True)


class Format(StrEnum):
    """Output formats of list commands."""

    table = "table"
    json = "json"
    csv = "csv"


def format_option() -> Any:
    """The --json/--csv switches every list command takes."""
    return typer.Option(Format.table, "--format", "-f", help="table, json or csv (or just --json / --csv)")


def emit(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: Format | str = Format.table, title: str = ""
) -> None:
    """Print rows in the chosen format."""
    fmt = Format(fmt)
    if fmt is Format.json:
        sys.stdout.write(json.dumps([{c: jsonable(r.get(c)) for c in columns} for r in rows], indent=2) + "\n")
    elif fmt is Format.csv:
        sys.stdout.write(write_csv(([jsonable(r.get(c)) for c in columns] for r in rows), list(columns)))
    else:
        table = Table(title=title or None, show_lines=False)
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*("" if row.get(c) is None else str(jsonable(row.get(c))) for c in columns))
        console.print(table)


def say(message: str) -> None:
    """Print one line to stdout."""
    console.print(message, highlight=False, markup=False, soft_wrap=True)
