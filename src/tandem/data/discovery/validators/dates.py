"""Date parsing for birth dates: numeric and month-name forms, with a plausible year range."""

from __future__ import annotations

import datetime as dt
import re
import time
from functools import lru_cache

_MONTHS = {
    name: index
    for index, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
MONTH_WORD = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# Every form a birth date is written in that we accept; used for forward search after a cue.
DATE_PATTERN = re.compile(
    r"(?<![\w/.-])(?:"
    r"(?P<y1>\d{4})[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})"
    r"|(?P<a2>\d{1,2})[-/.](?P<b2>\d{1,2})[-/.](?P<y2>\d{4}|\d{2})"
    rf"|(?P<mw3>{MONTH_WORD})\.?\s(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?,?\s(?P<y3>\d{{4}})"
    rf"|(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?[\s-](?:of\s)?(?P<mw4>{MONTH_WORD})\.?,?[\s-](?P<y4>\d{{4}})"
    r")(?![\w/-]|\.\d)",
    re.IGNORECASE,
)
_MIN_YEAR = 1900


@lru_cache(maxsize=1)
def _today(second: int) -> dt.date:
    # `date.today()` converts the clock to local time on every call; once a second is enough.
    return dt.date.today()


def _valid(year: int, month: int, day: int) -> bool:
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return False
    return year >= _MIN_YEAR and born <= _today(int(time.time()))


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        # Two-digit birth years are in the past: 45 means 1945, 07 means 2007.
        this_year = dt.date.today().year % 100
        year += 2000 if year <= this_year else 1900
    return year


def _from_match(match: re.Match[str]) -> bool:
    if match["y1"]:
        return _valid(int(match["y1"]), int(match["m1"]), int(match["d1"]))
    if match["y2"]:
        year, first, second = _full_year(match["y2"]), int(match["a2"]), int(match["b2"])
        # Month-first (US) or day-first (most of the world): either reading makes it a date.
        return _valid(year, first, second) or _valid(year, second, first)
    word = match["mw3"] or match["mw4"]
    month = _MONTHS.get(word.lower().rstrip("."), 0)
    day = int(match["d3"] or match["d4"])
    return _valid(int(match["y3"] or match["y4"]), month, day)


def parse_birth_date(value: str) -> bool:
    """Return whether the whole of `value` is a real, past date written in a common form."""
    match = DATE_PATTERN.fullmatch(value.strip())
    return match is not None and _from_match(match)


def find_birth_date(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Return the span of the first valid date in text[start:end], if any."""
    for match in DATE_PATTERN.finditer(text, start, end):
        if _from_match(match):
            return match.start(), match.end()
    return None
