"""`tandem data`: scan a path or database, list findings, confirm or correct a store's classification."""

from __future__ import annotations

import contextlib
import uuid

import typer

from tandem.data import catalog, service
from tandem.data.schemas import ClassifyIn, ScanCreate
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.jobs import run_in_foreground
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.db.paging import PageRequest

app = typer.Typer(help="Sensitive-data discovery: scans, findings, classification.", no_args_is_help=True)


@app.command()
def scan(
    source: str = typer.Argument(..., help="A file or folder under the scan roots, or a database URL"),
    store: str = typer.Option("", "--store", help="Data store name (found, or created) or id"),
    unit: uuid.UUID | None = typer.Option(None, help="Org unit of a created store (default: the root unit)"),
    wait: bool = typer.Option(False, "--wait", help="Run the scan here now with a progress bar"),
) -> None:
    """Queue (or with --wait run) a scan of a path or database for a data store."""
    store_id = None
    with contextlib.suppress(ValueError):
        store_id = uuid.UUID(store)
    body = ScanCreate(source=source, data_store_id=store_id, store_name="" if store_id else store, org_unit_id=unit)
    with cli_uow() as session:
        created = service.create_scan(session, CONSOLE, body)
        scan_id, job_id = created.id, created.job_id
    if not wait or job_id is None:
        say(f"queued scan {scan_id} (job {job_id}); follow it with `tandem jobs show {job_id}`")
        return
    run_in_foreground(job_id)


@app.command()
def scans(limit: int = typer.Option(50), fmt: Format = format_option()) -> None:
    """List scans, newest first."""
    with cli_uow(readonly=True) as session:
        page = service.list_scans(
            session, CONSOLE, PageRequest.parse(service.SCAN_SPEC, {"limit": str(limit), "sort": "-created_at"})
        )
        rows = [
            {
                "id": s.id,
                "name": s.name,
                "status": s.status,
                "source": s.source,
                "objects": s.objects_total,
                "skipped": s.objects_skipped,
                "findings": s.finding_count,
                "types": ", ".join(f"{k}={v}" for k, v in s.type_counts.items()),
            }
            for s in page.items
        ]
    emit(rows, ["id", "name", "status", "source", "objects", "skipped", "findings", "types"], fmt, "Data scans")


@app.command()
def findings(
    scan_id: uuid.UUID | None = typer.Option(None, "--scan", help="One scan (default: each store's latest)"),
    fmt: Format = format_option(),
) -> None:
    """List files and columns holding sensitive data, with masked samples."""
    with cli_uow(readonly=True) as session:
        ids = [scan_id] if scan_id is not None else [r["scan_id"] for r in catalog.matrix(session, CONSOLE)["rows"]]
        rows = [
            {
                "object": f"{o.path}.{o.column}" if o.column else o.path,
                "kind": o.kind,
                "types": ", ".join(f"{k}={v}" for k, v in o.type_counts.items()),
                "samples": "; ".join(s for v in o.samples.values() for s in v[:1]),
                "carried": o.carried,
            }
            for i in ids
            for o in service.scan_objects(session, CONSOLE, i)
            if o.finding_count
        ]
    emit(rows, ["object", "kind", "types", "samples", "carried"], fmt, "Sensitive data found")


@app.command()
def classify(
    store: uuid.UUID = typer.Argument(..., help="Data store id"),
    confirm: bool = typer.Option(False, "--confirm", help="Apply the suggested categories and classification"),
    categories: str = typer.Option("", help="Comma-separated categories to keep instead of the suggestion"),
    classification: str = typer.Option("", help="public, internal, confidential or restricted"),
) -> None:
    """Show a store's suggested classification; --confirm or a correction records it in the inventory."""
    with cli_uow() as session:
        hint = catalog.suggestion(session, CONSOLE, store)
        say(f"current: {hint['current_classification']} {', '.join(hint['current_categories'])}")
        say(f"suggested: {hint['classification']} {', '.join(hint['data_categories'])} (scan {hint['scan_id']})")
        if not (confirm or categories or classification):
            return
        body = ClassifyIn.model_validate(
            {
                **({"data_categories": [c.strip() for c in categories.split(",") if c.strip()]} if categories else {}),
                **({"classification": classification} if classification else {}),
            }
        )
        updated = catalog.classify_store(session, CONSOLE, store, body)
        say(f"recorded: {updated.classification} {', '.join(updated.data_categories)} ({updated.source})")
