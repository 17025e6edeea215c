"""`tandem jobs`: list, show, cancel and run jobs (with a progress bar in the foreground)."""

from __future__ import annotations

import json
import uuid

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow, database
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import Conflict, InvalidInput
from tandem.platform.jobs import service
from tandem.platform.jobs.context import LiveState
from tandem.platform.jobs.registry import job_names

app = typer.Typer(help="Follow, cancel and run background jobs.", no_args_is_help=True)
COLUMNS = ["id", "name", "status", "progress", "total", "attempts", "actor_label", "created_at", "finished_at"]


def _id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise InvalidInput.one("job_id", "is not a job id (a UUID)") from None


@app.command("list")
def list_jobs(status: str | None = typer.Option(None, help="Only this status"), fmt: Format = format_option()) -> None:
    """List the latest jobs."""
    params = {"sort": "-created_at", "limit": "100", **({"status": status} if status else {})}
    with cli_uow(readonly=True) as session:
        page = service.list_jobs(session, CONSOLE, PageRequest.parse(service.LIST_SPEC, params))
        rows = [service.describe(j) for j in page.items]
    emit(rows, COLUMNS, fmt, "Jobs")


@app.command()
def show(job_id: str) -> None:
    """Show a job with its log."""
    with cli_uow(readonly=True) as session:
        job = service.describe(service.get_job_row(session, CONSOLE, _id(job_id)))
    for key in [*COLUMNS, "message", "error"]:
        say(f"{key}: {job.get(key)}")
    for line in job["log"]:
        say(f"  {line}")


@app.command()
def cancel(job_id: str) -> None:
    """Cancel a queued job or ask a running one to stop."""
    with cli_uow() as session:
        job = service.cancel_job(session, CONSOLE, _id(job_id))
    say(f"job {job_id}: {job.status}{' (stop requested)' if job.status == 'running' else ''}")


@app.command()
def run(
    name: str = typer.Argument(..., help="Registered job name, e.g. audit.verify_chain"),
    args: str = typer.Option("{}", "--args", help="JSON object of arguments"),
    wait: bool = typer.Option(False, "--wait", help="Run it here now with a progress bar instead of queueing it"),
) -> None:
    """Queue a job for the worker, or run it in the foreground with --wait."""
    if name not in job_names():
        raise InvalidInput.one("name", f"unknown job; registered: {', '.join(job_names())}")
    try:
        parsed = json.loads(args)
    except json.JSONDecodeError as exc:
        raise InvalidInput.one("--args", f"not JSON: {exc.msg}") from None
    if not isinstance(parsed, dict):
        raise InvalidInput.one("--args", "must be a JSON object")
    with cli_uow() as session:
        job_id = service.enqueue(session, name, parsed).id
    if not wait:
        say(f"queued job {job_id}; follow it with `tandem jobs show {job_id}`")
        return
    run_in_foreground(job_id)


def run_in_foreground(job_id: uuid.UUID) -> None:
    """Claim a queued job and run it here, drawing a Rich progress bar."""
    db = database()
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TextColumn("{task.fields[message]}"), TimeElapsedColumn()) as bar:  # fmt: skip
        task = bar.add_task("running", total=None, message="")

        def update(state: LiveState) -> None:
            bar.update(task, completed=state.progress, total=state.total, message=state.message[:60])

        if service.claim_one(db, job_id) is None:
            raise Conflict("the job was already taken by a worker")
        status = service.run_job(db, job_id, on_progress=update)
    with cli_uow(readonly=True) as session:
        job = service.describe(service.get_job_row(session, CONSOLE, job_id))
    if status != "succeeded":
        raise Conflict(f"job {status}: {job.get('error') or ''}".strip())
    say(f"job {job_id} succeeded" + (f": {json.dumps(job['result'])}" if job.get("result") else ""))
