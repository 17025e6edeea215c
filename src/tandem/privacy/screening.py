"""The DPIA pre-screen: WP248's nine criteria and the Art. 35(3) cases, derived from the processing record and
its data stores, with the organisation's answers for what the record cannot tell."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tandem.privacy.vocab import ART_35_3, CRITERIA, LARGE_SCALE_RECORDS, SENSITIVE, SPECIAL, VULNERABLE_SUBJECTS


def derived(categories: Sequence[str], subjects: Sequence[str], records: int, stores: int) -> dict[str, bool]:
    """Return the criteria the record itself answers (sensitive data, vulnerable subjects, scale, matching)."""
    return {
        "sensitive_data": bool(SENSITIVE & set(categories)),
        "vulnerable_subjects": bool(VULNERABLE_SUBJECTS & set(subjects)),
        "large_scale": records >= LARGE_SCALE_RECORDS,
        "matching": stores >= 2,
    }


def prescreen(
    categories: Sequence[str], subjects: Sequence[str], records: int, stores: int, answers: Mapping[str, Any]
) -> dict[str, Any]:
    """Return each criterion (value, whether derived or answered), the Art. 35(3) cases and the verdict."""
    auto = derived(categories, subjects, records, stores)
    criteria = []
    for key, label in CRITERIA.items():
        answer = answers.get(key)
        value = bool(answer) if answer is not None else auto.get(key, False)
        origin = "answered" if answer is not None else ("derived" if key in auto else "not answered")
        criteria.append({"key": key, "label": label, "met": value, "origin": origin})
    met = {c["key"] for c in criteria if c["met"]}
    special = bool(SPECIAL & set(categories))
    cases = {
        "a": {"evaluation", "automated_decision"} <= met,
        "b": "large_scale" in met and special,
        "c": "large_scale" in met and "systematic_monitoring" in met and bool(answers.get("public_area")),
    }
    mandatory = [ART_35_3[k] for k, hit in cases.items() if hit]
    required = bool(mandatory) or len(met) >= 2
    why = (
        f"{len(met)} of 9 WP248 criteria met"
        + (f"; {'; '.join(mandatory)}" if mandatory else "")
        + (" → a DPIA is likely required" if required else " → a DPIA is not indicated")
    )
    return {
        "criteria": criteria,
        "count": len(met),
        "art_35_3": mandatory,
        "dpia_required": required,
        "records": records,
        "stores": stores,
        "summary": why,
    }
