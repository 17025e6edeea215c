"""nmap XML (`-oX`) → plain dataclasses, through the defused parser with size limits.

The `args` attribute (the command line, may hold local paths) and the `<?xml-stylesheet?>` reference are never
copied into the model: they are attacker-controlled in an uploaded file and must not be rendered.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from tandem.platform.safety.errors import InvalidXML
from tandem.platform.safety.xml import MAX_XML_BYTES, parse_xml

# nmap writes a bare `<!DOCTYPE nmaprun>`; without an internal subset or external id it can declare nothing,
# so it is blanked (same length, positions kept) before the DTD-forbidding parser sees it. Anything richer
# is left in place and refused.
_BARE_DOCTYPE = re.compile(rb"\A(\s*(?:<\?xml[^>]*\?>)?\s*)<!DOCTYPE\s+nmaprun\s*>")

ScriptData = dict[str, Any] | list[Any] | str


@dataclass(frozen=True, slots=True)
class Script:
    """An NSE script result: structured `elem`/`table` data plus the free-text output (display only)."""

    id: str
    output: str
    data: ScriptData


@dataclass(frozen=True, slots=True)
class Service:
    """What `-sV` identified on a port; `tunnel == "ssl"` turns http into https."""

    name: str
    product: str | None = None
    version: str | None = None
    extrainfo: str | None = None
    ostype: str | None = None
    tunnel: str | None = None
    method: str | None = None
    conf: int | None = None
    cpes: tuple[str, ...] = ()

    @property
    def banner(self) -> str:
        """Return `product version (extrainfo)` as nmap shows it."""
        parts = [p for p in (self.product, self.version) if p]
        return " ".join(parts) + (f" ({self.extrainfo})" if self.extrainfo else "")


@dataclass(frozen=True, slots=True)
class Port:
    """One scanned port with its state, service and script results."""

    protocol: str
    portid: int
    state: str
    reason: str | None
    service: Service | None
    scripts: tuple[Script, ...] = ()

    def script(self, script_id: str) -> Script | None:
        """Return the result of one script on this port, if it ran."""
        return next((s for s in self.scripts if s.id == script_id), None)


@dataclass(frozen=True, slots=True)
class OsGuess:
    """One `osmatch` with its classes' CPEs."""

    name: str
    accuracy: int
    families: tuple[str, ...]
    cpes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Host:
    """One scanned host: addresses, names, ports, OS guesses and host scripts."""

    state: str
    addresses: tuple[tuple[str, str], ...]
    macs: tuple[tuple[str, str | None], ...]
    hostnames: tuple[str, ...]
    ports: tuple[Port, ...]
    os_guesses: tuple[OsGuess, ...] = ()
    scripts: tuple[Script, ...] = ()
    uptime_seconds: int | None = None
    extraports: tuple[tuple[str, int], ...] = ()

    @property
    def address(self) -> str:
        """Return the first IP address (or MAC when that is all there is)."""
        return self.addresses[0][0] if self.addresses else (self.macs[0][0] if self.macs else "")


@dataclass(frozen=True, slots=True)
class NmapScan:
    """A parsed scan; `args` and the stylesheet are deliberately absent."""

    scanner: str
    version: str | None
    start: int | None
    finished: int | None
    hosts: tuple[Host, ...] = field(default_factory=tuple)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def script_data(el: ET.Element) -> ScriptData:
    """Turn nested `elem`/`table` children into dicts (keyed children) or lists (unkeyed)."""
    children = [c for c in el if c.tag in ("elem", "table")]
    if not children:
        return (el.text or "").strip()
    if all(c.get("key") is not None for c in children):
        return {str(c.get("key")): script_data(c) if c.tag == "table" else (c.text or "") for c in children}
    return [script_data(c) if c.tag == "table" else (c.text or "") for c in children]


def _scripts(parent: ET.Element | None) -> tuple[Script, ...]:
    if parent is None:
        return ()
    return tuple(Script(s.get("id", ""), s.get("output", ""), script_data(s)) for s in parent.findall("script"))


