"""Phishing-simulation metrics: rates per campaign or department, time to first report, repeat clickers."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Outcome:
    """What one recipient did with one campaign's e-mail."""

    campaign: Hashable
    person: str  # a stable key: the e-mail address
    department: str
    sent_at: dt.datetime | None
    opened_at: dt.datetime | None
    clicked_at: dt.datetime | None
    submitted_at: dt.datetime | None
    reported_at: dt.datetime | None

    @property
    def clicked(self) -> bool:
        """Return whether the link was clicked (submitting data implies a click)."""
        return self.clicked_at is not None or self.submitted_at is not None


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def metrics(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Return counts, rates and report timing for a set of outcomes (a campaign or a department)."""
    sent = [o for o in outcomes if o.sent_at is not None]
    n = len(sent)
    clicked = sum(1 for o in sent if o.clicked)
    reported = [o for o in sent if o.reported_at is not None]
    delays = [(o.reported_at - o.sent_at).total_seconds() / 60 for o in reported if o.reported_at and o.sent_at]
    first_sent = min((o.sent_at for o in sent if o.sent_at), default=None)
    first_report = min((o.reported_at for o in reported if o.reported_at), default=None)
    first = (first_report - first_sent).total_seconds() / 60 if first_report and first_sent else None
    return {
        "recipients": n,
        "opened": sum(1 for o in sent if o.opened_at is not None or o.clicked),
        "clicked": clicked,
        "submitted": sum(1 for o in sent if o.submitted_at is not None),
        "reported": len(reported),
        "click_rate": _rate(clicked, n),
        "submit_rate": _rate(sum(1 for o in sent if o.submitted_at is not None), n),
        "report_rate": _rate(len(reported), n),
        "minutes_to_first_report": None if first is None else round(max(first, 0.0), 1),
        "median_minutes_to_report": round(statistics.median(delays), 1) if delays else None,
    }


def by_department(outcomes: Iterable[Outcome]) -> dict[str, dict[str, Any]]:
    """Return metrics per department (empty department as "(unknown)"), sorted by name."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[o.department or "(unknown)"].append(o)
    return {dept: metrics(groups[dept]) for dept in sorted(groups)}


def repeat_clickers(outcomes: Iterable[Outcome], min_campaigns: int = 2) -> dict[str, int]:
    """Return person → number of campaigns they clicked in, for those who clicked in at least min_campaigns."""
    clicked: dict[str, set[Hashable]] = defaultdict(set)
    for o in outcomes:
        if o.clicked:
            clicked[o.person].add(o.campaign)
    return {p: len(c) for p, c in sorted(clicked.items()) if len(c) >= min_campaigns}
