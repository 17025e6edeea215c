"""Inherent risk tier of a vendor from what it touches: data categories and volumes, network access,
and the criticality of the applications it provides. Every point is explained by a factor."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

TIERS = ("low", "medium", "high", "critical")
SPECIAL = frozenset({"health", "genetic", "biometric", "children", "criminal"})
SENSITIVE = frozenset({"government-id", "payment-card", "financial", "credentials"})
PERSONAL = frozenset({"contact", "identity", "location", "online-identifiers", "employment", "marketing"})
NETWORK_POINTS = {"none": 0, "remote": 1, "privileged": 3}
CLASS_POINTS = {"restricted": 2, "confidential": 1}
# Score thresholds of each tier, highest first.
THRESHOLDS = (("critical", 7), ("high", 4), ("medium", 2))


@dataclass(frozen=True)
class Exposure:
    """What a vendor can reach and provides, as the tiering sees it."""

    categories: frozenset[str] = frozenset()
    records: int = 0
    network_access: str = "none"
    app_classifications: tuple[str, ...] = ()
    app_availability: tuple[int, ...] = ()


@dataclass(frozen=True)
class Tiering:
    """The computed tier, its score and the factors that made it."""

    tier: str
    score: int
    factors: list[tuple[str, int]] = field(default_factory=list)


def _data_factors(categories: Iterable[str], records: int) -> list[tuple[str, int]]:
    cats = set(categories)
    out: list[tuple[str, int]] = []
    if special := sorted(cats & SPECIAL):
        out.append((f"special-category data ({', '.join(special)})", 3))
    if sensitive := sorted(cats & SENSITIVE):
        out.append((f"sensitive personal data ({', '.join(sensitive)})", 2))
    elif cats & PERSONAL:
        out.append(("personal data", 1))
    if records >= 1_000_000:
        out.append((f"{records:,} records reachable (≥ 1 million)", 2))
    elif records >= 100_000:
        out.append((f"{records:,} records reachable (≥ 100,000)", 1))
    return out


def _app_factors(classifications: Iterable[str], availability: Iterable[int]) -> list[tuple[str, int]]:
    best = max((CLASS_POINTS.get(c, 0) for c in classifications), default=0)
    out: list[tuple[str, int]] = []
    if best:
        label = "restricted" if best == 2 else "confidential"
        out.append((f"provides {label} applications", best))
    if max(availability, default=0) >= 4:
        out.append(("provides an application with the highest availability need", 1))
    return out


def tier_of(exposure: Exposure) -> Tiering:
    """Return the inherent tier of an exposure with the factors behind it."""
    factors = _data_factors(exposure.categories, exposure.records)
    points = NETWORK_POINTS.get(exposure.network_access, 0)
    if points:
        factors.append((f"{exposure.network_access} network access", points))
    factors += _app_factors(exposure.app_classifications, exposure.app_availability)
    score = sum(p for _, p in factors)
    tier = next((name for name, minimum in THRESHOLDS if score >= minimum), "low")
    return Tiering(tier, score, factors)


def residual_of(tier: str, score_pct: float | None, open_findings: int) -> str:
    """Return the residual rating: the tier lowered by a good assessment, raised by a poor one or open findings."""
    index = TIERS.index(tier)
    if score_pct is None:
        return tier
    if score_pct >= 85 and open_findings == 0:
        index -= 1
    elif score_pct < 60 or open_findings >= 5:
        index += 1
    return TIERS[min(max(index, 0), len(TIERS) - 1)]
