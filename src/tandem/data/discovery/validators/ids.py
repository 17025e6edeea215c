"""US identifier checks: SSN/ITIN ranges, passport, driver's licence state formats, medical record numbers."""

from __future__ import annotations

import re

# Numbers published in advertising or otherwise known never to be issued.
_RETIRED_SSNS = frozenset({"078051120", "219099999", "123456789"})
_ITIN_GROUPS = frozenset([*range(50, 66), *range(70, 89), 90, 91, 92, *range(94, 100)])

# Driver's licence formats of the states, from AAMVA-published patterns (a representative subset plus a
# generic fallback for states not listed).
_DL_FORMATS: dict[str, re.Pattern[str]] = {
    state: re.compile(pattern)
    for state, pattern in {
        "AL": r"\d{7,8}", "AK": r"\d{7}", "AZ": r"[A-Z]\d{8}|\d{9}", "AR": r"\d{8,9}", "CA": r"[A-Z]\d{7}",
        "CO": r"\d{9}|[A-Z]\d{3,6}|[A-Z]{2}\d{2,5}", "CT": r"\d{9}", "DE": r"\d{1,7}", "DC": r"\d{7}|\d{9}",
        "FL": r"[A-Z]\d{12}", "GA": r"\d{7,9}", "HI": r"[A-Z]\d{8}|\d{9}", "ID": r"[A-Z]{2}\d{6}[A-Z]|\d{9}",
        "IL": r"[A-Z]\d{11,12}", "IN": r"[A-Z]\d{9}|\d{9,10}", "IA": r"\d{9}|\d{3}[A-Z]{2}\d{4}",
        "KS": r"[A-Z]\d[A-Z]\d[A-Z]|[A-Z]\d{8}|\d{9}", "KY": r"[A-Z]\d{8,9}|\d{9}", "LA": r"\d{1,9}",
        "ME": r"\d{7}[A-Z]?|\d{8}", "MD": r"[A-Z]\d{12}", "MA": r"[A-Z]\d{8}|\d{9}",
        "MI": r"[A-Z]\d{10}|[A-Z]\d{12}", "MN": r"[A-Z]\d{12}", "MS": r"\d{9}", "MO": r"[A-Z]\d{5,9}|\d{8,10}",
        "MT": r"[A-Z]\d{8}|\d{9}|\d{13,14}", "NE": r"[A-Z]\d{6,8}", "NV": r"\d{9,10}|\d{12}|X\d{8}",
        "NH": r"\d{2}[A-Z]{3}\d{5}", "NJ": r"[A-Z]\d{14}", "NM": r"\d{8,9}",
        "NY": r"\d{8,9}|\d{16}|[A-Z]\d{7}|[A-Z]\d{18}|[A-Z]{8}", "NC": r"\d{1,12}", "ND": r"[A-Z]{3}\d{6}|\d{9}",
        "OH": r"[A-Z]{2}\d{6}|[A-Z]\d{4,8}|\d{8}", "OK": r"[A-Z]\d{9}|\d{9}", "OR": r"\d{1,9}|[A-Z]\d{6}",
        "PA": r"\d{8}", "RI": r"\d{7}|V\d{6}", "SC": r"\d{5,11}", "SD": r"\d{6,10}|\d{12}",
        "TN": r"\d{7,9}", "TX": r"\d{7,8}", "UT": r"\d{4,10}", "VT": r"\d{8}|\d{7}A", "VA": r"[A-Z]\d{8,11}|\d{9}",
        "WA": r"[A-Z*]{1,7}[A-Z0-9*]{5,11}", "WV": r"\d{7}|[A-Z]{1,2}\d{5,6}", "WI": r"[A-Z]\d{13}",
        "WY": r"\d{9,10}",
    }.items()
}  # fmt: skip
US_STATES = frozenset(_DL_FORMATS)
_DL_GENERIC = re.compile(r"[A-Z]{0,3}\d{5,14}|[A-Z0-9]{4,6}\d{4,8}")
_PASSPORT = re.compile(r"[A-Z]?\d{8}|\d{9}")
_MRN = re.compile(r"(?:[A-Z]{1,4}[-:]?)?\d{5,12}")


def ssn_ok(area: str, group: str, serial: str) -> bool:
    """Apply the SSA rules: area 001–899 except 666, group 01–99, serial 0001–9999."""
    if area == "000" or area == "666" or area[0] == "9" or group == "00" or serial == "0000":
        return False
    return area + group + serial not in _RETIRED_SSNS


def itin_ok(area: str, group: str) -> bool:
    """Return whether a 9xx number has an IRS ITIN group (50–65, 70–88, 90–92, 94–99)."""
    return area[0] == "9" and int(group) in _ITIN_GROUPS


def is_ssn(value: str) -> bool:
    """Return whether `value` (9 digits, optionally split 3-2-4 by one separator) is a valid SSN."""
    digits = value.replace("-", "").replace(" ", "")
    if len(digits) != 9 or not digits.isdigit() or digits.count(digits[0]) == 9:
        return False
    return ssn_ok(digits[:3], digits[3:5], digits[5:])


def is_passport(value: str) -> bool:
    """Return whether `value` has a US passport number format (9 digits, or a letter and 8 digits)."""
    return _PASSPORT.fullmatch(value) is not None and len(set(value)) > 2


def is_driver_license(value: str, state: str | None = None) -> bool:
    """Return whether `value` fits the driver's licence format of `state` (any state when unknown)."""
    if not any(map(str.isdigit, value)) or len(set(value)) < 3:
        return False
    pattern = _DL_FORMATS.get(state or "")
    if pattern is not None:
        return pattern.fullmatch(value) is not None
    return _DL_GENERIC.fullmatch(value) is not None


def is_mrn(value: str) -> bool:
    """Return whether `value` looks like a medical record number (optional letter prefix, 5–12 digits)."""
    return _MRN.fullmatch(value) is not None and len(set(value)) > 2
