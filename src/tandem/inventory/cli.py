"""`tandem inventory`: list, show, import, export, impact, exposure, attest, freshness, columns, services."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Any

import typer
from rich.progress import Progress

from tandem.inventory import exports, graph, imports, service
from tandem.inventory.columns import columns_for, key_description
from tandem.inventory.kinds import KINDS, kind_of
from tandem.platform.auth import service as auth_service
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import InvalidInput, NotFound
from tandem.platform.safety.uploads import read_limited

app = typer.Typer(help="The shared inventory: one record, two lenses.", no_args_is_help=True)
KIND_HELP = f"one of {', '.join(KINDS)}"


def _kind(name: str) -> Any:
    try:
        return kind_of(name)
    except KeyError:
        raise InvalidInput.one("kind", f"unknown kind {name!r}; {KIND_HELP}") from None


@app.command("list")
def list_cmd(
    kind: str = typer.Argument(..., help=KIND_HELP),
    q: str = typer.Option("", "--q", "-q", help="Search text"),
    where: list[str] = typer.Option([], "--where", "-w", help="Filter field=value (repeatable)"),
    sort: str | None = typer.Option(None, help="Sort field, '-' prefix for descending"),
    limit: int = typer.Option(50, help="How many rows (1–500)"),
    fmt: Format = format_option(),
) -> None:
    """List records of a kind with search, filters and sorting."""
    k = _kind(kind)
    params = {"limit": str(limit), "q": q, **dict(w.split("=", 1) for w in where if "=" in w)}
    if sort:
        params["sort"] = sort
    with cli_uow(readonly=True) as session:
        page = service.list_records(session, CONSOLE, k, PageRequest.parse(k.spec, params))
        rows = [service.to_read(k, obj).model_dump() for obj in page.items]
    columns = ["id", k.label, *[f for f in next(iter(k.lens.values()))[:4] if f != k.label], "last_verified_at"]
    emit(rows, columns, fmt, k.title)


@app.command()
def show(
    ref: str = typer.Argument(..., help="kind:name, e.g. application:EHR, or an id"), fmt: Format = format_option()
) -> None:
    """Show one record: both lenses, freshness and relations."""
    with cli_uow(readonly=True) as session:
        k, obj = service.resolve_ref(session, CONSOLE, ref)
        data = service.to_read(k, obj).model_dump()
        data["stale"] = service.is_stale(obj)
        rels = [
            {"type": r.type, "from": f"{r.source_kind}:{r.source_id}", "to": f"{r.target_kind}:{r.target_id}"}
            for r in service.relations_of(session, CONSOLE, obj.id)
        ]
    emit([{"field": key, "value": value} for key, value in data.items()], ["field", "value"], fmt, f"{k.entity}")
    if rels and fmt is Format.table:
        emit(rels, ["type", "from", "to"], fmt, "Relations")


@app.command("import")
def import_cmd(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    kind: str = typer.Option(..., "--kind", "-k", help=f"{KIND_HELP}, or sbom"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be added, changed and left alone"),
    unit: str | None = typer.Option(None, help="Org unit for rows without an org_unit column (default: root)"),
    file_format: str | None = typer.Option(None, "--format", help="csv or json (default: from the extension)"),
    application: str | None = typer.Option(None, help="Application an SBOM belongs to (--kind sbom)"),
) -> None:
    """Import a CSV/JSON file (or a CycloneDX SBOM); all rows or none, errors as file:line:column."""
    with path.open("rb") as fh:
        data = read_limited(fh, 2 * 1024**3, str(path))
    with cli_uow() as session, Progress(transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("importing", total=None)
        unit_id = _unit_id(session, unit)
        result = imports.import_file(
            session,
            CONSOLE,
            kind,
            data,
            path.name,
            fmt=file_format,
            unit_id=unit_id,
            application=application,
            dry_run=dry_run,
            progress=lambda done, total, msg: bar.update(task, completed=done, total=total, description=msg),
        )
    verb = "would add" if dry_run else "added"
    say(
        f"{path.name}: {verb} {result['added']}, {'would change' if dry_run else 'changed'} {result['changed']}, "
        f"left alone {result['unchanged']} ({result['kind']})"
    )
    if dry_run:
        for row in result["preview"][:50]:
            if row["action"] != "unchanged":
                say(f"  line {row['line']}: {row['action']} {row['label']} {', '.join(row['fields'][:8])}")


def _unit_id(session: Any, name: str | None) -> Any:
    if name is None:
        root = auth_service.root_unit(session)
        return root.id if root else None
    units = auth_service.units_named(session, name)
    if len(units) != 1:
        raise NotFound(f"no single org unit named {name!r}")
    return units[0].id


@app.command()
def export(
    kind: str = typer.Option(..., "--kind", "-k", help=KIND_HELP),
    file_format: str = typer.Option("csv", "--format", help="csv or json"),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout"),
) -> None:
    """Export every record of a kind in the import format (CSV cells are formula-escaped)."""
    if file_format not in ("csv", "json"):
        raise InvalidInput.one("format", "use csv or json")
    with cli_uow(readonly=True) as session:
        columns, rows = exports.export_rows(session, CONSOLE, _kind(kind))
    chunks = exports.render(columns, rows, file_format)
    if output is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
    else:
        with output.open("w", encoding="utf-8", newline="") as fh:
            fh.writelines(chunks)
        say(f"wrote {len(rows)} {kind} to {output}")


def _graph(ref: str, mode: str, depth: int, fmt: Format) -> None:
    with cli_uow(readonly=True) as session:
        k, obj = service.resolve_ref(session, CONSOLE, ref)
        result = (graph.impact if mode == "impact" else graph.exposure)(session, CONSOLE, k, obj, depth)
    rows = [
        {"depth": n["depth"], "kind": n["kind"], "name": n["label"], "path": " ".join(n["path"])}
        for n in result["nodes"]
    ]
    title = f"{'Impact of losing' if mode == 'impact' else 'Who can reach'} {result['root']['label']}"
    emit(rows, ["depth", "kind", "name", "path"], fmt, title)
    if fmt is Format.table:
        say(f"{len(rows)} records{' (truncated)' if result['truncated'] else ''}")


@app.command()
def impact(
    ref: str, depth: int = typer.Option(graph.MAX_DEPTH, min=1, max=graph.MAX_DEPTH), fmt: Format = format_option()
) -> None:
    """What breaks if REF is gone: everything that depends on it, transitively, with the path."""
    _graph(ref, "impact", depth, fmt)


@app.command()
def exposure(
    ref: str, depth: int = typer.Option(graph.MAX_DEPTH, min=1, max=graph.MAX_DEPTH), fmt: Format = format_option()
) -> None:
    """Who can reach REF's data: applications, assets, vendors and people, with the path."""
    _graph(ref, "exposure", depth, fmt)