def _service(el: ET.Element | None) -> Service | None:
    if el is None:
        return None
    return Service(
        name=el.get("name", ""),
        product=el.get("product"),
        version=el.get("version"),
        extrainfo=el.get("extrainfo"),
        ostype=el.get("ostype"),
        tunnel=el.get("tunnel"),
        method=el.get("method"),
        conf=_int(el.get("conf")),
        cpes=tuple((c.text or "").strip() for c in el.findall("cpe") if c.text),
    )


def _port(el: ET.Element, name: str) -> Port:
    state = el.find("state")
    portid = _int(el.get("portid"))
    if portid is None:
        raise InvalidXML(f"port without a numeric portid ({el.get('portid')!r})", name)
    return Port(
        protocol=el.get("protocol", "tcp"),
        portid=portid,
        state=state.get("state", "unknown") if state is not None else "unknown",
        reason=state.get("reason") if state is not None else None,
        service=_service(el.find("service")),
        scripts=_scripts(el),
    )


def _os_guesses(el: ET.Element | None) -> tuple[OsGuess, ...]:
    if el is None:
        return ()
    guesses = []
    for m in el.findall("osmatch"):
        classes = m.findall("osclass")
        guesses.append(
            OsGuess(
                m.get("name", ""),
                _int(m.get("accuracy")) or 0,
                tuple(dict.fromkeys(c.get("osfamily", "") for c in classes if c.get("osfamily"))),
                tuple((c.text or "").strip() for oc in classes for c in oc.findall("cpe") if c.text),
            )
        )
    return tuple(guesses)


def parse_host(el: ET.Element, name: str) -> Host:
    """Build a Host from one `<host>` element."""
    status = el.find("status")
    addresses, macs = [], []
    for a in el.findall("address"):
        if a.get("addrtype") == "mac":
            macs.append((a.get("addr", ""), a.get("vendor")))
        else:
            addresses.append((a.get("addr", ""), a.get("addrtype", "ipv4")))
    ports_el = el.find("ports")
    ports = tuple(_port(p, name) for p in ports_el.findall("port")) if ports_el is not None else ()
    extra = (
        tuple((x.get("state", ""), _int(x.get("count")) or 0) for x in ports_el.findall("extraports"))
        if ports_el is not None
        else ()
    )
    uptime = el.find("uptime")
    return Host(
        state=status.get("state", "unknown") if status is not None else "unknown",
        addresses=tuple(addresses),
        macs=tuple(macs),
        hostnames=tuple(h.get("name", "") for h in el.findall("hostnames/hostname")),
        ports=ports,
        os_guesses=_os_guesses(el.find("os")),
        scripts=_scripts(el.find("hostscript")),
        uptime_seconds=_int(uptime.get("seconds")) if uptime is not None else None,
        extraports=extra,
    )


def strip_bare_doctype(data: bytes) -> bytes:
    """Blank nmap's harmless `<!DOCTYPE nmaprun>` so the DTD-forbidding parser accepts real nmap files."""
    found = _BARE_DOCTYPE.match(data)
    if not found:
        return data
    start, end = len(found.group(1)), found.end()
    return data[:start] + b" " * (end - start) + data[end:]


def parse_nmap(data: bytes, name: str, max_bytes: int = MAX_XML_BYTES) -> NmapScan:
    """Parse an nmap XML report; raises UnsafeXML/InvalidXML/TooLarge located at file:line:column."""
    root = parse_xml(strip_bare_doctype(data), name, max_bytes)
    if root.tag != "nmaprun":
        raise InvalidXML(f"not an nmap XML report (root element <{root.tag}>)", name)
    finished = root.find("runstats/finished")
    return NmapScan(
        scanner=root.get("scanner", "nmap"),
        version=root.get("version"),
        start=_int(root.get("start")),
        finished=_int(finished.get("time")) if finished is not None else None,
        hosts=tuple(parse_host(h, name) for h in root.findall("host")),
    )
