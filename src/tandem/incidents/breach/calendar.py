"""Deadlines: ISO 8601 durations added in calendar time or in business days (weekends, US federal holidays)."""

from __future__ import annotations

import calendar as _cal
import datetime as dt
import functools
import re
from dataclasses import dataclass

DURATION = re.compile(r"^P(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")
CALENDARS = ("calendar", "business", "business-us")


@dataclass(frozen=True)
class Duration:
    """A deadline length: months, days and hours (weeks fold into days)."""

    months: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0

    @property
    def iso(self) -> str:
        """Return the ISO 8601 text."""
        date = f"{self.months}M" * bool(self.months) + f"{self.days}D" * bool(self.days)
        time = f"{self.hours}H" * bool(self.hours) + f"{self.minutes}M" * bool(self.minutes)
        return "P" + date + (f"T{time}" if time else "") if date or time else "PT0H"


def parse_duration(text: str) -> Duration:
    """Parse `PT72H`, `P30D`, `P1M`, `P2W`; raise ValueError otherwise."""
    m = DURATION.match(text.strip().upper())
    if m is None or text.strip().upper() in ("P", "PT"):
        raise ValueError(f"{text!r} is not an ISO 8601 duration such as PT72H, P30D or P1M")
    months, weeks, days, hours, minutes = (int(g) if g else 0 for g in m.groups())
    return Duration(months, days + 7 * weeks, hours, minutes)


def add_months(when: dt.datetime, months: int) -> dt.datetime:
    """Return the same day `months` later (clamped to the month's last day: 31 Jan + 1 month = 28/29 Feb)."""
    index = when.month - 1 + months
    year, month = when.year + index // 12, index % 12 + 1
    return when.replace(year=year, month=month, day=min(when.day, _cal.monthrange(year, month)[1]))


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    if n > 0:
        return first + dt.timedelta(days=offset + 7 * (n - 1))
    last = dt.date(year, month, _cal.monthrange(year, month)[1])
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: dt.date) -> dt.date:
    if day.weekday() == 5:
        return day - dt.timedelta(days=1)
    if day.weekday() == 6:
        return day + dt.timedelta(days=1)
    return day


@functools.lru_cache(maxsize=256)
def us_federal_holidays(year: int) -> frozenset[dt.date]:
    """Return the observed US federal holidays of a year (5 U.S.C. 6103)."""
    mon, thu = 0, 3
    fixed = [
        dt.date(year, 1, 1),
        dt.date(year, 6, 19),
        dt.date(year, 7, 4),
        dt.date(year, 11, 11),
        dt.date(year, 12, 25),
    ]
    moving = [
        _nth_weekday(year, 1, mon, 3),
        _nth_weekday(year, 2, mon, 3),
        _nth_weekday(year, 5, mon, -1),
        _nth_weekday(year, 9, mon, 1),
        _nth_weekday(year, 10, mon, 2),
        _nth_weekday(year, 11, thu, 4),
    ]
    days = {_observed(d) for d in fixed} | set(moving)
    if dt.date(year + 1, 1, 1).weekday() == 5:  # next New Year's Day is observed on this year's 31 December
        days.add(dt.date(year, 12, 31))
    return frozenset(days)


def is_business_day(day: dt.date, calendar: str) -> bool:
    """Return whether `day` counts as a business day in the calendar."""
    if day.weekday() >= 5:
        return False
    return not (calendar == "business-us" and day in us_federal_holidays(day.year))


def add_deadline(start: dt.datetime, duration: Duration, calendar: str = "calendar") -> dt.datetime:
    """Return start + duration; in business calendars, the end of the Nth business day after start's date.

    Business deadlines end at midnight after the Nth business day so that a later start never gives an earlier
    deadline (a Saturday 09:00 start and a Friday 17:00 start both end with Thursday).
    """
    if calendar not in CALENDARS:
        raise ValueError(f"unknown calendar {calendar!r}")
    if calendar == "calendar":
        moved = add_months(start, duration.months) if duration.months else start
        return moved + dt.timedelta(days=duration.days, hours=duration.hours, minutes=duration.minutes)
    if duration.months or duration.hours or duration.minutes:
        raise ValueError("business-day deadlines are whole days (P4D)")
    day, left = start.date(), duration.days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_business_day(day, calendar):
            left -= 1
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=start.tzinfo)
    return end
