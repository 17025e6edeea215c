"""ISO/IEC 27001:2022 Annex A control identifiers only: titles and text are © ISO/IEC and not shipped.

Users bring their licensed copy (OSCAL catalog or the simple CSV/YAML format) to add titles and text;
these ids let mappings and assessments reference Annex A before that.
"""

from __future__ import annotations

from dataclasses import dataclass

VERSION = "ISO/IEC 27001:2022"
# Annex A themes and how many controls each has: organisational 37, people 8, physical 14, technological 34.
THEMES = (("A.5", "organizational", 37), ("A.6", "people", 8), ("A.7", "physical", 14), ("A.8", "technological", 34))


@dataclass(frozen=True, slots=True)
class AnnexAControl:
    """An Annex A control id (e.g. `A.8.24`) and its theme; no title by design."""

    id: str
    theme: str
    number: int


def annex_a() -> tuple[AnnexAControl, ...]:
    """Return the 93 Annex A control ids in order."""
    return tuple(
        AnnexAControl(id=f"{prefix}.{n}", theme=theme, number=n)
        for prefix, theme, count in THEMES
        for n in range(1, count + 1)
    )
