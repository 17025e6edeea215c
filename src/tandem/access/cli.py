"""`tandem access`: import files, SCIM sync, analyse, who-can, review campaigns."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import typer
from pydantic import ValidationError
from sqlalchemy import select

from tandem.access import analyze, campaigns, effective, imports, scim_sync
from tandem.access.importers import KINDS
from tandem.access.models import Campaign, System
from tandem.access.schemas import CampaignCreate, CampaignScope, DecisionIn
from tandem.access.units import home_unit
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.jobs import run_in_foreground
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.errors import FieldError, InvalidInput, NotFound
from tandem.platform.safety.uploads import read_limited

app = typer.Typer(
    help="Who can and should access our data: identities, accounts, entitlements, reviews.", no_args_is_help=True
)
campaign_app = typer.Typer(help="Access review campaigns.", no_args_is_help=True)
app.add_typer(campaign_app, name="campaign")


@app.command("import")
def import_cmd(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    kind: str = typer.Option(..., "--kind", help=" | ".join(KINDS)),
    partial: bool = typer.Option(
        False, "--partial", help="identities: the file lists only some people (do not terminate the ones it omits)"
    ),
) -> None:
    """Import one file; all rows or none, errors as file:line:column: reason. An identities file is HR's full
    export: active people it no longer lists are marked terminated (unless --partial)."""
    if kind not in KINDS:
        raise InvalidInput.one("--kind", f"must be one of {', '.join(KINDS)}")
    with path.open("rb") as fh:
        data = read_limited(fh, 1024**3, str(path))
    with cli_uow() as session:
        run = imports.import_file(session, CONSOLE, kind, data, path.name, partial=partial)
        counts = dict(run.counts)
    say(f"{path.name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@app.command("scim-sync")
def scim_cmd(
    url: str = typer.Argument(..., help="SCIM base URL (…/scim/v2)"),
    system: str = typer.Option(..., "--system", help="The system key the accounts belong to"),
) -> None:
    """Read Users and Groups from a SCIM 2.0 endpoint (token: TANDEM_ACCESS_SCIM_TOKEN)."""
    with cli_uow() as session:
        result = scim_sync.sync(session, CONSOLE, url, system)
    say(f"{system}: {result['users']} users, {result['groups']} groups")
    for run in result["imports"]:
        say("  " + ", ".join(f"{k} {v}" for k, v in run.items()))


@app.command("analyze")
def analyze_cmd(
    wait: bool = typer.Option(True, "--wait/--queue", help="Run here now (default) or queue a job"),
) -> None:
    """Find orphan, dormant, terminated-but-active, no-MFA, excessive, SoD and unowned accounts; run activity rules."""
    with cli_uow() as session:
        run = analyze.start(session, CONSOLE)
        run_id, job_id = run.id, run.job_id
    if not wait or job_id is None:
        say(f"queued analysis {run_id} (job {job_id}); follow it with `tandem jobs show {job_id}`")
        return
    run_in_foreground(job_id)
    with cli_uow(readonly=True) as session:
        latest = analyze.latest_run(session)
        counts = dict(latest.counts) if latest else {}
    say("analysis: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@app.command("who-can")
def who_can_cmd(
    target: str = typer.Argument(..., help="Data store (name or id) or data category (PHI, SSN, health, …)"),
    fmt: Format = format_option(),
) -> None:
    """List who can reach a data store or category: identity, account, system, entitlement, path, access."""
    with cli_uow(readonly=True) as session:
        result = effective.who_can(session, CONSOLE, target)
    rows = [{**r, "path": " → ".join(r["path"])} for r in result["rows"]]
    emit(
        rows,
        ["identity", "identity_status", "account", "system", "entitlement", "path", "store", "access"],
        fmt,
        f"Who can reach {result['target']} ({result['total']})",
    )


def _campaign(session: object, ref: str) -> Campaign:
    try:
        return campaigns.get_campaign(session, CONSOLE, uuid.UUID(ref))  # type: ignore[arg-type]
    except ValueError:
        pass
    found = list(session.scalars(select(Campaign).where(Campaign.name == ref)))  # type: ignore[attr-defined]
    if len(found) != 1:
        raise NotFound(f"no single campaign named {ref!r}; use its id")
    return found[0]


@campaign_app.command("create")
def campaign_create(
    name: str = typer.Option(..., "--name"),
    due: str = typer.Option(..., "--due", help="Due date YYYY-MM-DD"),
    category: list[str] = typer.Option([], "--category", help="Data category in scope (repeatable), e.g. PHI"),
    system: list[str] = typer.Option([], "--system", help="System key in scope (repeatable)"),
    reviewer: str = typer.Option("manager", "--reviewer", help="manager | entitlement_owner | data_owner"),
    non_response: str = typer.Option("escalate", "--non-response", help="escalate | auto_revoke"),
) -> None:
    """Start a campaign; prints its id and the number of items."""
    try:
        due_date = dt.date.fromisoformat(due)
    except ValueError:
        raise InvalidInput.one("--due", "must be a date like 2026-12-31") from None
    with cli_uow() as session:
        systems = {s.key.lower(): s.id for s in session.scalars(select(System))}
        unknown = [s for s in system if s.lower() not in systems]
        if unknown:
            raise InvalidInput.one("--system", f"no system with key {unknown[0]!r}")
        try:
            data = CampaignCreate(
                name=name,
                due_date=due_date,
                reviewer=reviewer,
                non_response=non_response,
                scope=CampaignScope(system_ids=[systems[s.lower()] for s in system], data_categories=category),
                org_unit_id=home_unit(session),
            )
        except ValueError as exc:
            raise InvalidInput.one("options", str(exc).splitlines()[0]) from None
        made = campaigns.create_campaign(session, CONSOLE, data)
        state = campaigns.status(session, CONSOLE, made.id)
        made_id = made.id
    say(f"campaign {made_id}: {state['total']} items, {len(state['reviewers'])} reviewers")


@campaign_app.command("status")
def campaign_status(ref: str = typer.Argument(..., help="Campaign id or name"), fmt: Format = format_option()) -> None:
    """Show progress per reviewer."""
    with cli_uow(readonly=True) as session:
        campaign = _campaign(session, ref)
        state = campaigns.status(session, CONSOLE, campaign.id)
        title = (
            f"{campaign.name}: {state['decided']}/{state['total']} decided ({state['progress']:.0%}), "
            f"remediation {state['remediation']['verified']} verified / {state['remediation']['open']} open"
        )
    emit(state["reviewers"], ["reviewer", "total", "decided", "flagged"], fmt, title)


@campaign_app.command("decide")
def campaign_decide(
    ref: str = typer.Argument(..., help="Campaign id or name"),
    items: list[str] = typer.Argument(..., help="Review item ids"),
    decision: str = typer.Option(..., "--decision", help="keep | revoke | reduce"),
    comment: str = typer.Option("", "--comment", help="Why (required to keep a flagged item)"),
    target: str = typer.Option("", "--target", help="reduce: the lesser entitlement to keep (id or system:id)"),
) -> None:
    """Decide review items; a reduction names the lesser entitlement of the same system to keep instead."""
    with cli_uow() as session:
        campaign = _campaign(session, ref)
        try:
            ids = [uuid.UUID(i) for i in items]
        except ValueError:
            raise InvalidInput.one("items", "review item ids are UUIDs") from None
        try:
            data = DecisionIn(
                item_ids=ids,
                decision=decision,
                comment=comment,
                target_entitlement_id=campaigns.entitlement_ref(session, target, "--target") if target else None,
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            raise InvalidInput.one(f"--{first['loc'][0]}".replace("_", "-"), first["msg"]) from None
        try:
            done = campaigns.decide(session, CONSOLE, campaign.id, data)
        except InvalidInput as exc:  # name the options the operator typed, not the API body's fields
            raise InvalidInput([FieldError(_option(e.location), e.reason) for e in exc.errors]) from None
    say(f"{decision}: {len(done)} item(s)" + (f", reduced to {target}" if target else ""))


def _option(location: str) -> str:
    field = location.removeprefix("body.")
    return {"target_entitlement_id": "--target", "comment": "--comment"}.get(field, field.replace("item_ids", "items"))


@campaign_app.command("close")
def campaign_close(ref: str = typer.Argument(..., help="Campaign id or name")) -> None:
    """Close a campaign, applying its non-response policy."""
    with cli_uow() as session:
        campaign = campaigns.close_campaign(session, CONSOLE, _campaign(session, ref).id)
        state = campaigns.status(session, CONSOLE, campaign.id)
    say(
        f"closed {campaign.name}: {state['decisions']}, {state['escalated']} escalated, "
        f"{state['remediation']['open']} remediation task(s) open"
    )
