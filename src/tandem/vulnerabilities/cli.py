"""`tandem vulnerabilities`: import feeds, match the inventory, list and triage findings."""

from __future__ import annotations

import datetime as dt
import enum
import sys
import uuid
from pathlib import Path

import typer

from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.jobs import run_in_foreground
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.config import get_settings
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import Conflict
from tandem.platform.safety.uploads import read_limited
from tandem.vulnerabilities import cves, ingest, service, sync
from tandem.vulnerabilities.schemas import CveRead, FindingRead, FindingStatusIn, NvdSyncRead, SyncRequest

app = typer.Typer(help="Vulnerability feeds (NVD, KEV, EPSS, OSV), matching and findings.", no_args_is_help=True)
COLUMNS = ["id", "priority_label", "advisory_id", "component", "cvss", "epss_percentile", "confidence", "status"]


def _queue_and_maybe_wait(job_id: uuid.UUID, wait: bool) -> None:
    if not wait:
        say(f"queued job {job_id}; follow it with `tandem jobs show {job_id}`")
        return
    run_in_foreground(job_id)


@app.command("import")
def import_feed(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    kind: str = typer.Option("auto", "--kind", "-k", help="nvd, kev, epss, osv, or auto (told from the content)"),
    wait: bool = typer.Option(False, "--wait", help="Run the import (and the delta match it queues) here now"),
    match: bool = typer.Option(True, "--match/--no-match", help="Queue a delta match when records changed"),
) -> None:
    """Side-load a feed file (NVD CVE JSON 2.0, KEV JSON/CSV, EPSS CSV, OSV JSON; .gz accepted)."""
    if kind != "auto":
        ingest.check_kind(kind)
    with path.open("rb") as fh:
        data = read_limited(fh, ingest.get_vulnerability_settings().max_feed_bytes, path.name)
    with cli_uow() as session:
        job_id = service.queue_feed_import(session, CONSOLE, kind, data, path.name, match).id
    _queue_and_maybe_wait(job_id, wait)
    if wait and match:
        _run_queued_matches()


app.command("import-feed", help="Side-load a feed file (same as `import`).")(import_feed)


def _run_queued_matches() -> None:
    from sqlalchemy import select

    from tandem.platform.jobs.models import Job

    with cli_uow(readonly=True) as session:
        queued = list(session.scalars(select(Job.id).where(
            Job.name == "vulnerabilities.match_inventory", Job.status == "queued")))  # fmt: skip
    for job_id in queued:
        run_in_foreground(job_id)


@app.command("fetch-feed")
def fetch_feed(
    kind: str = typer.Argument(..., help="kev or epss"),
    wait: bool = typer.Option(False, "--wait", help="Run the import here now"),
) -> None:
    """Download KEV or EPSS through the outbound guard (needs TANDEM_VULNERABILITIES_FETCH_ENABLED=true)."""
    data, name = ingest.fetch_feed(kind)
    with cli_uow() as session:
        job_id = service.queue_feed_import(session, CONSOLE, kind, data, name).id
    _queue_and_maybe_wait(job_id, wait)


@app.command()
def match(
    wait: bool = typer.Option(False, "--wait", help="Run the pass here now"),
    full: bool = typer.Option(False, "--full", help="Match everything, not only what changed"),
) -> None:
    """Match the inventory's software (CPE / purl) against the stored advisories."""
    with cli_uow() as session:
        job_id = service.queue_match(session, CONSOLE, "full" if full else "delta").id
    _queue_and_maybe_wait(job_id, wait)


@app.command()
def findings(
    status: str = typer.Option("open", help="open, accepted, fixed, false_positive or any"),
    kev: bool = typer.Option(False, "--kev", help="KEV findings only"),
    tier: int | None = typer.Option(None, help="Priority tier 1–4"),
    limit: int = typer.Option(50, help="How many rows (1–500)"),
    fmt: Format = format_option(),
) -> None:
    """List findings, most urgent first."""
    params = {"limit": str(limit)}
    if status != "any":
        params["status"] = status
    if kev:
        params["kev"] = "true"
    if tier is not None:
        params["priority_tier"] = str(tier)
    with cli_uow(readonly=True) as session:
        page = service.list_findings(session, CONSOLE, PageRequest.parse(service.FINDING_SPEC, params))
        rows = [FindingRead.model_validate(f).model_dump() for f in page.items]
    emit(rows, COLUMNS, fmt, "Vulnerability findings")


app.command("list", help="List findings, most urgent first (same as `findings`).")(findings)

WHY_COLUMNS = ["asset", "component", "criterion", "range", "matched_version", "steps", "confidence", "priority_label",
               "status", "id"]  # fmt: skip


@app.command()
def show(
    cve_id: str = typer.Argument(..., help="A CVE id, e.g. CVE-2024-6387"),
    status: str = typer.Option("any", help="Affected items with this status only (open, accepted, fixed, …, any)"),
    limit: int = typer.Option(100, help="How many affected items (1–500)"),
    fmt: Format = format_option(),
) -> None:
    """Show a CVE: KEV, EPSS, CVSS, description, and every affected item with why it matched."""
    params = {"limit": str(limit), **({} if status == "any" else {"status": status})}
    with cli_uow(readonly=True) as session:
        cve = cves.get_cve(session, CONSOLE, cve_id, PageRequest.parse(cves.AFFECTED_SPEC, params))
    if fmt is Format.json:
        sys.stdout.write(cve.model_dump_json(indent=2) + "\n")
        return
    for line in _facts(cve):
        say(line)
    labels = cve.affected.asset_labels
    rows = [{**f.model_dump(), "asset": labels.get(str(f.asset_id), str(f.asset_id or "")),
             "steps": "; ".join(f.steps)} for f in cve.affected.items]  # fmt: skip
    emit(rows, WHY_COLUMNS, fmt, f"Affected items ({', '.join(f'{k}: {v}' for k, v in cve.affected.statuses.items())})")


