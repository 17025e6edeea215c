"""`tandem training`: import completions or phishing results, status, recompute, remind, policies ack-status."""

from __future__ import annotations

from pathlib import Path

import typer

from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.errors import InvalidInput
from tandem.platform.safety.uploads import read_limited
from tandem.training import (
    cli_records,
    completions,
    courses,
    documents,
    evidence,
    phishing,
    policies,
    programs,
    reminders,
    status,
)

app = typer.Typer(help="Security awareness: programs, completions, policies, phishing results.", no_args_is_help=True)
policies_app = typer.Typer(help="Policy acknowledgement campaigns.", no_args_is_help=True)
app.add_typer(policies_app, name="policies")
cli_records.register(app, policies_app)
GROUPS = {"program": "programs", "department": "departments", "role": "roles"}


@app.command("import")
def import_cmd(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    kind: str = typer.Option(..., "--kind", help="completions or phishing"),
    fmt: str | None = typer.Option(None, "--format", help="completions: csv|xapi; phishing: gophish-csv|"
                                   "gophish-json|csv (default: from the file)"),
    campaign: str | None = typer.Option(None, "--campaign", help="phishing: campaign name (default: file name)"),
    unit: str | None = typer.Option(None, "--unit", help="phishing: org unit of the campaign (default: root)"),
) -> None:  # fmt: skip
    """Import LMS completions (CSV, xAPI JSON) or phishing results (again: updates the campaign); all or nothing."""
    if kind not in ("completions", "phishing"):
        raise InvalidInput.one("--kind", "must be completions or phishing")
    with path.open("rb") as fh:
        data = read_limited(fh, 50 * 1024**2, str(path))
    with cli_uow() as session:
        if kind == "completions":
            result = completions.import_completions(session, CONSOLE, data, path.name, fmt)
            say(f"{path.name}: added {result['added']} completions ({result['skipped']} already recorded)")
            return
        result = phishing.import_results(session, CONSOLE, data, path.name, campaign=campaign or path.stem,
                                         unit_id=cli_records.unit_id(session, unit), fmt=fmt)  # fmt: skip
    say(f"{path.name}: campaign {result['campaign']!r}: {result['results']} results, {result['unmatched']} "
        f"not matched to people; {result['remedial_assigned']} remedial assignments"
        f"{phishing.reimport_note(result)}")  # fmt: skip


@app.command("course-document")
def course_document_cmd(
    course: str = typer.Argument(..., help="the course's id or exact title"),
    path: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
) -> None:
    """Upload the document of a document course (pdf, docx, pptx, odt, odp, txt, png, jpg), replacing any old one."""
    with path.open("rb") as fh:
        data = read_limited(fh, documents.limit() + 1, str(path))
    with cli_uow() as session:
        row = documents.attach_document(session, CONSOLE, courses.find_course(session, CONSOLE, course).id, data,
                                        path.name)  # fmt: skip
        message = f"{row.title}: stored {row.document_name} ({row.document_size:,} bytes, {row.document_media_type})"
    say(message)


@app.command("status")
def status_cmd(
    by: str = typer.Option("program", "--by", help="program, department or role"), fmt: Format = format_option()
) -> None:
    """Show completion rates by program, department or role."""
    if by not in GROUPS:
        raise InvalidInput.one("--by", "must be program, department or role")
    with cli_uow(readonly=True) as session:
        data = status.summary(session, CONSOLE)
    overall = data["overall"]
    rows = [{**r, "rate": f"{r['rate']:.0%}"} for r in data[GROUPS[by]]]
    emit(rows, ["name", "assigned", "completed", "overdue", "expiring", "rate"], fmt,
         f"Training completion by {by}: {overall['rate']:.0%} overall")  # fmt: skip


@app.command("recompute")
def recompute_cmd() -> None:
    """Recompute every program's assignments now (new joiners, leavers, moves)."""
    with cli_uow() as session:
        counts = programs.recompute_all(session)
    say(f"{counts['programs']} programs: {counts['assigned']} assigned, {counts['reopened']} reopened, "
        f"{counts['closed']} closed")  # fmt: skip


@app.command("remind")
def remind_cmd() -> None:
    """Send the reminder e-mails now (needs TANDEM_SMTP_HOST)."""
    with cli_uow() as session:
        result = reminders.send_reminders(session)
    say(f"sent {result['sent']} reminder e-mails")


@app.command("evidence")
def evidence_cmd(out: Path = typer.Option(..., "--out", help="evidence.csv or evidence.pdf")) -> None:
    """Write the auditors' evidence: who completed what, when, which version; who acknowledged which policy."""
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".pdf"):
        raise InvalidInput.one("--out", "name a .csv or .pdf file")
    with cli_uow(readonly=True) as session:
        data = evidence.csv_bytes(session, CONSOLE) if suffix == ".csv" else evidence.pdf_bytes(session, CONSOLE)
    out.write_bytes(data)
    say(f"wrote {out}")


@policies_app.command("ack-status")
def ack_status_cmd(fmt: Format = format_option()) -> None:
    """Show each policy's acknowledgement rate (latest campaign) and whether it is past its review date."""
    with cli_uow(readonly=True) as session:
        rows = [{"policy": r["policy"].title, "version": r["campaign"].version if r["campaign"] else "",
                 "acknowledged": r["acknowledged"], "audience": r["audience"],
                 "rate": f"{r['rate']:.0%}" if r["campaign"] else "",
                 "lowest department": min(r["departments"], key=lambda d: d["rate"])["name"] if r["departments"]
                 else "", "past review": "yes" if r["past_review"] else "no"}
                for r in policies.ack_status(session, CONSOLE)]  # fmt: skip
    emit(rows, ["policy", "version", "acknowledged", "audience", "rate", "lowest department", "past review"], fmt,
         "Policy acknowledgements")  # fmt: skip
