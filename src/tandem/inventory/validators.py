"""Pure validators for identifiers the inventory accepts: CPE 2.3, purl, IP and MAC addresses, countries."""

from __future__ import annotations

import ipaddress
import re

from packageurl import PackageURL

# The CPE 2.3 formatted-string pattern from NISTIR 7695 (the official schema regex).
_CPE23 = re.compile(
    r"cpe:2\.3:[aho\*\-](:(((\?*|\*?)([a-zA-Z0-9\-\._]|(\\[\\\*\?!\"#$$%&'\(\)\+,/:;<=>@\[\]\^`\{\|}~]))+(\?*|\*?))|[\*\-])){5}"
    r"(:(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[\*\-]))(:(((\?*|\*?)([a-zA-Z0-9\-\._]|(\\[\\\*\?!\"#$$%&'\(\)\+,/:;<=>@\[\]\^`\{\|}~]))+(\?*|\*?))|[\*\-])){4}"
)
_MAC = re.compile(r"^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$", re.I)
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def check_cpe(value: str) -> str:
    """Return a CPE 2.3 formatted string or raise ValueError."""
    value = value.strip()
    if not _CPE23.fullmatch(value):
        raise ValueError("is not a CPE 2.3 formatted string (cpe:2.3:part:vendor:product:version:…, 13 parts)")
    return value


def check_purl(value: str) -> str:
    """Return a canonical package URL or raise ValueError."""
    try:
        return str(PackageURL.from_string(value.strip()).to_string())
    except ValueError as exc:
        raise ValueError(f"is not a valid package URL ({exc})") from None


def check_ip(value: str) -> str:
    """Return a normalised IPv4/IPv6 address or raise ValueError."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address") from None


def check_mac(value: str) -> str:
    """Return a lower-case colon-separated MAC address or raise ValueError."""
    if not _MAC.match(value.strip()):
        raise ValueError(f"{value!r} is not a MAC address (aa:bb:cc:dd:ee:ff)")
    return value.strip().lower().replace("-", ":")


def check_country(value: str) -> str:
    """Return an ISO 3166-1 alpha-2 code in upper case (empty allowed) or raise ValueError."""
    value = value.strip().upper()
    if value and not _COUNTRY.match(value):
        raise ValueError("must be an ISO 3166-1 alpha-2 country code such as US or DE")
    return value


def check_hostname(value: str) -> str:
    """Return a hostname (RFC 1123, underscores tolerated) or raise ValueError."""
    value = value.strip()
    if not _HOSTNAME.match(value):
        raise ValueError("is not a valid hostname")
    return value


def check_currency(value: str) -> str:
    """Return an ISO 4217 currency code in upper case or raise ValueError."""
    value = value.strip().upper()
    if not _CURRENCY.match(value):
        raise ValueError("must be a three-letter ISO 4217 currency code such as USD or EUR")
    return value


def check_domain(value: str) -> str:
    """Return a lower-case DNS domain or raise ValueError."""
    value = value.strip().lower()
    if not _DOMAIN.match(value):
        raise ValueError(f"{value!r} is not a domain name")
    return value
