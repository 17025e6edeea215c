"""Northwind Health's network scans: two real nmap scans re-addressed onto the demo network, through the service."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tandem.monitoring import service
from tandem.platform.auth.principal import CONSOLE

DATA = Path(__file__).parent / "demo_data"
KNOWN = (b"10.0.0.10", b"srv-000.northwind.example")  # the demo inventory's first host
UNKNOWN = (b"10.0.0.250", b"nas-marketing.northwind.example")  # not in the inventory: shadow IT
_HOST = re.compile(rb"<host .*?</host>", re.S)


def readdress(data: bytes) -> bytes:
    """Turn a one-host localhost scan into a two-host scan of the demo network (known host + unknown host)."""
    match = _HOST.search(data)
    if match is None:
        return data
    host = match.group(0)

    def moved(ip: bytes, name: bytes) -> bytes:
        return host.replace(b'addr="127.0.0.1"', b'addr="' + ip + b'"').replace(
            b'name="localhost"', b'name="' + name + b'"'
        )

    return data[: match.start()] + moved(*KNOWN) + b"\n" + moved(*UNKNOWN) + data[match.end() :]


def load_demo(session: Session, org: Any) -> None:
    """Import the baseline scan, then the later scan with a new port (diffed against the baseline)."""
    for name in ("nmap-localhost-baseline.xml", "nmap-localhost-newport.xml"):
        data = readdress((DATA / name).read_bytes())
        service.import_scan(session, CONSOLE, data, name, name.removesuffix(".xml"), "datacenter-boston",
                            org.units["IT"].id)  # fmt: skip
