"""`tandem report watch`: list, show and triage watch items; import feed files; fetch the enabled sources."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import typer

from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.jobs import run_in_foreground
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.db.paging import PageRequest
from tandem.platform.jobs.service import enqueue
from tandem.platform.safety.uploads import read_limited
from tandem.reporting.settings import get_reporting_settings
from tandem.reporting.watch import fetch, service
from tandem.reporting.watch.schemas import TriageIn

app = typer.Typer(help="The regulatory and threat watch: feed items matched to the organisation, and triage.",
                  no_args_is_help=True)  # fmt: skip
COLUMNS = ["id", "published", "source", "external_id", "title", "matched", "why", "status"]


def register(parent: typer.Typer) -> None:
    """Add `watch` to `tandem reporting` (alias `tandem report`)."""
    parent.add_typer(app, name="watch")


def _row(item: Any) -> dict[str, Any]:
    read = service.to_read(item).model_dump()
    read["why"] = "; ".join(m["reason"] for m in item.matches)
    read["published"] = item.published[:10]
    return read


@app.command("list")
def list_items(
    source: str = typer.Option("", help="kev, csaf, cisa-advisories, nist-csrc, eur-lex, federal-register, ecfr"),
    status: str = typer.Option("", help="new, relevant or not_relevant"),
    matched: bool | None = typer.Option(None, "--matched/--unmatched", help="Only matched (or unmatched) items"),
    q: str = typer.Option("", "--search", help="Text in the title, summary or id"),
    limit: int = typer.Option(50, help="How many rows (1–500)"),
    fmt: Format = format_option(),
) -> None:
    """List watch items, newest first."""
    params = {"limit": str(limit), "source": source, "status": status, "q": q}
    if matched is not None:
        params["matched"] = "true" if matched else "false"
    with cli_uow(readonly=True) as session:
        req = PageRequest.parse(service.ITEM_SPEC, {k: v for k, v in params.items() if v})
        rows = [_row(i) for i in service.list_items(session, CONSOLE, req).items]
    emit(rows, COLUMNS, fmt, "Watch list")


@app.command()
def show(
    item: str = typer.Argument(..., help="Item id, or its source key (CVE id, advisory id, document number)"),
    source: str | None = typer.Option(None, help="The source, when the key is in several"),
) -> None:
    """Show an item: what it says, why it matters and its triage, as JSON."""
    with cli_uow(readonly=True) as session:
        found = service.to_read(service.find_item(session, CONSOLE, item, source)).model_dump(mode="json")
    typer.echo(json.dumps(found, indent=2))


@app.command()
def triage(
    item: str = typer.Argument(..., help="Item id or source key"),
    source: str | None = typer.Option(None, help="The source, when the key is in several"),
    status: str | None = typer.Option(None, help="new, relevant or not_relevant"),
    owner: uuid.UUID | None = typer.Option(None, help="Owner: an inventory person's id"),
    task: str | None = typer.Option(None, help="Follow-up task"),
    due: dt.datetime | None = typer.Option(None, formats=["%Y-%m-%d"], help="Due date of the task (YYYY-MM-DD)"),
    done: bool | None = typer.Option(None, "--done/--not-done", help="Mark the task done or open"),
    risk: uuid.UUID | None = typer.Option(None, help="Link to a risk scenario (id)"),
    framework: uuid.UUID | None = typer.Option(None, help="Link to a framework version (id)"),
    notes: str | None = typer.Option(None, help="Notes"),
) -> None:
    """Triage an item; options left out keep their value."""
    given = {"status": status, "owner_id": owner, "task": task, "task_due": due.date() if due else None,
             "task_done": done, "risk_scenario_id": risk, "framework_id": framework, "notes": notes}  # fmt: skip
    body = TriageIn.model_validate({k: v for k, v in given.items() if v is not None})
    with cli_uow() as session:
        found = service.find_item(session, CONSOLE, item, source)
        done_item = service.triage(session, CONSOLE, found.id, body)
        say(f"{done_item.external_id} is {done_item.status}")


@app.command("import")
def import_file(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    source: str = typer.Option(..., "--source", "-s", help="kev, csaf, rss, federal-register or ecfr"),
    sha512: Path | None = typer.Option(None, "--sha512", exists=True, dir_okay=False,
                                       help="CSAF checksum file; FILE.sha512 beside FILE is used when present"),
) -> None:  # fmt: skip
    """Import a feed file: all its items or none; errors name the place in the file."""
    service.check_format(source)
    limit = get_reporting_settings().watch_max_feed_bytes
    with path.open("rb") as fh:
        data = read_limited(fh, limit, path.name)
    beside = path.with_name(path.name + ".sha512")
    checksum_path = sha512 or (beside if source == "csaf" and beside.is_file() else None)
    checksum = checksum_path.read_bytes()[:1024] if checksum_path else None
    with cli_uow() as session:
        result = service.import_document(session, CONSOLE, source, data, path.name, checksum)
    checked = " (SHA-512 verified)" if checksum else ""
    say(f"{path.name}{checked}: {result.items} items, {result.new} new, {result.matched} matched, "
        f"{result.already_seen} already seen" + (f"; {result.note}" if result.note else ""))  # fmt: skip


@app.command("fetch")
def fetch_cmd(
    sources: list[str] = typer.Argument(None, help="Sources to fetch (default: every enabled one)"),
    wait: bool = typer.Option(False, "--wait", help="Run the fetch here now"),
) -> None:
    """Fetch the enabled sources through the outbound URL guard (TANDEM_WATCH_ENABLED)."""
    wanted = fetch.require_enabled(sources or None)
    with cli_uow() as session:
        job_id = enqueue(session, "reporting.fetch_watch", {"sources": wanted}).id
    if not wait:
        say(f"queued job {job_id}; follow it with `tandem jobs show {job_id}`")
        return
    run_in_foreground(job_id)


@app.command()
def rematch() -> None:
    """Match every stored item again against the current inventory and frameworks."""
    with cli_uow() as session:
        say(f"{service.rematch(session, CONSOLE)} items match")
