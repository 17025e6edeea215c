"""Network identifiers: e-mail addresses, IPv4 (octet rules) and IPv6 (via `ipaddress`)."""

from __future__ import annotations

import ipaddress


def is_email(value: str) -> bool:
    """Return whether `value` has a usable local part and a domain with an alphabetic TLD."""
    local, _, domain = value.rpartition("@")
    if not local or len(local) > 64 or local[0] == "." or local[-1] == "." or ".." in local:
        return False
    # Every label non-empty and without a leading or trailing hyphen, the last one alphabetic.
    labels = domain.split(".")
    if len(labels) < 2 or "" in labels or domain[0] == "-" or domain[-1] == "-" or ".-" in domain or "-." in domain:
        return False
    return labels[-1].isalpha() and len(labels[-1]) >= 2


# Every octet as written: 0–255 in ASCII digits, without leading zeros.
_OCTETS = frozenset(str(number) for number in range(256))


def is_ipv4(value: str) -> bool:
    """Return whether `value` is a dotted quad with octets 0–255, no leading zeros and a non-zero first octet."""
    parts = value.split(".")
    return len(parts) == 4 and _OCTETS.issuperset(parts) and parts[0] != "0"


def is_ipv6(value: str) -> bool:
    """Return whether `value` is an IPv6 address with at least three groups (not a clock time)."""
    if value.count(":") < 2 or ("::" not in value and value.count(":") != 7):
        return False
    if "." not in value and "%" not in value:
        return _hextets_ok(value.split(":"))
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


_HEX = frozenset("0123456789abcdefABCDEF")


def _hextets_ok(parts: list[str]) -> bool:
    """Apply `ipaddress.IPv6Address`'s rules to colon-separated hex groups (at most one `::`), without it."""
    if not 3 <= len(parts) <= 9:
        return False
    skips = parts[1:-1].count("")
    if skips > 1:
        return False
    if skips:
        skip = parts.index("", 1, len(parts) - 1)
        high, low = skip, len(parts) - skip - 1
        if not parts[0]:
            high -= 1
            if high:
                return False  # a single leading colon
        if not parts[-1]:
            low -= 1
            if low:
                return False  # a single trailing colon
        if high + low > 7:
            return False
    elif len(parts) != 8 or not parts[0] or not parts[-1]:
        return False
    return all(len(part) <= 4 and _HEX.issuperset(part) for part in parts)
