"""Network identifiers: e-mail addresses, IPv4 (octet rules) and IPv6 (via `ipaddress`)."""

from __future__ import annotations

import ipaddress


def is_email(value: str) -> bool:
    """Return whether `value` has a usable local part and a domain with an alphabetic TLD."""
    local, _, domain = value.rpartition("@")
    if not local or len(local) > 64 or local[0] == "." or local[-1] == "." or ".." in local:
        return False
    labels = domain.split(".")
    if len(labels) < 2 or any(not label or label[0] == "-" or label[-1] == "-" for label in labels):
        return False
    return labels[-1].isalpha() and len(labels[-1]) >= 2


def is_ipv4(value: str) -> bool:
    """Return whether `value` is a dotted quad with octets 0–255, no leading zeros and a non-zero first octet."""
    parts = value.split(".")
    if len(parts) != 4:
        return False
    for part in parts:
        if not part.isdigit() or int(part) > 255 or (len(part) > 1 and part[0] == "0"):
            return False
    return parts[0] != "0"


def is_ipv6(value: str) -> bool:
    """Return whether `value` is an IPv6 address with at least three groups (not a clock time)."""
    if value.count(":") < 2 or ("::" not in value and value.count(":") != 7):
        return False
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True
