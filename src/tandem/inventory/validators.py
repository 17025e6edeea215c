"""Pure validators for identifiers the inventory accepts: CPE 2.3, purl, IP and MAC addresses, countries, and the
services an asset declares."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

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


@dataclass(frozen=True)
class ServiceSpec:
    """A service an asset declares: port, transport, optional name, and TLS (None: not said)."""

    port: int
    proto: str
    name: str = ""
    tls: bool | None = None

    def __str__(self) -> str:
        flag = "" if self.tls is None else (" tls" if self.tls else " plain")
        return f"{self.port}/{self.proto}{' ' + self.name if self.name else ''}{flag}"


SERVICE_FORMAT = "PORT[/tcp|/udp|/sctp] [name] [tls|plain], e.g. 443/tcp https tls"
_PORT_PROTO = re.compile(r"^(?P<port>\d{1,5})(?:/(?P<proto>[a-z]+))?$")
_SERVICE_NAME = re.compile(r"^[a-z][a-z0-9._+-]{0,39}$")


def parse_service(value: str) -> ServiceSpec:
    """Parse a declared service as a person types it (`443/tcp https tls`, `22 ssh`, `53/udp dns`, `8443/tls`)
    or raise ValueError saying what is wrong."""
    tokens = value.strip().lower().split()
    head = _PORT_PROTO.match(tokens[0]) if tokens else None
    if head is None:
        raise ValueError(f"{value.strip()!r} is not {SERVICE_FORMAT}")
    port, proto, tls = int(head["port"]), head["proto"] or "tcp", None
    if proto == "tls":  # the short form of the old service:<port>/tls tags
        proto, tls = "tcp", True
    if proto not in ("tcp", "udp", "sctp"):
        raise ValueError(f"unknown transport {proto!r} in {value.strip()!r}: use tcp, udp or sctp")
    if not 0 < port < 65536:
        raise ValueError(f"port {port} is not between 1 and 65535")
    name = ""
    for word in tokens[1:]:
        if word in ("tls", "plain") and tls is None:
            tls = word == "tls"
        elif _SERVICE_NAME.match(word) and not name:
            name = word
        else:
            raise ValueError(f"{word!r} in {value.strip()!r} is not expected: the form is {SERVICE_FORMAT}")
    if tls and proto != "tcp":
        raise ValueError(f"tls applies to tcp services only ({value.strip()!r})")
    return ServiceSpec(port, proto, name, tls)


def check_service(value: str) -> str:
    """Return a declared service in its canonical spelling or raise ValueError."""
    return str(parse_service(value))


def check_services(values: list[str]) -> list[str]:
    """Return the declared services or raise ValueError if a port and transport is declared twice."""
    seen: dict[tuple[int, str], int] = {}
    for n, value in enumerate(values, 1):
        spec = parse_service(value)
        first = seen.setdefault((spec.port, spec.proto), n)
        if first != n:
            raise ValueError(f"{spec.port}/{spec.proto} is declared twice (services {first} and {n})")
    return values
