"""`tandem incidents`: list, open, show, assess, obligations, register, proposal, evidence, follow-up."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import typer

from tandem.incidents import assessment, followups, populations_from_data, register, scope, service
from tandem.incidents import evidence as evidence_files
from tandem.incidents.repository import INCIDENT_SPEC
from tandem.incidents.schemas import FollowUpIn, IncidentCreate
from tandem.incidents.vocab import TYPES
from tandem.platform.auth import service as auth_service
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import InvalidInput, NotFound
from tandem.platform.safety.uploads import read_limited

app = typer.Typer(help="Incidents, breach assessment and notification clocks.", no_args_is_help=True)
COLUMNS = ["id", "title", "type", "severity", "status", "discovered_at", "next_deadline"]
OB_COLUMNS = ["recipient_label", "jurisdiction", "affected", "due_at", "countdown", "status", "citation"]


def _find(session: Any, ref: str) -> Any:
    try:
        return service.get_incident(session, CONSOLE, uuid.UUID(ref))
    except ValueError:
        pass
    matches = [i for i in service.visible_incidents(session, CONSOLE, {}) if i.title.lower() == ref.strip().lower()]
    if len(matches) != 1:
        raise NotFound(f"no single incident titled {ref!r}; use its id")
    return matches[0]


def _row(incident: Any) -> dict[str, Any]:
    return {
        **service.to_read(incident).model_dump(mode="json"),
        "next_deadline": incident.earliest_due_at.isoformat() if incident.earliest_due_at else "",
    }


def _unit(session: Any, name: str | None) -> uuid.UUID:
    if name is None:
        root = auth_service.root_unit(session)
        if root is None:
            raise NotFound("no organisation yet; run `tandem init` first")
        return root.id
    units = auth_service.units_named(session, name)
    if len(units) != 1:
        raise NotFound(f"no single org unit named {name!r}")
    return units[0].id


@app.command("list")
def list_cmd(status: str | None = typer.Option(None, help="Only this status"), fmt: Format = format_option()) -> None:
    """List incidents with their next deadline."""
    params = {"limit": "500", **({"status": status} if status else {})}
    with cli_uow(readonly=True) as session:
        page = service.list_incidents(session, CONSOLE, PageRequest.parse(INCIDENT_SPEC, params))
        rows = [_row(i) for i in page.items]
    emit(rows, COLUMNS, fmt, "Incidents")


@app.command("open")
def open_cmd(
    title: str = typer.Argument(..., help="What happened, in a line"),
    type_: str = typer.Option("other", "--type", help=f"One of: {', '.join(TYPES)}"),
    severity: str = typer.Option("undetermined", help="undetermined, low, medium, high, critical"),
    discovered: str | None = typer.Option(None, help="When it was discovered (ISO 8601, UTC; default now)"),
    unit: str | None = typer.Option(None, help="Org unit (default: root)"),
) -> None:
    """Open an incident (its type's playbook creates the first tasks)."""
    try:
        when = dt.datetime.fromisoformat(discovered) if discovered else None
    except ValueError:
        raise InvalidInput.one("--discovered", "not an ISO 8601 date-time") from None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    with cli_uow() as session:
        data = service.validate(
            IncidentCreate,
            {
                "title": title,
                "type": type_,
                "severity": severity,
                "discovered_at": when,
                "org_unit_id": _unit(session, unit),
            },
        )
        incident = service.open_incident(session, CONSOLE, data)
        incident_id = incident.id
    say(f"opened incident {incident_id}")


@app.command()
def show(ref: str = typer.Argument(..., help="Incident id or exact title"), fmt: Format = format_option()) -> None:
    """Show an incident's facts and its next deadline."""
    with cli_uow(readonly=True) as session:
        incident = _find(session, ref)
        data = _row(incident)
        banner = register.banner(session, incident)
    if banner and banner["first"]:
        data["countdown"] = f"{banner['first']['countdown']}: {banner['first']['recipient_label']}"
    emit([{"field": k, "value": v} for k, v in data.items()], ["field", "value"], fmt, data["title"])


@app.command()
def assess(ref: str = typer.Argument(..., help="Incident id or exact title"), fmt: Format = format_option()) -> None:
    """Re-evaluate the notification rules over the incident's facts now and list the obligations."""
    with cli_uow() as session:
        incident = _find(session, ref)
        assessment.reassess(session, CONSOLE, incident, "requested from the CLI")
        rows = register.obligation_rows(session, incident, include_withdrawn=False)
        title = incident.title
    emit(rows, OB_COLUMNS, fmt, f"Obligations of {title}")


@app.command()
def obligations(
    ref: str = typer.Argument(..., help="Incident id or exact title"),
    withdrawn: bool = typer.Option(False, "--withdrawn", help="Include obligations no longer required"),
    fmt: Format = format_option(),
) -> None:
    """List an incident's obligations with countdowns, earliest first."""
    with cli_uow(readonly=True) as session:
        incident = _find(session, ref)
        rows = register.obligation_rows(session, incident, include_withdrawn=withdrawn)
        title = incident.title
    emit(rows, OB_COLUMNS, fmt, f"Obligations of {title}")


@app.command("register")
def register_cmd(fmt: Format = format_option()) -> None:
    """Print the breach register: every incident, its decision and rationale."""
    with cli_uow(readonly=True) as session:
        rows = register.rows(session, CONSOLE)
    emit(
        rows,
        ["title", "status", "discovered_at", "affected", "decision", "rationale", "sent", "open"],
        fmt,
        "Breach register",
    )


@app.command()
def proposal(ref: str = typer.Argument(..., help="Incident id or exact title"), fmt: Format = format_option()) -> None:
    """List the data stores the incident's scope could reach (inventory graph and access governance)."""
    with cli_uow(readonly=True) as session:
        incident = _find(session, ref)
        rows = [
            {**p, "via": "; ".join(p["via"]), "access": ", ".join(p.get("access", [])),
             "data_categories": ", ".join(p["data_categories"])}
            for p in scope.propose(session, CONSOLE, incident)
        ]  # fmt: skip
        title = incident.title
    emit(rows, ["name", "in_scope", "access", "data_categories", "record_count", "via"], fmt, f"Reach of {title}")


@app.command("populations-from-data")
def populations_cmd(
    ref: str = typer.Argument(..., help="Incident id or exact title"), fmt: Format = format_option()
) -> None:
    """Draft affected people from the data stores in scope and re-evaluate the obligations."""
    with cli_uow() as session:
        added = populations_from_data.add_from_data(session, CONSOLE, _find(session, ref).id)
        rows = [{"data_set": p.label, "jurisdiction": p.jurisdiction, "people": p.count,
                 "elements": " + ".join(p.elements)} for p in added]  # fmt: skip
    emit(rows, ["data_set", "jurisdiction", "people", "elements"], fmt, "Affected people drafted from the data")


@app.command()
def evidence(
    ref: str = typer.Argument(..., help="Incident id or exact title"),
    path: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="File to keep as evidence"),
    title: str = typer.Option("", help="Title shown on the incident (default: the file name)"),
) -> None:
    """Keep a file as evidence of an incident (size-limited, type sniffed, on the timeline)."""
    with path.open("rb") as fh:
        data = read_limited(fh, evidence_files.limit() + 1, str(path))
    with cli_uow() as session:
        row = evidence_files.upload(session, CONSOLE, _find(session, ref).id, data, path.name, title)
        digest = row.sha256
    say(f"kept {path.name} (SHA-256 {digest})")


@app.command("follow-up")
def follow_up(
    ref: str = typer.Argument(..., help="Incident id or exact title"),
    title: str = typer.Option(..., "--title", help="The risk treatment to add"),
    scenario: str | None = typer.Option(None, "--scenario", help="Existing risk scenario id"),
    new_scenario: str = typer.Option("", "--new-scenario", help="Title of a new scenario (targets the scope)"),
    kind: str = typer.Option("mitigate", "--kind", help="mitigate, transfer, avoid or accept"),
) -> None:
    """Turn a post-incident review follow-up into a risk treatment, linked back to the incident."""
    with cli_uow() as session:
        incident = _find(session, ref)
        data = service.validate(FollowUpIn, {"title": title, "kind": kind, "scenario_id": scenario,
                                             "scenario_title": new_scenario})  # fmt: skip
        link = followups.follow_up_to_risk(session, CONSOLE, incident.id, data)
        out = f"treatment {link.treatment_id} on scenario {link.scenario_id} ({link.scenario_title})"
    say(f"added {out}")
