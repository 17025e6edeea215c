"""Resolve a host name once, the same way for every outbound guard (the URL guard, the network-check scope)."""

from __future__ import annotations

import ipaddress
import socket

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class ResolveError(Exception):
    """The name does not resolve, or resolves to nothing; the message says which."""


def resolve_addresses(host: str, port: int) -> list[IPAddress]:
    """Return the distinct addresses host resolves to (zone ids dropped), in resolver order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ResolveError(f"cannot resolve {host!r}: {exc}") from exc
    found: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    if not found:
        raise ResolveError(f"{host!r} has no addresses")
    return found
