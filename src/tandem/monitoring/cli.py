"""`tandem monitoring` (alias `tandem network`): import scans, list and triage network findings, list scans, work
the shadow-IT queue."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import typer

from tandem.monitoring import issues, service
from tandem.monitoring.audits_cli import audit_app
from tandem.monitoring.models import ISSUE_STATUSES
from tandem.monitoring.ownchecks.cli import check
from tandem.monitoring.schemas import DiscoveredHostRead, IssueTriageIn, ScanRead
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.jobs import run_in_foreground
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.config import get_settings
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import InvalidInput
from tandem.platform.safety.uploads import read_limited

app = typer.Typer(help="Network scans (nmap, Greenbone), audit findings and shadow IT.", no_args_is_help=True)
app.command("check")(check)
app.add_typer(audit_app, name="audit")


@app.command("import")
@app.command("import-scan", hidden=True)
def import_scan(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    name: str = typer.Option("", help="Scan name (default: the file name)"),
    target: str = typer.Option("", help="Target label; scans of the same target are diffed (default: the name)"),
    unit: uuid.UUID | None = typer.Option(None, help="Org unit id (default: the root unit)"),
    wait: bool = typer.Option(False, "--wait", help="Run the import here now"),
) -> None:
    """Import nmap XML (-oX) or a Greenbone report XML."""
    with path.open("rb") as fh:
        data = read_limited(fh, get_settings().max_upload_bytes, path.name)
    with cli_uow() as session:
        job_id = service.queue_scan_import(session, CONSOLE, data, path.name, name, target, unit).id
    if not wait:
        say(f"queued job {job_id}; follow it with `tandem jobs show {job_id}`")
        return
    run_in_foreground(job_id)


@app.command()
def scans(limit: int = typer.Option(50), fmt: Format = format_option()) -> None:
    """List imported scans, newest first."""
    with cli_uow(readonly=True) as session:
        page = service.list_scans(
            session, CONSOLE, PageRequest.parse(service.SCAN_SPEC, {"limit": str(limit), "sort": "-created_at"})
        )
        rows = [ScanRead.model_validate(s).model_dump() for s in page.items]
    emit(
        rows,
        ["id", "name", "kind", "target", "hosts_up", "known_hosts", "unknown_hosts", "finding_count"],
        fmt,
        "Scans",
    )


@app.command()
def findings(
    status: str = typer.Option("", help="open, accepted, false_positive or fixed"),
    severity: str = typer.Option("", help="critical, high, medium, low or info"),
    rule: str = typer.Option("", help="Audit rule, e.g. tls-protocol"),
    host: str = typer.Option("", help="Host address as scanned"),
    asset: uuid.UUID | None = typer.Option(None, help="Inventory asset id"),
    limit: int = typer.Option(100),
    fmt: Format = format_option(),
) -> None:
    """List network findings, open and most severe first."""
    chosen = {"status": status, "severity": severity, "rule": rule, "host": host, "asset_id": str(asset or "")}
    params = {"limit": str(limit), **{k: v for k, v in chosen.items() if v}}
    with cli_uow(readonly=True) as session:
        page = issues.list_issues(session, CONSOLE, PageRequest.parse(issues.ISSUE_SPEC, params))
        rows = [issues.to_read(i).model_dump() for i in page.items]
    emit(rows, ["id", "status", "severity", "rule", "host", "port", "occurrences", "last_seen_at", "detail"], fmt,
         "Network findings")  # fmt: skip


@app.command()
def triage(
    issue_id: uuid.UUID,
    status: str = typer.Argument(..., help="open, accepted, false_positive or fixed"),
    reason: str = typer.Option("", "--reason", help="Why (needed for accepted and false_positive)"),
    until: str = typer.Option("", "--until", help="Acceptance expiry date YYYY-MM-DD (needed for accepted)"),
) -> None:
    """Triage a network finding."""
    try:
        expiry = dt.date.fromisoformat(until) if until else None
    except ValueError:
        raise InvalidInput.one("until", "must be a date YYYY-MM-DD") from None
    if status not in ISSUE_STATUSES:
        raise InvalidInput.one("status", f"must be one of {', '.join(ISSUE_STATUSES)}")
    data = IssueTriageIn.model_validate({"status": status, "reason": reason, "until": expiry})
    with cli_uow() as session:
        issue = issues.triage_issue(session, CONSOLE, issue_id, data)
        say(f"{issue.rule} on {issue.host}: {issue.status.replace('_', ' ')}")


@app.command("shadow-it")
def shadow_it(
    status: str = typer.Option("unconfirmed", help="unconfirmed, adopted, dismissed or any"),
    fmt: Format = format_option(),
) -> None:
    """List discovered hosts the inventory does not know."""
    params = {"limit": "500", "sort": "-last_seen_at", **({"status": status} if status != "any" else {})}
    with cli_uow(readonly=True) as session:
        page = service.list_discovered(session, CONSOLE, PageRequest.parse(service.HOST_SPEC, params))
        rows = [DiscoveredHostRead.model_validate(h).model_dump() for h in page.items]
    emit(rows, ["id", "address", "hostnames", "open_ports", "status", "last_seen_at"], fmt, "Shadow IT")


@app.command()
def adopt(host_id: uuid.UUID, hostname: str = typer.Option("", help="Asset hostname (default: the seen name)")) -> None:
    """Create the inventory asset for a discovered host; its network findings move to the asset."""
    with cli_uow() as session:
        host = service.adopt_host(session, CONSOLE, host_id, hostname)
        say(f"adopted {host.address} as asset {host.asset_id}")


@app.command()
def dismiss(host_id: uuid.UUID, reason: str = typer.Option(..., "--reason")) -> None:
    """Dismiss a discovered host with a reason; its open network findings close as false positives."""
    with cli_uow() as session:
        service.dismiss_host(session, CONSOLE, host_id, reason)
    say(f"dismissed {host_id}")
