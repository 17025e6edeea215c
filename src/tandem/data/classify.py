"""Suggest a data store's data categories and classification from the entity types a scan found (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# Entity type -> inventory data categories (tandem.inventory.vocab.DATA_CATEGORIES codes).
TYPE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "US_SSN": ("government-id",),
    "US_ITIN": ("government-id",),
    "US_PASSPORT": ("government-id",),
    "US_DRIVER_LICENSE": ("government-id",),
    "CREDIT_CARD": ("payment-card", "financial"),
    "IBAN": ("financial",),
    "MEDICAL_RECORD_NUMBER": ("health",),
    "PERSON": ("identity",),
    "DATE_OF_BIRTH": ("identity",),
    "EMAIL": ("contact",),
    "PHONE": ("contact",),
    "IP_ADDRESS": ("online-identifiers",),
    "AWS_ACCESS_KEY_ID": ("credentials",),
    "AWS_SECRET_ACCESS_KEY": ("credentials",),
    "GITHUB_TOKEN": ("credentials",),
    "PRIVATE_KEY": ("credentials",),
    "JWT": ("credentials",),
    "SECRET": ("credentials",),
}
RESTRICTED = frozenset({"government-id", "payment-card", "financial", "health", "credentials", "genetic", "biometric"})
CONFIDENTIAL = frozenset({"identity", "contact", "online-identifiers", "employment", "location"})
LEVELS = ("public", "internal", "confidential", "restricted")


@dataclass
class Suggestion:
    """Categories and classification a scan's findings call for, with the reason for each category."""

    data_categories: list[str]
    classification: str
    reasons: dict[str, list[str]] = field(default_factory=dict)
    phi: bool = False


def categories_for(types: Iterable[str]) -> dict[str, list[str]]:
    """Map entity types to data categories, each with the types that put it there."""
    out: dict[str, list[str]] = {}
    for entity in sorted(set(types)):
        for category in TYPE_CATEGORIES.get(entity, ()):
            out.setdefault(category, []).append(entity)
    return out


def suggest(
    type_counts: Mapping[str, int], cooccurring: Iterable[Iterable[str]] = (), current: str = "internal"
) -> Suggestion:
    """Return the categories and the (never lower than current) classification the findings call for.

    Health data becomes PHI when it sits beside an identifier in the same row or document (HIPAA's
    "individually identifiable"); a person's name beside contact details is contact data.
    """
    reasons = categories_for(t for t, n in type_counts.items() if n)
    phi = False
    for combo in cooccurring:
        kinds = set(combo)
        if "MEDICAL_RECORD_NUMBER" in kinds and kinds & {"PERSON", "DATE_OF_BIRTH", "US_SSN", "EMAIL", "PHONE"}:
            phi = True
        if "PERSON" in kinds and kinds & {"EMAIL", "PHONE"}:
            reasons.setdefault("contact", [])
            if "PERSON+contact" not in reasons["contact"]:
                reasons["contact"].append("PERSON+contact")
    categories = sorted(reasons)
    level = "internal"
    if set(categories) & CONFIDENTIAL:
        level = "confidential"
    if set(categories) & RESTRICTED:
        level = "restricted"
    if current in LEVELS and LEVELS.index(current) > LEVELS.index(level):
        level = current
    return Suggestion(categories, level, reasons, phi)