def _facts(cve: CveRead) -> list[str]:
    kev, epss, adv = cve.kev, cve.epss, cve.advisory
    lines = [cve.id + (f" [{adv.severity} CVSS {adv.cvss}]" if adv and adv.cvss is not None else "")]
    if kev:
        ransomware = "used in ransomware campaigns" if kev.ransomware else "ransomware use not known"
        lines.append(f"KEV: added {kev.date_added}, due {kev.due_date}, {ransomware}")
    else:
        lines.append("KEV: no")
    lines.append(f"EPSS: {epss.score:.5f} (percentile {epss.percentile:.1%}, {epss.score_date})" if epss else "EPSS: —")
    for e in cve.kev_history:
        lines.append(f"KEV history {e.date}: {e.event} (due {e.due_date})")
    if cve.epss_history:
        lines.append("EPSS history: " + ", ".join(f"{p.date} {p.score:.5f}" for p in cve.epss_history))
    if adv:
        lines.append(adv.description)
    return lines


@app.command("set-status")
def set_status(
    finding_id: uuid.UUID = typer.Argument(...),
    status: str = typer.Argument(..., help="open, accepted, fixed or false_positive"),
    reason: str = typer.Option("", "--reason", help="Why (needed for accepted and false_positive)"),
) -> None:
    """Triage a finding."""
    body = FindingStatusIn.model_validate({"status": status, "reason": reason})
    with cli_uow() as session:
        service.set_status(session, CONSOLE, finding_id, body)
    say(f"finding {finding_id} is now {status}")


@app.command()
def feeds(fmt: Format = format_option()) -> None:
    """Show stored record counts and the latest imports."""
    with cli_uow(readonly=True) as session:
        status = service.feed_status(session, CONSOLE)
    say(", ".join(f"{k}: {v}" for k, v in status.counts.items()) + f" (upload limit {get_settings().max_upload_bytes})")
    emit([i.model_dump() for i in status.imports], ["created_at", "kind", "file_name", "records", "changed"], fmt)


class SyncSource(enum.StrEnum):
    nvd = "nvd"
    kev = "kev"
    epss = "epss"


@app.command("sync")
def sync_feeds(
    only: list[SyncSource] = typer.Option(None, "--only", help="Sync only this feed (repeatable); default all"),
    since: dt.datetime | None = typer.Option(
        None, "--since", formats=["%Y-%m-%d"], help="NVD: CVEs modified since this day (restarts the cursor)"
    ),
    full: bool = typer.Option(False, "--full", help="NVD: load every CVE (the initial load; restarts the cursor)"),
    wait: bool = typer.Option(False, "--wait", help="Run the syncs (and the delta match they queue) here now"),
    match: bool = typer.Option(True, "--match/--no-match", help="Queue a delta match when records changed"),
) -> None:
    """Sync NVD through its CVE API (resuming an interrupted sync), KEV and EPSS (needs fetching enabled)."""
    chosen = [s.value for s in only] if only else ["nvd", "kev", "epss"]
    body = SyncRequest.model_validate({"only": chosen, "since": since.date() if since else None, "full": full,
                                       "match": match})  # fmt: skip
    with cli_uow() as session:
        jobs = [(j.id, j.name) for j in sync.queue_sync(session, CONSOLE, body)]
    if not wait:
        for job_id, _name in jobs:
            _queue_and_maybe_wait(job_id, False)
        return
    failed = []
    for job_id, name in jobs:
        say(f"{name}:")
        try:
            run_in_foreground(job_id)
        except Conflict as exc:  # one feed failing must not keep the others from running
            say(exc.message)
            failed.append(name)
    if match:
        _run_queued_matches()
    if failed:
        raise Conflict(f"{', '.join(failed)} failed; `tandem vulns sync-status` shows where the NVD sync stopped")


@app.command("sync-status")
def sync_status(fmt: Format = format_option()) -> None:
    """Show the NVD sync cursor, the last completed window and the last error."""
    with cli_uow(readonly=True) as session:
        state = sync.sync_state(session, CONSOLE)
    if fmt is Format.json:
        sys.stdout.write(state.model_dump_json(indent=2) + "\n")
        return
    for line in _sync_lines(state):
        say(line)


def _sync_lines(state: NvdSyncRead) -> list[str]:
    lines = [
        f"fetching: {'on' if state.fetch_enabled else 'off'}; API key: {'set' if state.api_key_set else 'not set'}"
    ]
    if state.synced_to:
        lines.append(f"last completed sync: {state.last_span_start or 'all CVEs'} .. {state.synced_to} "
                     f"({state.last_records} records, {state.last_changed} new or changed)")  # fmt: skip
    else:
        lines.append("no completed sync yet")
    if state.in_progress:
        window = f"{state.window_start} .. {state.window_end}" if state.window_start else "all CVEs"
        lines.append(f"interrupted sync resumes at startIndex {state.next_index} of {state.total_results or '?'} "
                     f"in {window} ({state.run_records} records stored so far)")  # fmt: skip
    if state.last_error:
        lines.append(f"last error ({state.last_error_at}): {state.last_error}")
    return lines
