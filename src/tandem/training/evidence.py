"""Evidence for auditors: who completed which course version when, who acknowledged which policy version."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.platform.documents.pdf import BarChart, Block, Heading, KeyValues, Paragraph, Table, build_pdf
from tandem.platform.safety.csvsafe import write_csv
from tandem.training import actions, policies, status
from tandem.training import repository as repo
from tandem.training.models import Acknowledgement, Completion, Policy
from tandem.training.repository import TrainingRepository

HEADER = ["record", "person", "email", "department", "item", "version", "date", "score", "passed", "source",
          "requirements"]  # fmt: skip
PDF_ROW_LIMIT = 3000


def evidence_rows(session: Session, principal: Principal | None) -> list[list[Any]]:
    """Return completion and acknowledgement rows, oldest first, limited to what principal may see."""
    if principal is not None:
        require(session, principal, actions.EXPORT.name)
    done = sorted(TrainingRepository(session, Completion).visible(principal), key=lambda c: c.completed_at)
    acks = [a for a in TrainingRepository(session, Acknowledgement).visible(principal) if a.acknowledged_at]
    people = repo.people_by_ids(session, [c.person_id for c in done] + [a.person_id for a in acks])
    courses = repo.courses_by_ids(session, list({c.course_id for c in done}))
    titles = {p.id: p.title for p in TrainingRepository(session, Policy).visible(None)}
    campaigns = {c.id: c.policy_id for c in repo.ack_campaigns_of(session, list(titles))}
    rows: list[list[Any]] = []
    for c in done:
        p, course = people.get(c.person_id), courses.get(c.course_id)
        rows.append(["completion", p.full_name if p else "", p.email if p else "", p.department if p else "",
                     course.title if course else "", c.course_version, c.completed_at.isoformat(),
                     "" if c.score is None else c.score, "yes" if c.passed else "no", c.source,
                     " ".join(course.requirement_refs) if course else ""])  # fmt: skip
    for a in sorted(acks, key=lambda a: a.acknowledged_at or utcnow()):
        p = people.get(a.person_id)
        rows.append(["acknowledgement", p.full_name if p else "", p.email if p else "", p.department if p else "",
                     titles.get(campaigns.get(a.campaign_id), ""), str(a.version),
                     a.acknowledged_at.isoformat() if a.acknowledged_at else "", "", "yes", "tandem", ""])  # fmt: skip
    return rows


def csv_bytes(session: Session, principal: Principal | None) -> bytes:
    """Return the evidence as a formula-escaped CSV."""
    return write_csv(evidence_rows(session, principal), HEADER).encode("utf-8")


def pdf_bytes(session: Session, principal: Principal | None) -> bytes:
    """Return the evidence as a PDF: rates, departments, then every completion and acknowledgement."""
    rows = evidence_rows(session, principal)
    data = status.summary(session, principal)
    overall = data["overall"]
    summary = [
        ("Generated", utcnow().strftime("%Y-%m-%d %H:%M UTC")),
        ("Completion rate", f"{overall['rate']:.1%} ({overall['completed']} of {overall['assigned']})"),
        ("Overdue assignments", str(overall["overdue"])),
    ]
    by_program = [
        [p["name"], str(p["assigned"]), str(p["completed"]), str(p["overdue"]), f"{p['rate']:.1%}"]
        for p in data["programs"]
    ]
    depts = [(d["name"], round(d["rate"] * 100, 1)) for d in data["departments"]]
    acks = [
        [a["policy"].title, str(a["campaign"].version if a["campaign"] else ""),
         f"{a['acknowledged']} of {a['audience']}", f"{a['rate']:.1%}", "yes" if a["past_review"] else "no"]
        for a in policies.ack_status(session, principal)
    ]  # fmt: skip
    records = [[str(r[i]) for i in (0, 1, 3, 4, 5)] + [str(r[6])[:16], str(r[7]), str(r[8])]
               for r in rows[:PDF_ROW_LIMIT]]  # fmt: skip
    blocks: list[Block] = [
        KeyValues(summary),
        Heading("Completion by program"),
        Table(["Program", "Assigned", "Completed", "Overdue", "Rate"], by_program),
        BarChart("Completion rate by department (%)", depts),
        Heading("Policy acknowledgements"),
        Table(["Policy", "Version", "Acknowledged", "Rate", "Past review"], acks),
        Heading("Records"),
        Table(["Record", "Person", "Department", "Item", "Version", "Date", "Score", "Passed"], records),
    ]
    if len(rows) > PDF_ROW_LIMIT:
        blocks.append(Paragraph(f"{len(rows) - PDF_ROW_LIMIT} more records are in the CSV export."))
    return build_pdf("Security awareness training evidence", blocks, subtitle="Tandem training", landscape=True)
