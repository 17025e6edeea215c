"""Phone numbers: NANP structure for US numbers, `phonenumbers` metadata for international ones."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

import phonenumbers
from phonenumbers import phonenumberutil as _util
from phonenumbers.phonemetadata import PhoneMetadata

_NON_DIGITS = re.compile(r"[^0-9]")
_PUNCTUATION = b" ()+-./\t\n\r\x0b\x0c"
# `phonenumbers.parse` spends most of its time on generic input handling that a bare `+digits` string
# does not need; its number-specific steps are replayed directly when the library still has them
# (tests/data/discovery/test_validators.py checks that both paths agree).
_STRIP_PREFIX = getattr(_util, "_maybe_strip_national_prefix_carrier_code", None)
_TEST_LENGTH = getattr(_util, "_test_number_length", None)
_RESULT = _util.ValidationResult
_KEEP_STRIPPED = (_RESULT.TOO_SHORT, _RESULT.IS_POSSIBLE_LOCAL_ONLY, _RESULT.INVALID_LENGTH)
_POSSIBLE = (_RESULT.IS_POSSIBLE, _RESULT.IS_POSSIBLE_LOCAL_ONLY)


def _nanp_ok(digits: str) -> bool:
    # Area code and exchange start with 2–9; N11 area codes are service codes, not numbers.
    area, exchange = digits[:3], digits[3:6]
    return area[0] >= "2" and exchange[0] >= "2" and area[1:] != "11"


def _parsed_ok(compact: str) -> bool:
    try:
        number = phonenumbers.parse(compact, None)
    except phonenumbers.NumberParseException:
        return False
    # "Possible" (right length for the country) rather than "valid": real numbers from newly opened
    # ranges are often missing from the metadata's prefix tables.
    return phonenumbers.is_possible_number(number)


def _replayed_ok(digits: str) -> bool | None:
    """Return `phonenumbers`' verdict on `+digits` (ASCII digits only), or None where it must parse."""
    if _STRIP_PREFIX is None or _TEST_LENGTH is None or len(digits) <= 2 or digits[0] == "0":
        return None
    for size in (1, 2, 3):
        metadata = _metadata(digits[:size])
        if metadata is not False:
            break
    else:
        return False
    national = digits[size:]
    if metadata is None or len(national) < 2:
        return None if metadata is None else False
    stripped = _STRIP_PREFIX(national, metadata)[1]
    if _TEST_LENGTH(stripped, metadata) not in _KEEP_STRIPPED:
        national = stripped
    if not 2 <= len(national) <= 17:
        return False
    return _TEST_LENGTH(national, metadata) in _POSSIBLE


@lru_cache(maxsize=1024)
def _metadata(code: str) -> PhoneMetadata | Literal[False] | None:
    """Return the metadata of a country calling code (None when it has none, False for no such code)."""
    number = int(code)
    if number not in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
        return False
    return PhoneMetadata.metadata_for_region_or_calling_code(number, phonenumbers.region_code_for_country_code(number))


@lru_cache(maxsize=4096)
def _international_ok(compact: str) -> bool:
    replayed = _replayed_ok(compact[1:]) if compact[1:].isdigit() and compact[1:].isascii() else None
    return _parsed_ok(compact) if replayed is None else replayed


def _digits(value: str) -> str:
    if value.isascii():
        # Phone numbers are digits and punctuation: deleting the punctuation bytes is cheaper than a regex.
        digits = value.encode().translate(None, _PUNCTUATION).decode()
        return digits if digits.isdigit() else _NON_DIGITS.sub("", value)
    return "".join(char for char in value if char.isdigit())


def is_phone(value: str) -> bool:
    """Return whether `value` is a US (NANP) or `+`-prefixed international phone number."""
    digits = _digits(value)
    if value.startswith("+"):
        if digits.startswith("1"):
            return len(digits) == 11 and _nanp_ok(digits[1:])
        return 8 <= len(digits) <= 15 and _international_ok("+" + digits)
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    return len(digits) == 10 and _nanp_ok(digits) and len(set(digits)) > 2
