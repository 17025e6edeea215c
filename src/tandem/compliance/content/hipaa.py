"""HIPAA Security Rule standards and implementation specifications (45 CFR 164.308-164.316).

Authored by Tandem from the public regulation text (a US Government work, public domain) and kept in
data/hipaa-security-rule.csv: citations, titles and the required/addressable flags follow the CFR and its
Appendix A to Subpart C; the summaries are our own paraphrases, not the regulation's wording. It reflects
the rule as amended in 2013; the 2025 proposal to drop the addressable distinction is not final.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal, cast

from tandem.platform.safety.csvsafe import read_csv
from tandem.platform.safety.errors import UnsafeInput

from .files import read_data

Kind = Literal["standard", "implementation"]
Requirement = Literal["required", "addressable"]
Safeguard = Literal["administrative", "physical", "technical", "organizational", "documentation"]
VERSION = "45 CFR Part 164 Subpart C (2013)"
DATA_FILE = "hipaa-security-rule.csv"
_COLUMNS = {"citation", "kind", "requirement", "safeguard", "title", "summary"}
_ALLOWED = {
    "kind": ("standard", "implementation"),
    "requirement": ("required", "addressable"),
    "safeguard": ("administrative", "physical", "technical", "organizational", "documentation"),
}


@dataclass(frozen=True, slots=True)
class HipaaItem:
    """A standard or implementation specification; standards themselves are always required."""

    citation: str
    title: str
    kind: Kind
    requirement: Requirement
    safeguard: Safeguard
    parent: str | None
    summary: str

    @property
    def id(self) -> str:
        """Return the citation as an id, e.g. `164.308(a)(1)(ii)(A)`."""
        return self.citation


def parse_security_rule(data: bytes, name: str = DATA_FILE) -> tuple[HipaaItem, ...]:
    """Parse the authored CSV; a specification's parent is the nearest standard above it."""
    items: list[HipaaItem] = []
    standard: str | None = None
    for line, row in enumerate(read_csv(data, name, required=_COLUMNS, allowed=_COLUMNS), start=2):
        for column, allowed in _ALLOWED.items():
            if row[column] not in allowed:
                raise UnsafeInput(f"{column} {row[column]!r} must be one of {', '.join(allowed)}", f"{name}:{line}")
        if row["kind"] == "standard":
            standard = row["citation"]
        items.append(
            HipaaItem(
                citation=row["citation"],
                title=row["title"],
                kind=cast(Kind, row["kind"]),
                requirement=cast(Requirement, row["requirement"]),
                safeguard=cast(Safeguard, row["safeguard"]),
                parent=None if row["kind"] == "standard" else standard,
                summary=row["summary"],
            )
        )
    return tuple(items)


@cache
def security_rule() -> tuple[HipaaItem, ...]:
    """Return every standard and implementation specification of the Security Rule, in CFR order."""
    return parse_security_rule(read_data(DATA_FILE))
