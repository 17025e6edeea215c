"""Score questionnaire answers per section and overall; "no" answers to weighted questions become findings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

ANSWERS = ("yes", "no", "n/a")


def score(questions: Sequence[Mapping[str, Any]], answers: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Return {"sections": {name: pct | None}, "overall": pct | None, "answered": n, "total": n}.

    Only yes/no questions with a weight count; "n/a" and unanswered questions are left out of the denominator,
    and a section with nothing scorable has no score (None), not zero.
    """
    got: dict[str, float] = {}
    possible: dict[str, float] = {}
    answered = 0
    for q in questions:
        answer = str((answers.get(q["id"]) or {}).get("answer", "")).lower()
        if answer:
            answered += 1
        section = str(q.get("section", "General"))
        got.setdefault(section, 0.0)
        possible.setdefault(section, 0.0)
        if q.get("kind", "yes_no") != "yes_no" or answer not in ("yes", "no") or not q.get("weight", 1):
            continue
        weight = float(q.get("weight", 1))
        possible[section] += weight
        got[section] += weight if answer == "yes" else 0.0
    sections = {s: (round(100 * got[s] / possible[s], 1) if possible[s] else None) for s in possible}
    total_possible = sum(possible.values())
    overall = round(100 * sum(got.values()) / total_possible, 1) if total_possible else None
    return {"sections": sections, "overall": overall, "answered": answered, "total": len(questions)}


def gaps(questions: Sequence[Mapping[str, Any]], answers: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Return the questions answered "no", with the severity their weight implies (3 high, 2 medium, 1 low)."""
    out = []
    for q in questions:
        answer = str((answers.get(q["id"]) or {}).get("answer", "")).lower()
        if q.get("kind", "yes_no") == "yes_no" and answer == "no" and q.get("weight", 1):
            severity = {3: "high", 2: "medium"}.get(int(q.get("weight", 1)), "low")
            if int(q.get("weight", 1)) > 3:
                severity = "critical"
            out.append({"question_id": q["id"], "section": q.get("section", ""), "text": q["text"],
                        "severity": severity, "controls": list(q.get("controls", []))})  # fmt: skip
    return out
