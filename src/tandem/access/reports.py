"""Campaign evidence (CSV and PDF) and reminder e-mails to reviewers with pending items."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.access import campaigns
from tandem.access import repository as repo
from tandem.access.models import Account, Campaign, Entitlement, Identity, ReviewItem, System
from tandem.platform.auth.principal import Principal
from tandem.platform.documents.pdf import BarChart, Heading, KeyValues, Paragraph, Table, build_pdf
from tandem.platform.mail import send_mail
from tandem.platform.safety.csvsafe import write_csv

HEADER = [
    "item_id",
    "identity",
    "account",
    "system",
    "entitlement",
    "flags",
    "reviewer",
    "decision",
    "comment",
    "decided_by",
    "decided_at",
    "escalated",
    "remediation",
]
CONTROLS = "HIPAA 164.308(a)(4) information access management; NIST SP 800-53 AC-2 account management"


def _rows(session: Session, principal: Principal | None, campaign_id: uuid.UUID) -> list[list[str]]:
    items = campaigns.items(session, principal, campaign_id)
    accounts = repo.by_ids(session, Account, [i.account_id for i in items])
    ents = repo.by_ids(session, Entitlement, [i.entitlement_id for i in items])
    systems = repo.by_ids(session, System, [a.system_id for a in accounts.values()])
    idents = repo.by_ids(session, Identity, [i.identity_id for i in items if i.identity_id])
    tasks = {t.item_id: t.status for t in campaigns.tasks_of(session, principal, campaign_id)}
    out = []
    for i in items:
        acc, ent = accounts.get(i.account_id), ents.get(i.entitlement_id)
        ident = idents.get(i.identity_id) if i.identity_id else None
        out.append(
            [
                str(i.id),
                ident.display_name if ident else "(uncorrelated)",
                acc.username or acc.external_id if acc else "",
                systems[acc.system_id].name if acc else "",
                ent.name if ent else "",
                "; ".join(i.flags),
                i.reviewer_label,
                i.decision or "pending",
                i.comment,
                i.decided_by,
                i.decided_at.strftime("%Y-%m-%d %H:%M") if i.decided_at else "",
                "yes" if i.escalated else "",
                tasks.get(i.id, ""),
            ]
        )
    return out


def report_csv(session: Session, principal: Principal | None, campaign_id: uuid.UUID) -> str:
    """Return the campaign's items and decisions as formula-safe CSV."""
    return write_csv(_rows(session, principal, campaign_id), HEADER)


def report_pdf(session: Session, principal: Principal | None, campaign_id: uuid.UUID) -> bytes:
    """Return the campaign report as PDF: scope, progress, decisions per reviewer, every item."""
    campaign = campaigns.get_campaign(session, principal, campaign_id)
    state = campaigns.status(session, principal, campaign_id)
    rows = _rows(session, principal, campaign_id)
    scope = campaign.scope or {}
    blocks: list[Any] = [
        KeyValues(
            [
                ("Status", campaign.status),
                ("Due date", campaign.due_date.isoformat()),
                ("Reviewers", campaign.reviewer.replace("_", " ")),
                ("Non-response", campaign.non_response),
                ("Data categories", ", ".join(scope.get("data_categories", [])) or "all"),
                ("Items", str(state["total"])),
                ("Decided", f"{state['decided']} ({state['progress']:.0%})"),
                ("Remediation", f"{state['remediation']['verified']} verified, {state['remediation']['open']} open"),
                ("Created by", campaign.created_by),
            ]
        ),
        Paragraph(f"Evidence for {CONTROLS}."),
        BarChart(
            "Decisions", [(k, float(v)) for k, v in state["decisions"].items()] + [("pending", float(state["pending"]))]
        ),
        Heading("Progress per reviewer"),
        Table(
            ["Reviewer", "Items", "Decided", "Flagged"],
            [[r["reviewer"], str(r["total"]), str(r["decided"]), str(r["flagged"])] for r in state["reviewers"]],
        ),
        Heading("Items"),
        Table(
            ["Identity", "Account", "System", "Entitlement", "Flags", "Decision", "By", "Comment"],
            [[r[1], r[2], r[3], r[4], r[5], r[7], r[9], r[8][:80]] for r in rows[:2000]],
        ),
    ]
    return build_pdf(f"Access review: {campaign.name}", blocks, subtitle="Tandem access review report", landscape=True)


def send_reminders(session: Session, today: dt.date | None = None) -> int:
    """E-mail reviewers with pending items when a reminder day arrives; apply the policy once overdue."""
    today = today or dt.date.today()
    sent = 0
    for campaign in session.scalars(select(Campaign).where(Campaign.status == "active")):
        days_left = (campaign.due_date - today).days
        if days_left < 0:
            campaigns.apply_non_response(session, campaign)
            continue
        due = [d for d in campaign.reminder_days if d >= days_left and d not in (campaign.reminders_sent or [])]
        if not due:
            continue
        campaign.reminders_sent = sorted({*(campaign.reminders_sent or []), *due})
        sent += _remind(session, campaign, days_left)
    session.flush()
    return sent


def _remind(session: Session, campaign: Campaign, days_left: int) -> int:
    pending: dict[uuid.UUID, int] = {}
    for item in session.scalars(
        select(ReviewItem).where(ReviewItem.campaign_id == campaign.id, ReviewItem.decision == "")
    ):
        if item.reviewer_id:
            pending[item.reviewer_id] = pending.get(item.reviewer_id, 0) + 1
    sent = 0
    for ident_id, count in pending.items():
        ident = session.get(Identity, ident_id)
        if ident is None or not ident.email:
            continue
        body = (
            f"Hello {ident.display_name},\n\nYou have {count} access review item(s) waiting in "
            f"“{campaign.name}”, due {campaign.due_date.isoformat()} ({days_left} day(s) left).\n"
            f"Open Tandem → Access → Reviews to keep, reduce or revoke them.\n"
        )
        sent += bool(send_mail([ident.email], f"Access review due in {days_left} day(s): {campaign.name}", body))
    return sent
