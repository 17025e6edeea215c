"""Normalise SP 800-53 style control ids to the canonical OSCAL form (`pm-9`, `ac-2.1`)."""

from __future__ import annotations

import re

# PM-09, PM-9, pm-9, AC-2(1), AC-02(01), ac-2.1, and family ids such as PT.
_SP800_53 = re.compile(r"^([A-Za-z]{2})(?:-0*(\d+)(?:\(0*(\d+)\)|\.0*(\d+))?)?$")


def normalise_control_id(raw: str) -> str:
    """Return the OSCAL id for an 800-53 style id; raise ValueError when it is not one."""
    text = raw.strip()
    match = _SP800_53.match(text)
    if not match:
        raise ValueError(f"not an SP 800-53 control id: {raw!r}")
    family, number, enh_paren, enh_dot = match.groups()
    if number is None:
        return family.lower()
    enhancement = enh_paren or enh_dot
    return f"{family.lower()}-{number}" + (f".{enhancement}" if enhancement else "")
