"""`tandem strategy`: list, optimize (progress bar), frontier, import, the TIME grid and fit assessments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from tandem.inventory import service as inventory
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.jobs import run_in_foreground
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import InvalidInput, NotFound
from tandem.platform.safety.uploads import read_limited
from tandem.strategy import fit, imports, planning, policy, rationalisation, service
from tandem.strategy.common import home_unit
from tandem.strategy.models import PlanScenario
from tandem.strategy.repository import INITIATIVE_SPEC, StrategyRepository
from tandem.strategy.schemas import OptimizeRequest, PolicyUpdate

app = typer.Typer(help="IT and security strategy: initiatives and the joint portfolio optimiser.", no_args_is_help=True)
COLUMNS = ["title", "sponsor", "status", "duration", "cost", "business_value", "risk_reduction", "mandatory"]


def _money(value: Any) -> str:
    return "" if value is None else f"{value:,.0f}"


@app.command("list")
def list_cmd(limit: int = typer.Option(100, help="How many rows (1–500)"), fmt: Format = format_option()) -> None:
    """List initiatives with cost, business value and ΔALE."""
    with cli_uow(readonly=True) as session:
        page = service.list_initiatives(session, CONSOLE, PageRequest.parse(INITIATIVE_SPEC, {"limit": str(limit)}))
        rows = [{"title": i.title, "sponsor": i.sponsor, "status": i.status, "duration": i.duration,
                 "cost": _money(sum(i.costs)), "business_value": _money(i.business_value),
                 "risk_reduction": _money(i.risk_reduction), "mandatory": i.mandatory} for i in page.items]  # fmt: skip
    emit(rows, COLUMNS, fmt, "Initiatives")


def _scenario_id(session: Any, name: str | None) -> Any:
    if name is None:
        return None
    repo = StrategyRepository(session, PlanScenario)
    found = [s for s in repo.all(repo.base_query(None)) if s.name.lower() == name.strip().lower()]
    if len(found) != 1:
        raise NotFound(f"no plan scenario named {name!r}")
    return found[0].id


def _run(scenario: str | None, time_limit: float, frontier: bool) -> Any:
    with cli_uow() as session:
        try:
            req = OptimizeRequest(scenario_id=_scenario_id(session, scenario), time_limit=time_limit,
                                  frontier=frontier)  # fmt: skip
        except ValueError:
            raise InvalidInput.one("--time-limit", "must be from 0.5 to 600 seconds") from None
        plan = planning.start_plan(session, CONSOLE, req)
        plan_id, job_id = plan.id, plan.job_id
    if job_id is not None:
        run_in_foreground(job_id)
    with cli_uow(readonly=True) as session:
        plan = planning.get_plan(session, CONSOLE, plan_id)
        session.expunge(plan)
    return plan


@app.command()
def optimize(
    scenario: str | None = typer.Option(None, "--scenario", help="Plan under this saved scenario"),
    time_limit: float = typer.Option(10.0, "--time-limit", help="Seconds the solver may use"),
    fmt: Format = format_option(),
) -> None:
    """Select and schedule initiatives; print the plan, the solver's gap, and the gain over greedy."""
    plan = _run(scenario, time_limit, frontier=False)
    res = plan.result
    if plan.status != "succeeded":
        raise InvalidInput.one("plan", plan.error or plan.status)
    info, labels = res["info"], res["labels"]
    rows = [{"start": labels[q], "initiative": info[k]["title"], "sponsor": info[k]["sponsor"],
             "quarters": info[k]["duration"], "cost": _money(info[k]["cost"])}
            for k, q in sorted(res["starts"].items(), key=lambda kv: kv[1])]  # fmt: skip
    emit(rows, ["start", "initiative", "sponsor", "quarters", "cost"], fmt, plan.name)
    totals, gain = res["totals"], res.get("gain")
    say(f"plan {plan.id}: {res['describe']}")
    say(f"value {_money(totals['value'])}, ΔALE {_money(totals['risk_reduction'])}/yr, spend {_money(totals['spend'])}"
        + (f"; +{gain:.1%} over the value-per-cost ranking" if gain is not None else ""))  # fmt: skip
    for r in res["rejections"][:10]:
        say(f"  not funded: {r['title']}: {'; '.join(r['reasons'])}" + (f" — {r['fixes'][0]}" if r["fixes"] else ""))


@app.command()
def frontier(
    scenario: str | None = typer.Option(None, "--scenario", help="Under this saved scenario"),
    time_limit: float = typer.Option(10.0, "--time-limit", help="Seconds for the plan and for the frontier each"),
    fmt: Format = format_option(),
) -> None:
    """Print value and risk reduction at 8 budget levels (0.4× to 2× the policy budget)."""
    plan = _run(scenario, time_limit, frontier=True)
    if plan.status != "succeeded":
        raise InvalidInput.one("plan", plan.error or plan.status)
    rows = [{"budget": f"x{p['multiplier']:.1f}", "total": _money(p["budget"]), "value": _money(p["value"]),
             "risk_reduction": _money(p["risk_reduction"]), "objective": _money(p["objective"]),
             "gap": "" if p["gap"] is None else f"{p['gap']:.2%}", "status": p["status"]}
            for p in plan.frontier]  # fmt: skip
    emit(rows, ["budget", "total", "value", "risk_reduction", "objective", "gap", "status"], fmt, "Efficient frontier")


