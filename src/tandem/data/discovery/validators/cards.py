"""Payment card checks: Luhn and issuer (IIN) ranges with the lengths each issuer uses."""

from __future__ import annotations

from functools import lru_cache

# (low prefix, high prefix, allowed lengths, brand); prefixes compared on the same number of digits.
_RANGES: tuple[tuple[str, str, tuple[int, ...], str], ...] = (
    ("4", "4", (13, 16, 19), "visa"),
    ("51", "55", (16,), "mastercard"),
    ("2221", "2720", (16,), "mastercard"),
    ("34", "34", (15,), "amex"),
    ("37", "37", (15,), "amex"),
    ("6011", "6011", (16, 17, 18, 19), "discover"),
    ("644", "649", (16, 17, 18, 19), "discover"),
    ("65", "65", (16, 17, 18, 19), "discover"),
    ("3528", "3589", (16, 17, 18, 19), "jcb"),
    ("300", "305", (14, 15, 16, 17, 18, 19), "diners"),
    ("3095", "3095", (14, 15, 16, 17, 18, 19), "diners"),
    ("36", "36", (14, 15, 16, 17, 18, 19), "diners"),
    ("38", "39", (14, 15, 16, 17, 18, 19), "diners"),
    ("62", "62", (16, 17, 18, 19), "unionpay"),
    ("81", "81", (16, 17, 18, 19), "unionpay"),
    ("2200", "2204", (16, 17, 18, 19), "mir"),
)
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
_DOUBLED_CHAR = str.maketrans("0123456789", "".join(str(value) for value in _DOUBLED))


def luhn_ok(digits: str) -> bool:
    """Return whether a digit string passes the Luhn (mod 10) check."""
    if digits.isascii():
        # Every second digit from the right is doubled (and its digits summed): a character mapping; the
        # digits are then summed as their ASCII codes less 48 each.
        total = sum(digits[-1::-2].encode()) + sum(digits[-2::-2].translate(_DOUBLED_CHAR).encode())
        return (total - 48 * len(digits)) % 10 == 0
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        total += _DOUBLED[value] if index & 1 else value
    return total % 10 == 0


def card_brand(digits: str) -> str | None:
    """Name the issuer whose IIN range and length fit `digits`, if any."""
    return _brand(digits[:4], len(digits))


@lru_cache(maxsize=4096)
def _brand(prefix: str, size: int) -> str | None:
    # Ranges compare at most four leading digits, so the brand depends on those and the length only.
    for low, high, lengths, brand in _RANGES:
        if size in lengths and low <= prefix[: len(low)] <= high:
            return brand
    return None


def is_card(value: str) -> bool:
    """Return whether `value` (digits with optional spaces or dashes) is a plausible card number."""
    digits = value.replace(" ", "").replace("-", "")
    if not digits.isdigit() or not 13 <= len(digits) <= 19 or digits.count(digits[0]) == len(digits):
        return False
    return card_brand(digits) is not None and luhn_ok(digits)
