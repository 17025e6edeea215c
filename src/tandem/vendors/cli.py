"""`tandem vendors`: list, show, access, renewals, import (contracts), import-questionnaire, assess,
verify-offboarding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from tandem.inventory import service as inventory
from tandem.platform.auth import service as auth_service
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.errors import NotFound
from tandem.platform.references import related
from tandem.platform.safety.uploads import read_limited
from tandem.vendors import assessments, imports, service, spend
from tandem.vendors.schemas import AssessmentCreate
from tandem.vendors.settings import get_vendors_settings
from tandem.vendors.views import access_json, overview_json

app = typer.Typer(help="Vendors: contracts, spend, renewals and third-party risk.", no_args_is_help=True)


def _unit(session: Any, name: str | None) -> Any:
    if name is None:
        root = auth_service.root_unit(session)
        if root is None:
            raise NotFound("no organisation yet; run `tandem init` first")
        return root.id
    units = auth_service.units_named(session, name)
    if len(units) != 1:
        raise NotFound(f"no single org unit named {name!r}")
    return units[0].id


def _read(path: Path) -> bytes:
    with path.open("rb") as fh:
        return read_limited(fh, get_vendors_settings().max_document_bytes, str(path))


@app.command("list")
def list_cmd(fmt: Format = format_option()) -> None:
    """List vendors with yearly spend, tier, residual rating, flags and next notice deadline."""
    with cli_uow(readonly=True) as session:
        rows = [{"id": str(r["vendor"].id), "name": r["vendor"].name, "tier": r["tier"], "residual": r["residual"],
                 "spend": ", ".join(f"{v:,.0f} {c}" for c, v in r["spend"].items()),
                 "flags": ", ".join(f.code for f in r["flags"]), "next_deadline": r["next_deadline"]}
                for r in service.portfolio(session, CONSOLE)]  # fmt: skip
    emit(rows, ["id", "name", "spend", "tier", "residual", "flags", "next_deadline"], fmt, "Vendors")


@app.command()
def show(vendor: str = typer.Argument(..., help="Vendor id or exact name"), fmt: Format = format_option()) -> None:
    """Show one vendor with both lenses: spend and contracts; tier factors, flags, residual rating."""
    with cli_uow(readonly=True) as session:
        found = service.find_vendor(session, CONSOLE, vendor)
        data = overview_json(service.vendor_overview(session, CONSOLE, found.id))
        scenarios = related(session, CONSOLE, "vendor", found.id)
        data["risk_scenarios"] = "; ".join(f"{r.label} ({r.detail})" if r.detail else r.label for r in scenarios)
    rows = [{"field": k, "value": v} for k, v in data.items() if k not in ("vendor",)]
    emit(rows, ["field", "value"], fmt, data["vendor"]["name"])


@app.command()
def renewals(
    days: int = typer.Option(None, "--days", help="Horizon in days (default: TANDEM_VENDORS_RENEWAL_HORIZON_DAYS)"),
    fmt: Format = format_option(),
) -> None:
    """List the notice deadlines ahead, soonest first."""
    with cli_uow(readonly=True) as session:
        rows = [{**{k: v for k, v in r.items() if k not in ("contract", "owner", "value")},
                 "value": f"{float(r['value']['amount']):,.2f} {r['value']['currency']}",
                 "owner": r["owner"].full_name if r["owner"] else ""}
                for r in spend.upcoming_renewals(session, CONSOLE, days)]  # fmt: skip
    emit(rows, ["deadline", "days_left", "vendor", "title", "end_date", "auto_renew", "value", "owner"], fmt,
         "Upcoming notice deadlines")  # fmt: skip


@app.command("import")
def import_cmd(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="Contracts CSV"),
    unit: str | None = typer.Option(None, help="Org unit of the contracts (default: root)"),
) -> None:
    """Import contracts from CSV (vendor,title,…): every row or none; errors as file:line: field: reason."""
    data = _read(path)
    with cli_uow() as session:
        result = imports.import_contracts(session, CONSOLE, data, path.name, _unit(session, unit))
    say(f"{path.name}: added {result['added']} contracts")


@app.command("import-questionnaire")
def import_questionnaire_cmd(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="Questionnaire CSV or XLSX"),
    name: str = typer.Option(..., "--name", help="Name to send it by (e.g. 'SIG Lite 2025')"),
    sheet: str | None = typer.Option(None, help="XLSX sheet (default: the first with a question column)"),
    licence: str = typer.Option("", help="Licence note shown with the questionnaire"),
    unit: str | None = typer.Option(None, help="Org unit (default: root)"),
) -> None:
    """Import a questionnaire you are licensed for; all questions or none, errors located by row."""
    data = _read(path)
    with cli_uow() as session:
        q = assessments.import_questionnaire(session, CONSOLE, data, path.name, name, _unit(session, unit), sheet,
                                             licence)  # fmt: skip
        count = len(q.questions)
    say(f"{path.name}: imported {count} questions as {name!r}")


@app.command()
def assess(
    vendor: str = typer.Argument(..., help="Vendor id or exact name"),
    questionnaire: str = typer.Option("baseline", "--questionnaire", "-q", help="'baseline' or an imported name"),
    contact: str | None = typer.Option(None, "--contact", help="Vendor contact e-mail (default: the profile's)"),
    days: int = typer.Option(21, "--days", help="Days the link stays valid (1–90)"),
) -> None:
    """Send a questionnaire to a vendor contact; prints the vendor-facing link once."""
    with cli_uow() as session:
        found = service.find_vendor(session, CONSOLE, vendor)
        data = inventory.validate_input(
            AssessmentCreate,
            {"vendor_id": found.id, "questionnaire": questionnaire, "contact_email": contact, "days_valid": days},
            "option",
        )
        a, path = assessments.send_assessment(session, CONSOLE, data)  # type: ignore[arg-type]
        info = (str(a.id), a.questionnaire, len(a.questions), a.expires_at)
    base = get_vendors_settings().public_url.rstrip("/")
    say(f"assessment {info[0]}: {info[1]} ({info[2]} questions) for {found.name}, link valid until {info[3]:%Y-%m-%d}")
    say(f"vendor link (shown once): {base}{path}")


@app.command("access")
def access_cmd(
    vendor: str = typer.Argument(..., help="Vendor id or exact name"), fmt: Format = format_option()
) -> None:
    """List the data stores the vendor's accounts reach (access governance), with the entitlement path."""
    with cli_uow(readonly=True) as session:
        found = service.find_vendor(session, CONSOLE, vendor)
        data = access_json(service.vendor_access(session, CONSOLE, found.id))
        name = found.name
    rows = [{**r, "path": " > ".join(r["path"]), "data_categories": ", ".join(r["data_categories"])}
            for r in data["paths"]]  # fmt: skip
    emit(rows, ["account", "account_status", "path", "store", "access", "data_categories"], fmt, f"Access of {name}")


@app.command("verify-offboarding")
def verify_offboarding_cmd(fmt: Format = format_option()) -> None:
    """Check offboarded vendors against the latest access import (enabled accounts become findings)."""
    with cli_uow() as session:
        rows = [{**r, "vendor_id": str(r["vendor_id"]), "accounts": ", ".join(r["accounts"])}
                for r in service.verify_offboarding(session, CONSOLE)]  # fmt: skip
    emit(rows, ["vendor", "state", "accounts"], fmt, "Vendor offboarding")
