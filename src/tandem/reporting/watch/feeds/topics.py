"""Which regulations and frameworks an item touches, read from its text and CFR references."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .items import CfrRef

# Topic → what in an item's text names it. Kept to citations and names that are hard to mistake.
_TEXT: dict[str, re.Pattern[str]] = {
    "HIPAA": re.compile(
        r"\bHIPAA\b|Health Insurance Portability and Accountability|45 CFR (?:parts? )?16[024]\b|"
        r"\bprotected health information\b",
        re.IGNORECASE,
    ),
    "GDPR": re.compile(r"\bGDPR\b|General Data Protection Regulation|\b2016/679\b|\b32016R0679\b", re.IGNORECASE),
    "NIS2": re.compile(r"\bNIS ?2\b|\b2022/2555\b|\b32022L2555\b", re.IGNORECASE),
    "DORA": re.compile(r"\bDORA\b|Digital Operational Resilience|\b2022/2554\b|\b32022R2554\b", re.IGNORECASE),
    "NIST SP 800-53": re.compile(r"\b(?:SP )?800-53[AB]?\b"),
    "NIST CSF": re.compile(r"\bCybersecurity Framework\b|\bCSF(?: 2\.0)?\b"),
    "ISO 27001": re.compile(r"\bISO(?:/IEC)? 27001\b"),
}
# CFR title 45 parts 160, 162 and 164 are the HIPAA Administrative Simplification rules.
_CFR: dict[tuple[int, int], str] = {(45, 160): "HIPAA", (45, 162): "HIPAA", (45, 164): "HIPAA"}
EU_TOPICS = frozenset({"GDPR", "NIS2", "DORA"})


def detect_topics(texts: Iterable[str], cfr_refs: Iterable[CfrRef] = ()) -> tuple[str, ...]:
    """Return the topics named by the texts or implied by the CFR references, in a stable order."""
    found = {_CFR[(ref.title, ref.part)] for ref in cfr_refs if (ref.title, ref.part) in _CFR}
    joined = "\n".join(t for t in texts if t)
    found.update(topic for topic, pattern in _TEXT.items() if pattern.search(joined))
    return tuple(t for t in _TEXT if t in found)


def framework_topics(key: str, name: str) -> tuple[str, ...]:
    """Return the topics a compliance framework (library key and name) stands for."""
    text = f"{key} {name}".lower()
    rules = (
        ("HIPAA", ("hipaa",)),
        ("GDPR", ("gdpr", "general data protection")),
        ("NIS2", ("nis2", "nis 2")),
        ("DORA", ("dora", "digital operational resilience")),
        ("NIST SP 800-53", ("800-53",)),
        ("NIST CSF", ("nist-csf", "cybersecurity framework", "csf")),
        ("ISO 27001", ("27001",)),
    )
    return tuple(topic for topic, needles in rules if any(n in text for n in needles))
