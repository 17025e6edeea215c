"""Phone numbers: NANP structure for US numbers, `phonenumbers` metadata for international ones."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers


def _nanp_ok(digits: str) -> bool:
    # Area code and exchange start with 2–9; N11 area codes are service codes, not numbers.
    area, exchange = digits[:3], digits[3:6]
    return area[0] >= "2" and exchange[0] >= "2" and area[1:] != "11"


@lru_cache(maxsize=4096)
def _international_ok(compact: str) -> bool:
    try:
        number = phonenumbers.parse(compact, None)
    except phonenumbers.NumberParseException:
        return False
    # "Possible" (right length for the country) rather than "valid": real numbers from newly opened
    # ranges are often missing from the metadata's prefix tables.
    return phonenumbers.is_possible_number(number)


def is_phone(value: str) -> bool:
    """Return whether `value` is a US (NANP) or `+`-prefixed international phone number."""
    digits = "".join(char for char in value if char.isdigit())
    if value.startswith("+"):
        if digits.startswith("1"):
            return len(digits) == 11 and _nanp_ok(digits[1:])
        return 8 <= len(digits) <= 15 and _international_ok("+" + digits)
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    return len(digits) == 10 and _nanp_ok(digits) and len(set(digits)) > 2
