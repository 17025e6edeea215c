"""`tandem monitoring check`: queue (or run here with --wait) own TCP/TLS checks inside the approved scope."""

from __future__ import annotations

import uuid

import typer

from tandem.monitoring.ownchecks import jobs as _jobs  # noqa: F401 - registers monitoring.run_checks
from tandem.monitoring.ownchecks import service
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.jobs import run_in_foreground
from tandem.platform.cli.output import say


def check(
    target: list[str] = typer.Option(
        [], "--target", "-t", help="host:port[/tls|/tcp], repeatable (default: the inventory's declared services)"
    ),
    unit: uuid.UUID | None = typer.Option(None, help="Org unit the scan belongs to (default: the root unit)"),
    wait: bool = typer.Option(False, "--wait", help="Run the checks here now"),
) -> None:
    """Check TCP reachability and TLS of declared services; targets outside TANDEM_MONITORING_SCOPE are refused."""
    with cli_uow() as session:
        job_id = service.queue_checks(session, CONSOLE, target, unit).id
    if not wait:
        say(f"queued job {job_id}; follow it with `tandem jobs show {job_id}`")
        return
    run_in_foreground(job_id)
