"""What to check: `host:port[/tls|/tcp]` specs, and the services an inventory asset declares (its declared services
field; the `service:<port>` tags of records from before that field)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .scope import OutOfScope, normalise_host

# Ports whose services speak TLS from the first byte; anything else is only TCP-checked unless marked /tls.
TLS_PORTS = frozenset({443, 465, 563, 636, 853, 989, 990, 992, 993, 994, 995, 5061, 6697, 8443, 9443})
TLS_NAMES = frozenset({"https", "imaps", "pop3s", "ldaps", "smtps", "ftps", "ircs", "sips", "tls", "ssl"})
SERVICE_TAG = "service:"
_SPEC = re.compile(r"^(?:\[(?P<v6>[0-9a-fA-F:.%]+)\]|(?P<host>[^\s:/\[\]]+)):(?P<port>\d{1,5})(?:/(?P<mode>tls|tcp))?$")
_TAG = re.compile(r"^service:(?P<port>\d{1,5})(?:/(?P<mode>tls|tcp))?$", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """One declared service to check."""

    host: str
    port: int
    tls: bool
    asset_id: str | None = None

    @property
    def label(self) -> str:
        """Return the target as a spec string."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}/{'tls' if self.tls else 'tcp'}"

    def as_dict(self) -> dict[str, Any]:
        """Return the target as JSON-safe job arguments."""
        return asdict(self)


def _port(raw: str, location: str) -> int:
    port = int(raw)
    if not 0 < port < 65536:
        raise OutOfScope(f"port {port} is not between 1 and 65535", location)
    return port


def parse_target(spec: str, location: str = "target") -> Target:
    """Parse `host:port`, `[v6]:port`, optionally followed by /tls or /tcp (default: TLS on well-known TLS ports)."""
    match = _SPEC.match(spec.strip())
    if match is None:
        raise OutOfScope(f"{spec!r} is not host:port, [ipv6]:port, optionally with /tls or /tcp", location)
    host, _ = normalise_host(match["v6"] or match["host"], location)
    port = _port(match["port"], location)
    mode = match["mode"]
    return Target(host, port, mode == "tls" if mode else port in TLS_PORTS)


def parse_targets(specs: Iterable[str], location: str = "body.targets") -> list[Target]:
    """Parse a list of specs, dropping duplicates; errors name the item (`body.targets.2`)."""
    found: dict[tuple[str, int], Target] = {}
    for i, spec in enumerate(specs):
        target = parse_target(spec, f"{location}.{i}")
        found.setdefault((target.host, target.port), target)
    return list(found.values())


def tag_services(tags: Iterable[str]) -> list[tuple[int, bool | None]]:
    """Return (port, TLS or None if not said) of the tags `service:<port>[/tls|/tcp]` (records from before the
    declared services field)."""
    found = []
    for tag in tags:
        match = _TAG.match(tag.strip())
        if match is None or not 0 < int(match["port"]) < 65536:
            continue
        mode = (match["mode"] or "").lower()
        found.append((int(match["port"]), mode == "tls" if mode else None))
    return found


def declared_services(
    asset_id: str, hostname: str, addresses: list[str], tags: list[str]
) -> list[Target]:  # fmt: skip
    """Return the services an asset declares with tags `service:<port>[/tls|/tcp]`, on its first address."""
    host = (addresses[0] if addresses else hostname).strip()
    if not host:
        return []
    return [Target(host.lower(), port, tls if tls is not None else port in TLS_PORTS, asset_id)
            for port, tls in tag_services(tags)]  # fmt: skip


def asset_targets(
    asset_id: str, hostname: str, addresses: list[str], services: Sequence[tuple[int, str, str, bool | None]],
    tags: list[str],
) -> list[Target]:  # fmt: skip
    """Return what an asset declares, on its first address: its declared services (port, transport, name, TLS or
    None if not said) when it has any, TCP ones only (own checks speak TCP); else its service tags."""
    if not services:
        return declared_services(asset_id, hostname, addresses, tags)
    host = (addresses[0] if addresses else hostname).strip().lower()
    if not host:
        return []
    return [
        Target(host, port, tls if tls is not None else (port in TLS_PORTS or name in TLS_NAMES), asset_id)
        for port, proto, name, tls in services
        if proto == "tcp"
    ]
