"""The approved target scope: every address a target resolves to must fall inside it, or nothing is sent."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from tandem.platform.resolver import ResolveError, resolve_addresses

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SETTING = "TANDEM_MONITORING_SCOPE"
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*$"
)
# inet_aton accepts 127.1, 0x7f000001 and octal quads; a name whose last label is numeric is refused as ambiguous.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)


class OutOfScope(Exception):
    """A target that must not be contacted; `location` names the offending input."""

    def __init__(self, reason: str, location: str = "target") -> None:
        super().__init__(reason)
        self.reason, self.location = reason, location


@dataclass(frozen=True)
class Scope:
    """Approved networks, plus host names whose addresses are approved when they are resolved."""

    networks: tuple[IPNetwork, ...]
    hostnames: tuple[str, ...]
    written: str = ""  # the setting as given, once host names were resolved into networks by `freeze`

    @property
    def empty(self) -> bool:
        """Return True when nothing at all may be checked."""
        return not self.networks and not self.hostnames

    def describe(self) -> str:
        """Return the scope as an operator would write it."""
        return self.written or ", ".join([*(str(n) for n in self.networks), *self.hostnames]) or "(empty)"


def normalise_host(raw: str, location: str = "target") -> tuple[str, IPAddress | None]:
    """Return the host in canonical form and its address when it is an IP literal; refuse ambiguous spellings."""
    host = raw.strip().strip("[]").rstrip(".").lower()
    try:
        return host, ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise OutOfScope(f"{raw!r} is not a valid host name", location) from None
    if not _HOSTNAME.match(host) or _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]):
        raise OutOfScope(f"{raw!r} is neither an IP address nor an unambiguous host name", location)
    return host, None


def parse_scope(text: str) -> Scope:
    """Parse the comma-separated scope setting; an invalid entry is an error naming the setting."""
    networks: list[IPNetwork] = []
    hostnames: list[str] = []
    for raw in text.split(","):
        entry = raw.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
            continue
        except ValueError:
            pass
        if "/" in entry:
            raise OutOfScope(f"scope entry {entry!r} is not a valid CIDR", SETTING)
        host, _ = normalise_host(entry, SETTING)
        hostnames.append(host)
    return Scope(tuple(networks), tuple(hostnames))


def resolve(host: str, port: int, location: str = "target") -> list[IPAddress]:
    """Resolve a host once with the system resolver (an IP literal is returned as is)."""
    name, literal = normalise_host(host, location)
    if literal is not None:
        return [literal]
    try:
        return resolve_addresses(name, port)
    except ResolveError as exc:
        raise OutOfScope(str(exc), location) from None


def approved_networks(scope: Scope) -> list[IPNetwork]:
    """Return the scope's networks with its host-name entries resolved now (unresolvable names approve nothing)."""
    networks = list(scope.networks)
    for name in scope.hostnames:
        try:
            networks += [ipaddress.ip_network(a) for a in resolve(name, 0, SETTING)]
        except OutOfScope:
            continue
    return networks


def freeze(scope: Scope) -> Scope:
    """Resolve the scope's host names once, for a whole run of checks."""
    if not scope.hostnames:
        return scope
    return Scope(tuple(approved_networks(scope)), (), scope.describe())


def _unmapped(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def admit(scope: Scope, host: str, port: int, location: str = "target") -> list[IPAddress]:
    """Resolve `host` and return its addresses if every one is in scope; raise OutOfScope before any connection."""
    if scope.empty and scope.written:
        raise OutOfScope(f"no host name of the scope ({scope.written}) resolves: nothing may be checked", location)
    if scope.empty:
        raise OutOfScope(f"{SETTING} is empty: no target may be checked until an operator approves a scope", location)
    if not 0 < port < 65536:
        raise OutOfScope(f"port {port} is not between 1 and 65535", location)
    addresses = resolve(host, port, location)
    # 0.0.0.0 and :: reach the local host whatever the scope says; multicast and broadcast are no services.
    odd = [a for a in addresses if _unmapped(a).is_unspecified or _unmapped(a).is_multicast
           or _unmapped(a) == ipaddress.IPv4Address("255.255.255.255")]  # fmt: skip
    if odd:
        raise OutOfScope(f"{host} resolves to {', '.join(map(str, odd))}, not a unicast host address", location)
    networks = approved_networks(scope)
    outside = [
        a for a in addresses if not any(_unmapped(a).version == n.version and _unmapped(a) in n for n in networks)
    ]
    if outside:
        listed = ", ".join(str(a) for a in outside)
        raise OutOfScope(f"{host} resolves to {listed}, outside the approved scope ({scope.describe()})", location)
    return addresses
