"""nmap XML parsing against our own 127.0.0.1 scans and a third-party vulners scan."""

from __future__ import annotations

from pathlib import Path

import pytest

from tandem.monitoring.scanners import parse_nmap
from tandem.monitoring.scanners.nmap import strip_bare_doctype

DATA = Path(__file__).parent / "data"


def load(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_baseline_hosts_ports_services_and_os() -> None:
    scan = parse_nmap(load("nmap-localhost-baseline.xml"), "baseline.xml")
    assert scan.version == "7.93" and scan.start == 1795759152 and scan.finished == 1795759175
    (host,) = scan.hosts
    assert host.state == "up" and host.address == "127.0.0.1" and host.hostnames == ("localhost",)
    by_port = {p.portid: p for p in host.ports}
    ssh = by_port[12222].service
    assert ssh is not None and ssh.product == "OpenSSH" and ssh.version == "9.2p1 Debian 2+deb12u10"
    # Both CPEs are kept (python-nmap loses all but the last one).
    assert ssh.cpes == ("cpe:/a:openbsd:openssh:9.2p1", "cpe:/o:linux:linux_kernel")
    https = by_port[18443].service
    assert https is not None and https.name == "http" and https.tunnel == "ssl"
    assert by_port[18999].state == "closed" and by_port[18999].service is None
    best = host.os_guesses[0]
    assert best.name == "Linux 5.0 - 5.2" and best.accuracy == 97 and best.cpes == ("cpe:/o:linux:linux_kernel:5",)
    assert host.uptime_seconds == 2


def test_args_and_stylesheet_are_not_in_the_model() -> None:
    scan = parse_nmap(load("nmap-localhost-baseline.xml"), "baseline.xml")
    assert "args" not in scan.__dataclass_fields__
    assert "-oX" not in repr(scan) and "nmap.xsl" not in repr(scan)


def test_structured_script_data_is_parsed() -> None:
    scan = parse_nmap(load("nmap-localhost-tls-scripts.xml"), "tls.xml")
    ports = {p.portid: p for p in scan.hosts[0].ports}
    ciphers = ports[18443].script("ssl-enum-ciphers")
    assert ciphers is not None and isinstance(ciphers.data, dict)
    assert ciphers.data["least strength"] == "F"
    assert {"TLSv1.0", "TLSv1.1", "TLSv1.2"} <= set(ciphers.data)
    cert = ports[18444].script("ssl-cert")
    assert cert is not None and isinstance(cert.data, dict)
    assert cert.data["pubkey"]["bits"] == "1024" and cert.data["validity"]["notAfter"].startswith("2026-10-23")
    algos = ports[12222].script("ssh2-enum-algos")
    assert algos is not None and isinstance(algos.data, dict) and "hmac-sha1" in algos.data["mac_algorithms"]


def test_vulners_tables_keep_cve_ids() -> None:
    scan = parse_nmap(load("defectdojo-nmap_script_vulners.xml"), "vulners.xml")
    port = scan.hosts[0].ports[0]
    vulners = port.script("vulners")
    assert vulners is not None
    assert "CVE-" in repr(vulners.data)


def test_doctype_blanking_keeps_positions_and_only_touches_the_bare_form() -> None:
    data = b'<?xml version="1.0"?>\n<!DOCTYPE nmaprun>\n<nmaprun/>'
    blanked = strip_bare_doctype(data)
    assert len(blanked) == len(data) and b"DOCTYPE" not in blanked
    hostile = b'<?xml version="1.0"?>\n<!DOCTYPE nmaprun [<!ENTITY x "y">]>\n<nmaprun/>'
    assert strip_bare_doctype(hostile) == hostile


def test_wrong_root_is_rejected_with_location() -> None:
    from tandem.platform.safety.errors import InvalidXML

    with pytest.raises(InvalidXML) as info:
        parse_nmap(b"<report/>", "x.xml")
    assert info.value.location == "x.xml"