@app.command()
def attest(ref: str, note: str = typer.Option("", help="Why you are confident")) -> None:
    """Confirm that a record is still correct (stamps last_verified_at, logged in the audit trail)."""
    with cli_uow() as session:
        k, obj = service.resolve_ref(session, CONSOLE, ref)
        service.attest_record(session, CONSOLE, k, obj.id, note)
        label = service.label_of(k, obj)
    say(f"attested {k.entity} {label}")


@app.command()
def freshness(
    days: int | None = typer.Option(None, help="Stale after N days (default: the setting)"),
    fmt: Format = format_option(),
) -> None:
    """List records nobody has verified in N days, grouped by owner."""
    with cli_uow(readonly=True) as session:
        rows = service.freshness(session, CONSOLE, days)
    emit(rows, ["owner", "kind", "label", "last_verified_at", "days"], fmt, "Not verified recently")


@app.command()
def columns(kind: str = typer.Argument(..., help=f"{KIND_HELP}")) -> None:
    """Document the columns an import file of KIND may have."""
    k = _kind(kind)
    emit(
        [{"column": c.name, "kind": c.kind, "help": c.help} for c in columns_for(k.plural)],
        ["column", "kind", "help"],
        Format.table,
        f"{k.plural}: upsert key is {key_description(k)}",
    )


@app.command()
def services(
    ref: str = typer.Argument(..., help="asset:hostname or an asset id"),
    spec: list[str] | None = typer.Argument(
        None, help="Services to declare, replacing the list: '443/tcp https tls' '22/tcp ssh' '53/udp dns'"
    ),
    clear: bool = typer.Option(False, "--clear", help="Declare no service"),
) -> None:
    """Show or set the services an asset declares (port/transport, optional name, tls or plain)."""
    with cli_uow(readonly=not (spec or clear)) as session:
        k, obj = service.resolve_ref(session, CONSOLE, ref if ":" in ref or _is_id(ref) else f"asset:{ref}")
        if k.entity != "asset":
            raise InvalidInput.one("ref", f"{ref!r} is a {k.entity}; only assets declare services")
        if spec or clear:
            if spec and clear:
                raise InvalidInput.one("spec", "give services or --clear, not both")
            patch = service.validate_input(k.update, {"declared_services": [] if clear else spec}, "spec")
            obj = service.update_record(session, CONSOLE, k, obj.id, patch)
        declared, label = list(obj.declared_services or []), service.label_of(k, obj)
    say(f"{label}: {'; '.join(declared) if declared else 'no declared service'}")


def _is_id(ref: str) -> bool:
    try:
        uuid.UUID(ref)
    except ValueError:
        return False
    return True
