"""Training's automated control checks: completion of assigned training, policy acknowledgements and the
phishing click rate."""

from __future__ import annotations

import uuid
from typing import Any

from tandem.platform.checks import CheckOutcome, CheckParam, CheckRun, control_check
from tandem.training import repository as repo
from tandem.training import status
from tandem.training.models import AckCampaign, Policy

MAX_ROWS = 500
_ORDER = {"overdue": 0, "due": 1, "expiring": 2, "completed": 3}


def _units(run: CheckRun) -> list[uuid.UUID] | None:
    return None if run.unit_ids is None else list(run.unit_ids)


def _capped(summary: str, rows: list[list[Any]]) -> tuple[str, list[list[Any]]]:
    if len(rows) > MAX_ROWS:
        summary += f" (evidence shows the first {MAX_ROWS} of {len(rows)} rows, failing ones first)"
    return summary, rows[:MAX_ROWS]


@control_check(
    "training.completion_rate",
    "Security training completion",
    "Measures the share of current (open) training assignments that are completed and still valid, and passes "
    "when it reaches min_rate. Limit it to programs whose title contains `program`.",
    (
        CheckParam("min_rate", "float", 0.95, "the completion rate required (0–1)", minimum=0.0, maximum=1.0),
        CheckParam("program", "str", "", "only programs whose title contains this text (empty: all programs)"),
    ),
)
def completion_rate(run: CheckRun) -> CheckOutcome:
    """Check that the completion rate of current assignments is at least min_rate."""
    min_rate, program = float(run.params["min_rate"]), str(run.params["program"]).strip().lower()
    rows = [r for r in status.status_rows(run.session, _units(run), run.now.date())
            if program in r["program"].title.lower()]  # fmt: skip
    if not rows:
        return CheckOutcome(False, "no current training assignments in scope: nothing proves training happened")
    rate = status.rate(rows)
    rows.sort(key=lambda r: (_ORDER.get(r["status"], 9), r["assignment"].due_date, r["person"].full_name))
    evidence = [
        [r["person"].full_name, r["department"], r["program"].title, r["course"].title,
         r["assignment"].due_date.isoformat(), r["status"],
         r["completed_at"].date().isoformat() if r["completed_at"] else ""]
        for r in rows
    ]  # fmt: skip
    passed = rate["rate"] >= min_rate
    summary = (
        f"{rate['rate']:.1%} of {rate['assigned']} current assignments completed "
        f"({'meets' if passed else 'below'} {min_rate:.0%}; {rate['overdue']} overdue)"
    )
    summary, evidence = _capped(summary, evidence)
    columns = ["person", "department", "program", "course", "due", "status", "completed"]
    return CheckOutcome(passed, summary, columns, evidence, rate["assigned"], rate["assigned"] - rate["completed"],
                        rate["rate"])  # fmt: skip


@control_check(
    "training.policies_acknowledged",
    "Policies acknowledged by everyone in scope",
    "Looks at each policy's latest acknowledgement campaign: once its due date has passed, the share of the "
    "audience that acknowledged must reach min_rate; campaigns still running are shown but cannot fail yet.",
    (CheckParam("min_rate", "float", 1.0, "the acknowledgement rate required (0–1)", minimum=0.0, maximum=1.0),),
)
def policies_acknowledged(run: CheckRun) -> CheckOutcome:
    """Check that every policy's latest acknowledgement campaign past its due date reached min_rate."""
    min_rate, today = float(run.params["min_rate"]), run.now.date()
    policies = {p.id: p for p in repo.TrainingRepository(run.session, Policy).visible(None)}
    latest: dict[uuid.UUID, AckCampaign] = {}
    for campaign in repo.ack_campaigns_of(run.session, list(policies)):
        latest.setdefault(campaign.policy_id, campaign)
    failing: list[list[Any]] = []
    passing: list[list[Any]] = []
    lowest: float | None = None
    for campaign in latest.values():
        acks = repo.acks_of(run.session, [campaign.id], _units(run))
        if not acks:
            continue
        done = sum(1 for a in acks if a.acknowledged_at is not None)
        rate = done / len(acks)
        closed = campaign.due_date < today
        bad = closed and rate < min_rate
        state = ("below target" if bad else "met") if closed else "running"
        row = [policies[campaign.policy_id].title, campaign.version, campaign.due_date.isoformat(), len(acks), done,
               round(rate, 4), state]  # fmt: skip
        (failing if bad else passing).append(row)
        if closed:
            lowest = rate if lowest is None else min(lowest, rate)
    failing.sort(key=lambda r: r[5])
    passing.sort(key=lambda r: str(r[0]))
    total = len(failing) + len(passing)
    running = sum(1 for r in passing if r[6] == "running")
    if not total:
        summary = "no policy acknowledgement campaign in scope"
    elif failing:
        summary = (
            f"{len(failing)} of {total} policy campaigns past their due date are below {min_rate:.0%} acknowledged"
        )
    else:
        summary = (
            f"no policy campaign past its due date is below {min_rate:.0%} acknowledged "
            f"({total} campaigns, {running} still running)"
        )
    columns = ["policy", "version", "due", "audience", "acknowledged", "rate", "state"]
    summary, rows = _capped(summary, failing + passing)
    return CheckOutcome(not failing, summary, columns, rows, total, len(failing), lowest)


@control_check(
    "training.phishing_click_rate",
    "Phishing click rate under threshold",
    "Takes the most recently launched phishing simulation in scope and passes when the share of recipients who "
    "clicked is at most max_rate; earlier campaigns are shown for the trend.",
    (CheckParam("max_rate", "float", 0.10, "the highest acceptable click rate (0–1)", minimum=0.0, maximum=1.0),),
)
def phishing_click_rate(run: CheckRun) -> CheckOutcome:
    """Check that the latest phishing campaign's click rate is at most max_rate."""
    max_rate = float(run.params["max_rate"])
    campaigns = [
        c for c in repo.campaigns_in(run.session, _units(run)) if c.launched_at is None or c.launched_at <= run.now
    ]
    if not campaigns:
        return CheckOutcome(False, "no phishing simulation in scope: no click rate to measure")
    results = repo.results_of(run.session, [c.id for c in campaigns])
    measured: list[tuple[str, str, int, int, float]] = []
    for campaign in reversed(campaigns):  # newest first
        sent = [r for r in results if r.campaign_id == campaign.id and r.sent_at is not None]
        clicked = sum(1 for r in sent if r.clicked_at is not None or r.submitted_at is not None)
        launched = campaign.launched_at.date().isoformat() if campaign.launched_at else ""
        measured.append((campaign.name, launched, len(sent), clicked, round(clicked / len(sent), 4) if sent else 0.0))
    name, _, recipients, clicks, rate = measured[0]
    passed = recipients > 0 and rate <= max_rate
    summary = (
        f"latest simulation {name!r}: {rate:.1%} of {recipients} recipients clicked "
        f"({'within' if passed else 'above'} {max_rate:.0%})"
    )
    rows = [[*m, "latest" if n == 0 else "earlier"] for n, m in enumerate(measured)]
    summary, rows = _capped(summary, rows)
    columns = ["campaign", "launched", "recipients", "clicked", "click rate", "counts"]
    return CheckOutcome(passed, summary, columns, rows, recipients, clicks, rate)
