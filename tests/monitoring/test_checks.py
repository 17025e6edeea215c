"""Audit rules: one positive case per rule from the samples, plus synthetic cases for the rest."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tandem.monitoring.scanners import audit_scan, diff_ports, parse_nmap, unknown_hosts

DATA = Path(__file__).parent / "data"


def scan(name: str):  # type: ignore[no-untyped-def]
    return parse_nmap((DATA / name).read_bytes(), name)


def rules(findings) -> set[tuple[str, int | None]]:  # type: ignore[no-untyped-def]
    return {(f.rule, f.port) for f in findings}


def test_tls_certificate_and_ssh_rules_fire_on_the_sample() -> None:
    found = rules(audit_scan(scan("nmap-localhost-tls-scripts.xml")))
    assert found == {
        ("ssh-weak-algorithms", 12222),
        ("tls-protocol", 18443),
        ("tls-cipher", 18443),
        ("tls-grade", 18443),
        ("cert-expiring", 18443),
        ("cert-expired", 18444),
        ("weak-key", 18444),
    }


def test_certificate_judged_at_a_given_time() -> None:
    findings = audit_scan(scan("nmap-localhost-tls-scripts.xml"), now=datetime(2026, 1, 1, tzinfo=UTC))
    assert ("cert-expiring", 18443) not in rules(findings)
    assert ("cert-expired", 18444) not in rules(findings)


def test_new_port_diff_is_exactly_one_tuple() -> None:
    found = diff_ports(scan("nmap-localhost-baseline.xml"), scan("nmap-localhost-newport.xml"))
    assert [(f.rule, f.port) for f in found] == [("port-new", 18081)]


def test_unknown_host() -> None:
    baseline = scan("nmap-localhost-baseline.xml")
    assert [f.rule for f in unknown_hosts(baseline, [])] == ["unknown-host"]
    assert unknown_hosts(baseline, ["LOCALHOST"]) == []


SYNTHETIC = b"""<?xml version="1.0"?>
<nmaprun scanner="nmap" start="1795759152"><host><status state="up"/><address addr="10.0.0.5" addrtype="ipv4"/>
<ports>
<port protocol="tcp" portid="23"><state state="open"/><service name="telnet"/></port>
<port protocol="tcp" portid="21"><state state="open"/><service name="ftp" product="vsftpd"/></port>
<port protocol="tcp" portid="990"><state state="open"/><service name="ftp" tunnel="ssl"/></port>
<port protocol="tcp" portid="445"><state state="open"/><service name="microsoft-ds"/></port>
<port protocol="udp" portid="161"><state state="open"/><service name="snmp"/>
<script id="snmp-sysdescr" output="Linux box"><elem>Linux box</elem></script></port>
</ports>
<hostscript><script id="smb-protocols" output="..."><table key="dialects">
<elem>NT LM 0.12 (SMBv1) [dangerous, but default]</elem><elem>2:0:2</elem></table></script></hostscript>
</host></nmaprun>"""


def test_cleartext_smbv1_and_snmp_rules() -> None:
    findings = audit_scan(parse_nmap(SYNTHETIC, "synthetic.xml"))
    found = rules(findings)
    assert {("cleartext-service", 23), ("cleartext-service", 21), ("snmp-default-community", 161)} <= found
    assert ("cleartext-service", 990) not in found
    assert any(f.rule == "smbv1" for f in findings)
