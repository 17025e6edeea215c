"""`tandem report board` (generate a quarter's pack and write it as PDF or HTML) and `tandem report board-list`."""

from __future__ import annotations

from pathlib import Path

import typer

from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.output import Format, emit, err_console, format_option, say
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput
from tandem.reporting.board import documents, service
from tandem.reporting.board.quarters import quarter_of


def _progress(done: int, total: int, message: str) -> None:
    err_console.print(f"[{done}/{total}] {message}", highlight=False, markup=False)


def board(
    quarter: str = typer.Option("", "--quarter", "-q", help="Quarter like 2026Q4 (default: the current one)"),
    out: Path = typer.Option(..., "--out", "-o", help="File to write: PDF, or HTML when the name ends in .html"),
    publish: bool = typer.Option(False, "--publish", help="Publish the pack (immutable) instead of leaving a draft"),
) -> None:
    """Generate a quarter's board pack (fresh data for its draft, or the next version) and write it to a file."""
    kind = "html" if out.suffix.lower() in (".html", ".htm") else "pdf"
    if not out.parent.is_dir():
        raise InvalidInput.one("--out", f"folder {out.parent} does not exist")
    label = quarter or quarter_of(utcnow().date()).label
    with cli_uow() as session:
        pack = service.generate_pack(session, CONSOLE, label, progress=_progress)
        if publish:
            pack = service.publish_pack(session, CONSOLE, pack.id)
        body = documents.pdf_bytes(pack) if kind == "pdf" else documents.html_text(pack).encode()
        # Written before the commit: if the file cannot be written, no pack is left behind either.
        out.write_bytes(body)
        pack_id, version, status, sha = pack.id, pack.version, pack.status, pack.snapshot_sha256
    say(f"{out}: {pack.quarter} board pack version {version} ({status}), {len(body):,} bytes")
    say(f"pack {pack_id}, data snapshot SHA-256 {sha}")


def board_list(
    quarter: str = typer.Option("", "--quarter", "-q", help="Only this quarter"), fmt: Format = format_option()
) -> None:
    """List board packs, newest quarter and version first."""
    with cli_uow(readonly=True) as session:
        rows = [{"id": str(p.id), "quarter": p.quarter, "version": p.version, "status": p.status, "title": p.title,
                 "generated_at": p.generated_at, "published_at": p.published_at, "sha256": p.snapshot_sha256}
                for p in service.list_packs(session, CONSOLE, quarter or None)]  # fmt: skip
    emit(rows, ["id", "quarter", "version", "status", "title", "generated_at", "published_at", "sha256"], fmt,
         "Board packs")  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add this part's commands to `tandem reporting` (alias `tandem report`)."""
    app.command("board")(board)
    app.command("board-list")(board_list)
