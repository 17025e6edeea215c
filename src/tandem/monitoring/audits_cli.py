"""`tandem network audit …`: checklists (and the shipped template), scheduled audits, item results."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError

from tandem.monitoring import audits
from tandem.monitoring import checklists as own_checklists
from tandem.monitoring.schemas import (
    AuditCreate,
    AuditRead,
    AuditResultIn,
    AuditUpdate,
    ChecklistCopy,
    ChecklistRead,
    ChecklistUpdate,
)
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.config import get_settings
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import Conflict, FieldError, InvalidInput
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
    status: str = typer.Option("", help="planned, in_progress, completed or cancelled"), fmt: Format = format_option()
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
    due_on = _date(due, "due")
    data = AuditCreate(checklist_id=checklist, title=title, org_unit_id=unit, asset_ids=asset, assignee=assignee,
                       due_on=due_on)  # fmt: skip
    with cli_uow() as session:
        made = audits.create_audit(session, CONSOLE, data)
        say(f"audit {made.id} {made.title}")


M = TypeVar("M", bound=BaseModel)


def _validated(schema: type[M], data: dict[str, Any]) -> M:
    """Validate options into a schema; a bad value names its option instead of failing with a traceback."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput([FieldError(".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()]) from None


def _date(raw: str, where: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        raise InvalidInput.one(where, "must be a date YYYY-MM-DD (or 'none' to clear)") from None


@audit_app.command("edit")
def edit(
    audit_id: uuid.UUID,
    title: str | None = typer.Option(None, help="New title"),
    unit: uuid.UUID | None = typer.Option(None, help="Org unit in scope (only before results are recorded)"),
    asset: list[uuid.UUID] = typer.Option([], help="Asset id in scope, repeatable: replaces the scope's assets"),
    whole_unit: bool = typer.Option(False, "--whole-unit", help="Scope: the whole org unit (no assets)"),
    assignee: str | None = typer.Option(None, help="User name ('' clears)"),
    due: str | None = typer.Option(None, help="Due date YYYY-MM-DD, or 'none' to clear"),
    status: str | None = typer.Option(None, help="planned, in_progress, completed or cancelled"),
) -> None:
    """Edit an audit: title, scope (until a result is recorded), assignee, due date, status."""
    raw: dict[str, Any] = {}
    if title is not None:
        raw["title"] = title
    if unit is not None:
        raw["org_unit_id"] = unit
    if asset or whole_unit:
        raw["asset_ids"] = [] if whole_unit else asset
    if assignee is not None:
        raw["assignee"] = assignee
    if due is not None:
        raw["due_on"] = None if due.lower() == "none" else _date(due, "due")
    if status is not None:
        raw["status"] = status
    if not raw:
        raise InvalidInput.one("options", "say what to change (--title, --asset, --assignee, --due, --status …)")
    data = _validated(AuditUpdate, raw)
    with cli_uow() as session:
        audit = audits.update_audit(session, CONSOLE, audit_id, data)
        say(f"audit {audit.id} {audit.title}: {audit.status}, due {audit.due_on or '-'}")


@audit_app.command("delete")
def delete(
    audit_id: uuid.UUID,
    cancel: bool = typer.Option(False, "--cancel", help="Cancel instead (keeps results and evidence)"),
    yes: bool = typer.Option(False, "--yes", help="Confirm"),
) -> None:
    """Delete an audit without results, or cancel it (--cancel); needs --yes."""
    if not yes:
        raise InvalidInput.one("yes", f"add --yes to confirm {'cancelling' if cancel else 'deleting'} the audit")
    with cli_uow() as session:
        if cancel:
            audits.update_audit(session, CONSOLE, audit_id, AuditUpdate(status="cancelled"))
        else:
            audits.delete_audit(session, CONSOLE, audit_id)
    say(f"{'cancelled' if cancel else 'deleted'} audit {audit_id}")


@audit_app.command("checklist-show")
def checklist_show(checklist_id: uuid.UUID) -> None:
    """Print a checklist's items one a line (key | text | guidance): the format checklist-edit --items reads."""
    with cli_uow(readonly=True) as session:
        found = audits.get_checklist(session, CONSOLE, checklist_id)
        say(f"# {found.name}")
        say(own_checklists.format_items(found.items))


@audit_app.command("checklist-copy")
def checklist_copy(
    checklist_id: uuid.UUID,
    name: str = typer.Option(..., "--name", help="Name of the copy"),
    unit: uuid.UUID | None = typer.Option(None, help="Org unit of the copy (default: the original's)"),
) -> None:
    """Copy a checklist (e.g. the shipped template) under a new name, to make it your own."""
    with cli_uow() as session:
        copy = _validated(ChecklistCopy, {"name": name, "org_unit_id": unit})
        made = own_checklists.copy_checklist(session, CONSOLE, checklist_id, copy)
        say(f"checklist {made.id} {made.name} ({len(made.items)} items)")


@audit_app.command("checklist-edit")
def checklist_edit(
    checklist_id: uuid.UUID,
    name: str | None = typer.Option(None, "--name"),
    description: str | None = typer.Option(None, "--description"),
    items: Path | None = typer.Option(
        None, "--items", exists=True, dir_okay=False, help="File of items one a line, key | text | guidance, in order"
    ),
) -> None:
    """Rename a checklist or replace its items (add, remove, reorder): see checklist-show for the format."""
    parsed = None
    if items is not None:
        with items.open("rb") as fh:
            parsed = own_checklists.parse_items(
                read_limited(fh, 1024**2, items.name).decode("utf-8", "replace"), "items"
            )
    data = _validated(ChecklistUpdate, {"name": name, "description": description})
    data.items = parsed
    with cli_uow() as session:
        made = own_checklists.update_checklist(session, CONSOLE, checklist_id, data)
        say(f"checklist {made.id} {made.name} ({len(made.items)} items)")


@audit_app.command("checklist-delete")
def checklist_delete(checklist_id: uuid.UUID, yes: bool = typer.Option(False, "--yes", help="Confirm")) -> None:
    """Delete a checklist no audit runs; needs --yes."""
    if not yes:
        raise Conflict("add --yes to confirm deleting the checklist")
    with cli_uow() as session:
        own_checklists.delete_checklist(session, CONSOLE, checklist_id)
    say(f"deleted checklist {checklist_id}")


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
