"""Person-name shape check for values whose field or context already says they are names."""

from __future__ import annotations

import re

_WORD = r"[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-žA-Z]*\.?(?:[-'’][A-ZÀ-ÖØ-Þa-zß-öø-ÿā-ž][a-zß-öø-ÿā-ž]+)*"
_PARTICLE = r"(?:de|da|di|del|della|der|den|van|von|le|la|du|dos|das|ter|ten|bin|ibn|al|y|zu|e)"
_NAME = re.compile(rf"{_WORD}(?:,?\s(?:{_PARTICLE}\s)*{_WORD}){{0,4}}")
_NOT_NAMES = frozenset(
    {"n/a", "na", "none", "null", "unknown", "test", "admin", "user", "anonymous", "redacted", "true", "false"}
)


def is_person_name(value: str) -> bool:
    """Return whether `value` is shaped like a person's name (capitalised words, no digits)."""
    text = value.strip()
    if not 2 <= len(text) <= 70 or text.lower() in _NOT_NAMES:
        return False
    return _NAME.fullmatch(text) is not None
