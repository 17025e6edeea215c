"""`tandem privacy`: the RoPA (list, export), DPIA pre-screens, and DPIAs with their linked risk scenarios."""

from __future__ import annotations

import uuid
from pathlib import Path

import typer
from sqlalchemy.orm import Session

from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import InvalidInput
from tandem.privacy import dpia, exports, service
from tandem.privacy.models import Dpia
from tandem.privacy.repository import DPIA_SPEC
from tandem.privacy.schemas import DpiaUpdate

app = typer.Typer(help="Records of processing activities (RoPA) and DPIAs.", no_args_is_help=True)
ropa = typer.Typer(help="The records of processing activities (GDPR Art. 30).", no_args_is_help=True)
app.add_typer(ropa, name="ropa")
dpias = typer.Typer(help="Data protection impact assessments (GDPR Art. 35).", no_args_is_help=True)
app.add_typer(dpias, name="dpias")
DPIA_COLUMNS = ["id", "title", "status", "residual_risk", "risk_scenarios"]


@ropa.command("list")
def list_cmd(fmt: Format = format_option()) -> None:
    """List processing activities with their DPIA pre-screen and discovery findings."""
    with cli_uow(readonly=True) as session:
        rows = []
        for a in service.visible_activities(session, CONSOLE):
            screen = service.prescreen(session, CONSOLE, a)
            rows.append(
                {
                    "id": str(a.id),
                    "name": a.name,
                    "role": a.role,
                    "status": a.status,
                    "criteria": screen["count"],
                    "dpia_required": screen["dpia_required"],
                    "findings": len(service.findings(session, CONSOLE, a)),
                }
            )
    emit(rows, ["id", "name", "role", "status", "criteria", "dpia_required", "findings"], fmt, "RoPA")


@ropa.command("export")
def export_cmd(
    output: Path = typer.Option(..., "--output", "-o", help="File to write", dir_okay=False, writable=True),
    fmt: str = typer.Option("csv", "--format", help="csv, xlsx or pdf"),
) -> None:
    """Export the RoPA as CSV, XLSX or PDF."""
    if fmt not in exports.FORMATS:
        raise InvalidInput.one("--format", "must be csv, xlsx or pdf")
    with cli_uow(readonly=True) as session:
        data = exports.FORMATS[fmt][1](session, CONSOLE)
        count = len(service.visible_activities(session, CONSOLE))
    output.write_bytes(data)
    say(f"wrote {count} processing activities to {output} ({fmt}, {len(data):,} bytes)")


def _dpia_row(session: Session, d: Dpia) -> dict[str, object]:
    read = dpia.read(session, CONSOLE, d)
    names = [s.label or s.id for s in read.risk_scenarios]
    return {"id": str(read.id), "title": read.title, "status": read.status, "residual_risk": read.residual_risk,
            "risk_scenarios": "; ".join(names)}  # fmt: skip


@dpias.command("list")
def dpias_cmd(fmt: Format = format_option()) -> None:
    """List DPIAs with their status, residual risk and linked risk scenarios."""
    with cli_uow(readonly=True) as session:
        page = dpia.list_dpias(session, CONSOLE, PageRequest.parse(DPIA_SPEC, {"limit": "500"}))
        rows = [_dpia_row(session, d) for d in page.items]
    emit(rows, DPIA_COLUMNS, fmt, "DPIAs")


@dpias.command("link")
def link_cmd(
    dpia_id: uuid.UUID = typer.Argument(..., help="The DPIA"),
    scenario_ids: list[uuid.UUID] = typer.Argument(..., help="Risk scenario ids from the risk register"),
    replace: bool = typer.Option(False, "--replace", help="Replace the linked scenarios instead of adding"),
    fmt: Format = format_option(),
) -> None:
    """Link a DPIA's risks to risk scenarios (each must exist in the register)."""
    with cli_uow() as session:
        found = dpia.get_dpia(session, CONSOLE, dpia_id)
        ids = [str(i) for i in scenario_ids] if replace else [*found.risk_scenario_ids, *map(str, scenario_ids)]
        updated = dpia.update_dpia(session, CONSOLE, dpia_id, DpiaUpdate.model_validate({"risk_scenario_ids": ids}))
        row = _dpia_row(session, updated)
    emit([row], DPIA_COLUMNS, fmt, "DPIA")
