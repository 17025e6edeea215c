"""`tandem compliance`: import catalogs, profiles and mappings; assess; export OSCAL; list and show."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from tandem.compliance.assessments import exports
from tandem.compliance.assessments import service as assessments
from tandem.compliance.automation import cli as auto_cli
from tandem.compliance.frameworks import mappings, shipped
from tandem.compliance.frameworks import service as frameworks
from tandem.compliance.schemas import AssessmentCreate
from tandem.platform.auth import service as auth_service
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.errors import NotFound

app = typer.Typer(help="Frameworks, mappings, controls and assessments.", no_args_is_help=True)
app.command("test")(auto_cli.test)
app.command("checks")(auto_cli.checks)
app.command("drift")(auto_cli.drift)
LIMIT = 200 * 1024 * 1024


def _read(path: Path) -> bytes:
    from tandem.platform.safety.uploads import read_limited

    with path.open("rb") as fh:
        return read_limited(fh, LIMIT, str(path))


@app.command("import-catalog")
def import_catalog(
    path: Path = typer.Argument(..., exists=True, dir_okay=False), key: str | None = typer.Option(None)
) -> None:
    """Import an OSCAL catalog (JSON, schema-validated) as a new framework version."""
    with cli_uow() as session:
        fw = frameworks.import_catalog(session, CONSOLE, _read(path), path.name, key)
        say(f"imported {fw.name} {fw.version} as {fw.key}: {fw.requirement_count} assessable requirements")


@app.command("import-profile")
def import_profile(
    path: Path = typer.Argument(..., exists=True, dir_okay=False), key: str | None = typer.Option(None)
) -> None:
    """Import an OSCAL profile, resolved against the library's SP 800-53 catalog."""
    with cli_uow() as session:
        fw = frameworks.import_profile(session, CONSOLE, _read(path), path.name, key)
        say(f"imported {fw.name} {fw.version} as {fw.key}: {fw.requirement_count} assessable requirements")


@app.command("import-simple")
def import_simple(
    path: Path = typer.Argument(..., exists=True, dir_okay=False),
    key: str = typer.Option(...),
    version: str = typer.Option(""),
    name: str = typer.Option(""),
) -> None:
    """Import a framework from the simple CSV/YAML format."""
    with cli_uow() as session:
        fw = frameworks.import_simple(session, CONSOLE, _read(path), path.name, key, version, name)
        say(f"imported {fw.name} {fw.version} as {fw.key}: {fw.requirement_count} assessable requirements")


@app.command("import-mappings")
def import_mappings(
    path: Path = typer.Argument(..., exists=True, dir_okay=False),
    source: str = typer.Option("nist-csf", help="Source framework key[@version]"),
    target: str = typer.Option("nist-sp800-53", help="Target framework key[@version]"),
) -> None:
    """Import an OSCAL mapping-collection (JSON) or NIST OLIR crosswalk (xlsx) between two frameworks."""
    with cli_uow() as session:
        src = frameworks.find_framework(session, CONSOLE, source)
        tgt = frameworks.find_framework(session, CONSOLE, target)
        added = mappings.import_file(session, CONSOLE, _read(path), path.name, src.id, tgt.id)
        say(f"{path.name}: added {added} mappings from {src.key} to {tgt.key}")


@app.command("load-library")
def load_library() -> None:
    """Add the shipped frameworks (800-53 + baselines, CSF 2.0, HIPAA, GDPR, ISO ids) and the crosswalk."""
    with cli_uow() as session:
        for fw in shipped.load_library(session, CONSOLE):
            say(f"{fw.key} {fw.version}: {fw.requirement_count} assessable requirements")


@app.command("list")
def list_cmd(fmt: Format = format_option()) -> None:
    """List the frameworks in the library."""
    with cli_uow(readonly=True) as session:
        rows = [
            {
                "id": f.id,
                "key": f.key,
                "name": f.name,
                "version": f.version,
                "kind": f.kind,
                "requirements": f.requirement_count,
            }
            for f in frameworks.list_frameworks(session, CONSOLE)
        ]
    emit(rows, ["key", "version", "name", "kind", "requirements", "id"], fmt, "Frameworks")


@app.command()
def show(
    framework: str = typer.Argument(..., help="key, key@version or id"),
    q: str = typer.Option(""),
    fmt: Format = format_option(),
) -> None:
    """Show a framework's requirement tree (q filters)."""
    with cli_uow(readonly=True) as session:
        fw = frameworks.find_framework(session, CONSOLE, framework)
        rows = [{**r, "label": "  " * r["depth"] + r["label"]} for r in frameworks.tree(session, CONSOLE, fw.id, q)]
    emit(rows, ["label", "title", "kind", "withdrawn"], fmt, f"{fw.name} {fw.version}")


@app.command()
def assess(
    framework: str = typer.Argument(..., help="key, key@version or id"),
    title: str = typer.Option(...),
    unit: str | None = typer.Option(None, help="Org unit (default: root)"),
    prefill_from: str | None = typer.Option(None, help="Assessment id to pre-fill from through mappings"),
) -> None:
    """Start an assessment of a framework and print its id."""
    import uuid

    with cli_uow() as session:
        fw = frameworks.find_framework(session, CONSOLE, framework)
        units = auth_service.units_named(session, unit) if unit else [auth_service.root_unit(session)]
        if len(units) != 1 or units[0] is None:
            raise NotFound(f"no single org unit named {unit!r}")
        data = AssessmentCreate(
            title=title,
            framework_id=fw.id,
            org_unit_id=units[0].id,
            prefill_from_id=uuid.UUID(prefill_from) if prefill_from else None,
        )
        assessment = assessments.create_assessment(session, CONSOLE, data)
        done = assessments.progress(session, CONSOLE, assessment.id)
        say(f"{assessment.id} {title}: {done['total']} requirements, {done['counts']['prefilled']} pre-filled")


@app.command("export-oscal")
def export_oscal(
    assessment: str = typer.Argument(..., help="Assessment id"),
    kind: str = typer.Option("assessment-results", help="assessment-results or poam"),
    output: Path | None = typer.Option(None, "--output", "-o"),
) -> None:
    """Write an assessment's OSCAL assessment-results or POA&M as JSON."""
    import uuid

    with cli_uow(readonly=True) as session:
        build = exports.poam if kind == "poam" else exports.assessment_results
        doc = build(session, CONSOLE, uuid.UUID(assessment))
    text = json.dumps(doc, indent=2)
    if output:
        output.write_text(text)
        say(f"wrote {output}")
    else:
        sys.stdout.write(text + "\n")
