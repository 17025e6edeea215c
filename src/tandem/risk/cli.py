"""`tandem risk`: list, show, simulate (queue or --wait), import."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import typer

from tandem.platform.auth import service as auth_service
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.jobs import run_in_foreground
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import InvalidInput, NotFound
from tandem.platform.safety.uploads import read_limited
from tandem.risk import imports, service, simulation
from tandem.risk.repository import SCENARIO_SPEC
from tandem.risk.schemas import SimulateRequest

app = typer.Typer(help="The risk register: scenarios, ratings, FAIR quantification.", no_args_is_help=True)
COLUMNS = ["id", "title", "status", "threat_event", "likelihood", "impact", "level", "ale", "p95"]


def _money(value: Any) -> str:
    return "" if value is None else f"{value:,.0f}"


def _row(session: Any, scenario: Any) -> dict[str, Any]:
    data = service.to_read(session, scenario).model_dump(mode="json")
    result = simulation.result_of(session, CONSOLE, scenario.id) or {}
    return {**data, "ale": _money(result.get("mean")), "p95": _money(result.get("p95"))}


def _find(session: Any, ref: str) -> Any:
    try:
        return service.get_scenario(session, CONSOLE, uuid.UUID(ref))
    except ValueError:
        pass
    matches = [s for s in service.visible_scenarios(session, CONSOLE, {}) if s.title.lower() == ref.strip().lower()]
    if len(matches) != 1:
        raise NotFound(f"no single risk scenario titled {ref!r}; use its id")
    return matches[0]


@app.command("list")
def list_cmd(
    status: str | None = typer.Option(None, help="Only this status"),
    q: str = typer.Option("", "--q", "-q", help="Search text"),
    limit: int = typer.Option(100, help="How many rows (1–500)"),
    fmt: Format = format_option(),
) -> None:
    """List scenarios with their rating and simulated ALE."""
    params = {"limit": str(limit), "q": q, "sort": "title", **({"status": status} if status else {})}
    with cli_uow(readonly=True) as session:
        page = service.list_scenarios(session, CONSOLE, PageRequest.parse(SCENARIO_SPEC, params))
        rows = [_row(session, s) for s in page.items]
    emit(rows, COLUMNS, fmt, "Risk scenarios")


@app.command()
def show(ref: str = typer.Argument(..., help="Scenario id or exact title"), fmt: Format = format_option()) -> None:
    """Show one scenario with its FAIR inputs and latest result."""
    with cli_uow(readonly=True) as session:
        scenario = _find(session, ref)
        data = _row(session, scenario)
        result = simulation.result_of(session, CONSOLE, scenario.id) or {}
    stats = {k: result.get(k) for k in ("mean", "sd", "p_loss", "p10", "p50", "p90", "p95", "p99", "tvar95")}
    rows = [{"field": k, "value": v} for k, v in {**data, **{f"result.{k}": v for k, v in stats.items()}}.items()]
    emit(rows, ["field", "value"], fmt, scenario.title)


@app.command("simulate")
def simulate_cmd(
    ref: str | None = typer.Argument(None, help="Scenario id or title (omit with --all)"),
    everything: bool = typer.Option(False, "--all", help="Simulate the whole portfolio"),
    iterations: int = typer.Option(100_000, "--iterations", help="Simulated years"),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same result)"),
    wait: bool = typer.Option(False, "--wait", help="Run here now with a progress bar instead of queueing"),
) -> None:
    """Queue (or run with --wait) a simulation of one scenario or of the portfolio."""
    if not everything and ref is None:
        raise InvalidInput.one("ref", "name a scenario or pass --all")
    with cli_uow() as session:
        ids = None if everything else [_find(session, str(ref)).id]
        try:
            req = SimulateRequest(scenario_ids=ids, years=iterations, seed=seed)
        except ValueError:
            raise InvalidInput.one("--iterations", "must be from 1,000 to 2,000,000") from None
        run = simulation.start_run(session, CONSOLE, req)
        run_id, job_id = run.id, run.job_id
    if not wait or job_id is None:
        say(f"queued simulation {run_id} (job {job_id}); follow it with `tandem jobs show {job_id}`")
        return
    run_in_foreground(job_id)
    with cli_uow(readonly=True) as session:
        run = simulation.get_run(session, CONSOLE, run_id)
        total = run.total or {}
        contributors = run.contributors
    say(f"simulation {run_id}: ALE {_money(total.get('mean'))}, p95 {_money(total.get('p95'))}, "
        f"p99 {_money(total.get('p99'))} over {run.years:,} years (seed {run.seed})")  # fmt: skip
    for c in contributors[:5]:
        say(f"  {c['title']}: ALE {_money(c['mean'])} ({c['share']:.0%})")


@app.command("import")
def import_cmd(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    unit: str | None = typer.Option(None, help="Org unit of the scenarios (default: root)"),
) -> None:
    """Import scenarios from CSV or JSON; all rows or none, errors as file:row: field: reason."""
    with path.open("rb") as fh:
        data = read_limited(fh, 50 * 1024**2, str(path))
    with cli_uow() as session:
        if unit is None:
            root = auth_service.root_unit(session)
            if root is None:
                raise NotFound("no organisation yet; run `tandem init` first")
            unit_id = root.id
        else:
            units = auth_service.units_named(session, unit)
            if len(units) != 1:
                raise NotFound(f"no single org unit named {unit!r}")
            unit_id = units[0].id
        result = imports.import_scenarios(session, CONSOLE, data, path.name, unit_id)
    say(f"{path.name}: added {result['added']} scenarios")
