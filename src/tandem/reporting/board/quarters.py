"""Calendar quarters named like `2026Q4`: parsing, bounds and the current one."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tandem.platform.errors import InvalidInput

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter."""

    year: int
    number: int

    @property
    def label(self) -> str:
        """Return the canonical name, e.g. 2026Q4."""
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> dt.date:
        """Return the first day."""
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        """Return the last day."""
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    def previous(self) -> Quarter:
        """Return the quarter before this one."""
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)


def parse_quarter(text: str, where: str = "quarter") -> Quarter:
    """Parse `2026Q4` (or `2026-Q4`); a located InvalidInput otherwise."""
    match = _QUARTER.match(text or "")
    if match is None:
        raise InvalidInput.one(where, f"{text!r} is not a quarter; write it like 2026Q4")
    year = int(match.group(1))
    if not 2000 <= year <= 2100:
        raise InvalidInput.one(where, f"year {year} is outside 2000-2100")
    return Quarter(year, int(match.group(2)))


def quarter_of(day: dt.date) -> Quarter:
    """Return the quarter a day falls in."""
    return Quarter(day.year, (day.month - 1) // 3 + 1)
