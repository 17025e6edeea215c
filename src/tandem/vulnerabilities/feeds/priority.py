"""Prioritisation: KEV membership first (ransomware use, then due date), then EPSS percentile, then CVSS."""

from __future__ import annotations

from dataclasses import dataclass

from .epss import EpssScore
from .kev import KevEntry

# EPSS percentile from which a finding is "likely exploited soon"; CVSS from which it is "severe".
EPSS_HIGH_PERCENTILE = 0.90
CVSS_HIGH = 7.0


@dataclass(frozen=True, slots=True)
class Priority:
    """A tier (1 = KEV, 2 = high EPSS, 3 = high CVSS, 4 = the rest) and a total sort key within tiers."""

    tier: int
    label: str
    sort_key: tuple[int, int, str, float, float]


def prioritise(kev: KevEntry | None, epss: EpssScore | None, cvss: float | None) -> Priority:
    """Rank one finding the way the notes recommend: KEV → EPSS percentile → CVSS."""
    percentile = epss.percentile if epss else -1.0
    score = cvss if cvss is not None else -1.0
    if kev is not None:
        tier, label = 1, "KEV (ransomware)" if kev.ransomware else "KEV"
    elif epss is not None and epss.percentile >= EPSS_HIGH_PERCENTILE:
        tier, label = 2, f"EPSS {epss.percentile:.0%} percentile"
    elif cvss is not None and cvss >= CVSS_HIGH:
        tier, label = 3, f"CVSS {cvss:.1f}"
    else:
        tier, label = 4, "other"
    ransomware_first = 0 if kev is not None and kev.ransomware else 1
    due = kev.due_date if kev is not None else "9999-12-31"
    return Priority(tier, label, (tier, ransomware_first, due, -percentile, -score))