@app.command("import")
def import_cmd(path: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True)) -> None:
    """Import initiatives from CSV or JSON; all rows or none, errors as file:row: field: reason."""
    with path.open("rb") as fh:
        data = read_limited(fh, 50 * 1024**2, str(path))
    with cli_uow() as session:
        result = imports.import_initiatives(session, CONSOLE, data, path.name, home_unit(session))
    say(f"{path.name}: added {result['added']} initiatives")


@app.command("time-grid")
def time_grid_cmd(fmt: Format = format_option()) -> None:
    """List applications on the TIME grid: fit scores, recorded and suggested disposition, run cost, ALE."""
    with cli_uow(readonly=True) as session:
        apps = rationalisation.time_grid(session, CONSOLE)
    rows = [{"application": a["name"], "disposition": a["disposition"] or "", "business_fit": a["business_score"],
             "technical_fit": a["technical_score"], "suggested": a["suggested"] or "not assessed",
             "run_cost": _money(a.get("run_cost")), "ale": _money(a["ale"])} for a in apps]  # fmt: skip
    columns = ["application", "disposition", "business_fit", "technical_fit", "suggested", "run_cost", "ale"]
    emit(rows, columns, fmt, "TIME grid")


@app.command("fit")
def fit_cmd(
    application: str = typer.Argument(..., help="The application: its name, application:<name> or its id"),
    business: float = typer.Option(..., "--business", help="Business fit, 1–5 in steps of 0.5"),
    technical: float = typer.Option(..., "--technical", help="Technical fit, 1–5 in steps of 0.5"),
    rationale: str = typer.Option("", help="Why these scores"),
) -> None:
    """Record an application's TIME assessment (business fit and technical fit)."""
    ref = application if ":" in application else f"application:{application}"
    with cli_uow() as session:
        _, app_row = inventory.resolve_ref(session, CONSOLE, ref)
        row = fit.set_fit(session, CONSOLE, app_row.id, fit.FitInput(business, technical, rationale), where="option")
        suggested = fit.suggested_disposition(row.business_fit, row.technical_fit)
        name, recorded = app_row.name, app_row.time_disposition
    note = "" if suggested == recorded else f" (recorded disposition: {recorded or 'none'})"
    say(f"{name}: business fit {business:g}, technical fit {technical:g} → suggests {suggested}{note}")


@app.command()
def scenarios(fmt: Format = format_option()) -> None:
    """List saved plan scenarios."""
    with cli_uow(readonly=True) as session:
        repo = StrategyRepository(session, PlanScenario)
        rows = [{"name": s.name, "budget_factor": s.budget_factor, "capacity_delta": s.capacity_delta,
                 "deadline_shift": s.deadline_shift} for s in repo.all(repo.base_query(None))]  # fmt: skip
    emit(rows, ["name", "budget_factor", "capacity_delta", "deadline_shift"], fmt, "Plan scenarios")


@app.command("policy")
def policy_cmd(
    quarters: int | None = typer.Option(None, help="Quarters in the planning horizon"),
    budget: str | None = typer.Option(None, help="Budget per quarter: one figure, or one per quarter (a,b,…)"),
    capacity: list[str] = typer.Option([], help="Staff pool FTE per quarter: pool=2 or pool=2,2,3 (repeatable)"),
    lam: float | None = typer.Option(None, "--lambda", help="λ: weight of a unit of yearly ΔALE against value"),
    fmt: Format = format_option(),
) -> None:
    """Show or set the organisation's planning policy (budget and staff per quarter, λ)."""
    with cli_uow() as session:
        unit = home_unit(session)
        current = policy.get_policy(session, CONSOLE, unit)
        n = quarters or current.quarters
        patch: dict[str, Any] = {"quarters": n} if quarters else {}
        if budget is not None:
            patch["budget"] = _spread(budget, n, "--budget")
        if capacity:
            caps = dict(current.capacity)
            for item in capacity:
                pool, _, figures = item.partition("=")
                caps[pool.strip()] = _spread(figures, n, "--capacity")
            patch["capacity"] = caps
        if lam is not None:
            patch["lam"] = lam
        try:
            data = PolicyUpdate.model_validate(patch)
        except ValueError as exc:
            raise InvalidInput.one("policy", str(exc).splitlines()[0]) from None
        saved = policy.update_policy(session, CONSOLE, unit, data) if patch else current
    rows = [{"setting": k, "value": v} for k, v in saved.model_dump(mode="json").items()]
    emit(rows, ["setting", "value"], fmt, "Planning policy")


def _spread(raw: str, quarters: int, where: str) -> list[float]:
    try:
        values = [float(x) for x in raw.split(",") if x.strip()]
    except ValueError:
        raise InvalidInput.one(where, "give numbers separated by commas") from None
    return values * quarters if len(values) == 1 else values
