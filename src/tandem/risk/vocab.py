"""Fixed vocabularies and the defaults an organisation starts from (taxonomy, matrix, appetite)."""

from __future__ import annotations

from typing import Any

LOSS_TYPES = ("productivity", "response", "replacement", "fines_and_judgements", "competitive_advantage", "reputation")
STATUSES = ("identified", "assessed", "treated", "accepted", "closed")
TREATMENT_KINDS = ("mitigate", "transfer", "avoid", "accept")
TREATMENT_STATUSES = ("proposed", "planned", "in-progress", "implemented", "accepted", "rejected", "expired")
TAXONOMY_KINDS = ("threat_community", "threat_event")

DEFAULT_TAXONOMY: dict[str, tuple[str, ...]] = {
    "threat_community": (
        "Cyber criminals",
        "Nation-state actors",
        "Hacktivists",
        "Malicious insiders",
        "Careless insiders",
        "Third parties and vendors",
        "Natural and environmental",
        "System and process failure",
    ),
    "threat_event": (
        "Ransomware",
        "Data exfiltration",
        "Business e-mail compromise",
        "Credential theft",
        "Misconfiguration exposure",
        "Unauthorised access (snooping)",
        "Denial of service",
        "Fraud",
        "Outage",
        "Lost or stolen device",
    ),
}

DEFAULT_LIKELIHOOD = ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]
DEFAULT_IMPACT = ["Negligible", "Minor", "Moderate", "Major", "Severe"]
DEFAULT_LEVELS = [
    {"key": "low", "label": "Low", "colour": "#2e7d32"},
    {"key": "medium", "label": "Medium", "colour": "#f9a825"},
    {"key": "high", "label": "High", "colour": "#ef6c00"},
    {"key": "critical", "label": "Critical", "colour": "#c62828"},
]
# Default tolerance: a 10 % chance of losing 1 M a year is acceptable, 1 % of 10 M, 0.1 % of 50 M.
DEFAULT_TOLERANCE = [[100_000.0, 0.5], [1_000_000.0, 0.1], [10_000_000.0, 0.01], [50_000_000.0, 0.001]]


def default_cells(rows: int = 5, cols: int = 5) -> list[list[str]]:
    """Return the classic matrix: level by likelihood × impact score (rows likelihood 1..n, cols impact 1..m)."""
    out = []
    for li in range(1, rows + 1):
        row = []
        for im in range(1, cols + 1):
            score = li * im * 25 / (rows * cols)
            row.append("low" if score < 4 else "medium" if score < 9 else "high" if score < 15 else "critical")
        out.append(row)
    return out


def default_matrix() -> dict[str, Any]:
    """Return the default 5×5 matrix with its appetite and tolerance curve."""
    return {
        "likelihood_labels": list(DEFAULT_LIKELIHOOD),
        "impact_labels": list(DEFAULT_IMPACT),
        "levels": [dict(level) for level in DEFAULT_LEVELS],
        "cells": default_cells(),
        "appetite_level": "medium",
        "tolerance": [list(p) for p in DEFAULT_TOLERANCE],
    }
