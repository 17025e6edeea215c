"""CLI commands of the reporting watch (skeleton; filled in by its owner)."""

import typer


def register(app: typer.Typer) -> None:
    """Add this part's commands to `tandem reporting` (alias `tandem report`)."""
