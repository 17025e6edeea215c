"""`tandem network audit …`: checklists (and the shipped template), scheduled audits, item results."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import typer

from tandem.monitoring import audits
from tandem.monitoring.schemas import AuditCreate, AuditRead, AuditResultIn, ChecklistRead
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.config import get_settings
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import InvalidInput
from tandem.platform.safety.uploads import read_limited

audit_app = typer.Typer(help="Network audit checklists and audits.", no_args_is_help=True)


@audit_app.command("checklists")
def checklists(fmt: Format = format_option()) -> None:
    """List audit checklists."""
    with cli_uow(readonly=True) as session:
        page = audits.list_checklists(session, CONSOLE, PageRequest.parse(audits.CHECKLIST_SPEC, {"limit": "500"}))
        rows = [ChecklistRead.model_validate(c).model_dump() | {"item_count": len(c.items)} for c in page.items]
    emit(rows, ["id", "name", "item_count"], fmt, "Audit checklists")


@audit_app.command("template")
def template(unit: uuid.UUID | None = typer.Option(None, help="Org unit id (default: the root unit)")) -> None:
    """Create the shipped "Network security audit" checklist (idempotent)."""
    with cli_uow() as session:
        made = audits.install_template(session, CONSOLE, unit)
        say(f"checklist {made.id} {made.name} ({len(made.items)} items)")


@audit_app.command("list")
def list_(
    status: str = typer.Option("", help="planned, in_progress or completed"), fmt: Format = format_option()
) -> None:
    """List network audits."""
    params = {"limit": "500", "sort": "-created_at", **({"status": status} if status else {})}
    with cli_uow(readonly=True) as session:
        page = audits.list_audits(session, CONSOLE, PageRequest.parse(audits.AUDIT_SPEC, params))
        rows = [AuditRead.model_validate(a).model_dump() for a in page.items]
    emit(rows, ["id", "title", "status", "due_on", "assignee_id", "asset_ids"], fmt, "Network audits")


@audit_app.command("create")
def create(
    checklist: uuid.UUID = typer.Argument(..., help="Checklist id"),
    title: str = typer.Option("", help="Title (default: checklist name and date)"),
    unit: uuid.UUID | None = typer.Option(None, help="Org unit in scope (default: the checklist's)"),
    asset: list[uuid.UUID] = typer.Option([], help="Asset id in scope (repeatable)"),
    assignee: str = typer.Option("", help="User name"),
    due: str = typer.Option("", help="Due date YYYY-MM-DD"),
) -> None:
    """Schedule a network audit."""
    try:
        due_on = dt.date.fromisoformat(due) if due else None
    except ValueError:
        raise InvalidInput.one("due", "must be a date YYYY-MM-DD") from None
    data = AuditCreate(checklist_id=checklist, title=title, org_unit_id=unit, asset_ids=asset, assignee=assignee,
                       due_on=due_on)  # fmt: skip
    with cli_uow() as session:
        made = audits.create_audit(session, CONSOLE, data)
        say(f"audit {made.id} {made.title}")


@audit_app.command("record")
def record(
    audit_id: uuid.UUID,
    item: str = typer.Argument(..., help="Checklist item key"),
    result: str = typer.Argument(..., help="pass, fail or n/a"),
    note: str = typer.Option("", "--note"),
    link: str = typer.Option("", "--link", help="Evidence link (http/https)"),
    evidence: Path | None = typer.Option(None, "--evidence", exists=True, dir_okay=False, help="Evidence file"),
) -> None:
    """Record an item's result; a fail raises a network finding."""
    if result not in ("pass", "fail", "n/a"):
        raise InvalidInput.one("result", "must be pass, fail or n/a")
    upload = None
    if evidence is not None:
        with evidence.open("rb") as fh:
            upload = (read_limited(fh, get_settings().max_upload_bytes, evidence.name), evidence.name)
    data = AuditResultIn.model_validate({"item_key": item, "result": result, "note": note, "evidence_link": link})
    with cli_uow() as session:
        audits.record_result(session, CONSOLE, audit_id, data, upload)
        say(f"{item}: {result} (audit {audits.get_audit(session, CONSOLE, audit_id).status})")
