"""Deterministic network audit rules over parsed nmap results: pure functions, no network access."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .nmap import Host, NmapScan, Port

CERT_WARNING_DAYS = 30
MIN_KEY_BITS = {"rsa": 2048, "dsa": 2048, "dh": 2048, "ec": 224}
DEPRECATED_TLS = ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1")
CLEARTEXT_SERVICES = {
    "telnet": "high",
    "ftp": "medium",
    "login": "high",
    "shell": "high",
    "exec": "high",
    "tftp": "medium",
    "rlogin": "high",
    "rsh": "high",
    "vnc": "medium",
}
WEAK_SSH = frozenset(
    {
        "hmac-sha1",
        "hmac-sha1-96",
        "hmac-md5",
        "hmac-md5-96",
        "3des-cbc",
        "arcfour",
        "arcfour128",
        "arcfour256",
        "blowfish-cbc",
        "aes128-cbc",
        "aes256-cbc",
        "diffie-hellman-group1-sha1",
        "diffie-hellman-group14-sha1",
        "diffie-hellman-group-exchange-sha1",
        "ssh-dss",
    }
)
_WEAK_CIPHER_MARKERS = ("_anon_", "_EXPORT", "_NULL_", "_RC4_", "_DES_")


@dataclass(frozen=True, slots=True)
class Finding:
    """One audit finding; (rule, host, protocol, port, detail key) is stable enough to deduplicate on."""

    rule: str
    severity: str
    host: str
    protocol: str | None
    port: int | None
    detail: str


def _finding(rule: str, severity: str, host: Host, port: Port | None, detail: str) -> Finding:
    return Finding(rule, severity, host.address, port.protocol if port else None, port.portid if port else None, detail)


def open_ports(scan: NmapScan) -> Iterator[tuple[Host, Port]]:
    """Yield (host, port) for every open port of every up host."""
    for host in scan.hosts:
        for port in host.ports:
            if port.state == "open":
                yield host, port


def check_cleartext(host: Host, port: Port) -> list[Finding]:
    """Flag telnet, ftp, r-services and other cleartext logins (ssl-tunnelled ftp is fine)."""
    service = port.service
    if service is None or service.tunnel == "ssl" or service.name not in CLEARTEXT_SERVICES:
        return []
    return [
        _finding(
            "cleartext-service",
            CLEARTEXT_SERVICES[service.name],
            host,
            port,
            f"{service.name} open ({service.banner or 'no banner'})",
        )
    ]


def check_smbv1(host: Host, port: Port) -> list[Finding]:
    """Flag SMBv1 (NT LM 0.12) among the dialects `smb-protocols` reports."""
    findings = []
    for script in (*port.scripts, *host.scripts):
        if script.id != "smb-protocols" or not isinstance(script.data, dict):
            continue
        dialects = script.data.get("dialects", [])
        if any("SMBv1" in str(d) or "NT LM 0.12" in str(d) for d in dialects):
            findings.append(_finding("smbv1", "high", host, port, "SMBv1 dialect offered"))
    return findings


def _tls_ciphers(proto: Any) -> list[dict[str, Any]]:
    ciphers = proto.get("ciphers", []) if isinstance(proto, dict) else []
    return [c for c in ciphers if isinstance(c, dict)]


def check_tls(host: Host, port: Port, min_grade: str = "A") -> list[Finding]:
    """Flag deprecated protocols, weak or anonymous suites and a least strength below `min_grade`."""
    script = port.script("ssl-enum-ciphers")
    if script is None or not isinstance(script.data, dict):
        return []
    findings = []
    offered = [p for p in DEPRECATED_TLS if p in script.data]
    if offered:
        detail = f"deprecated protocols offered: {', '.join(offered)}"
        findings.append(_finding("tls-protocol", "high", host, port, detail))
    weak = sorted(
        {
            c.get("name", "")
            for proto in script.data.values()
            for c in _tls_ciphers(proto)
            if any(m in c.get("name", "") for m in _WEAK_CIPHER_MARKERS)
        }
    )
    if weak:
        findings.append(_finding("tls-cipher", "high", host, port, f"weak or anonymous suites: {', '.join(weak)}"))
    least = script.data.get("least strength")
    if isinstance(least, str) and least > min_grade:
        findings.append(
            _finding(
                "tls-grade",
                "high" if least >= "F" else "medium",
                host,
                port,
                f"least strength {least} (below {min_grade})",
            )
        )
    return findings


def _parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def check_certificate(host: Host, port: Port, now: datetime) -> list[Finding]:
    """Flag expired certificates, certificates expiring within 30 days and keys below the minimum size."""
    script = port.script("ssl-cert")
    if script is None or not isinstance(script.data, dict):
        return []
    findings = []
    validity = script.data.get("validity", {})
    not_after = _parse_time(validity.get("notAfter", "")) if isinstance(validity, dict) else None
    if not_after is not None and not_after <= now:
        findings.append(_finding("cert-expired", "high", host, port, f"certificate expired {not_after:%Y-%m-%d}"))
    elif not_after is not None and not_after <= now + timedelta(days=CERT_WARNING_DAYS):
        days = (not_after - now).days
        findings.append(
            _finding(
                "cert-expiring", "medium", host, port, f"certificate expires {not_after:%Y-%m-%d} (in {days} days)"
            )
        )
    pubkey = script.data.get("pubkey", {})
    if isinstance(pubkey, dict):
        kind, bits = str(pubkey.get("type", "")).lower(), pubkey.get("bits", "")
        minimum = MIN_KEY_BITS.get(kind)
        if minimum and str(bits).isdigit() and int(bits) < minimum:
            findings.append(_finding("weak-key", "high", host, port, f"{kind.upper()}-{bits} key (< {minimum} bits)"))
    return findings


def check_ssh(host: Host, port: Port) -> list[Finding]:
    """Flag weak key exchange, cipher, MAC and host-key algorithms from `ssh2-enum-algos`."""
    script = port.script("ssh2-enum-algos")
    if script is None or not isinstance(script.data, dict):
        return []
    weak = sorted({a for algos in script.data.values() if isinstance(algos, list) for a in algos if a in WEAK_SSH})
    if not weak:
        return []
    return [_finding("ssh-weak-algorithms", "medium", host, port, f"weak algorithms: {', '.join(weak)}")]


def check_snmp(host: Host, port: Port) -> list[Finding]:
    """Flag SNMP answering nmap, which queries with the default community `public` unless told otherwise."""
    if port.protocol != "udp" or port.portid != 161:
        return []
    answered = [s.id for s in port.scripts if s.id.startswith("snmp-") and s.data]
    if not answered:
        return []
    return [_finding("snmp-default-community", "high", host, port, f"SNMP answered ({', '.join(answered)})")]


def audit_scan(scan: NmapScan, now: datetime | None = None) -> list[Finding]:
    """Run every per-port rule over a scan; certificate dates are judged at scan time unless `now` is given."""
    moment = now or (datetime.fromtimestamp(scan.start, UTC) if scan.start else datetime.now(UTC))
    findings: list[Finding] = []
    for host, port in open_ports(scan):
        findings += check_cleartext(host, port) + check_smbv1(host, port) + check_tls(host, port)
        findings += check_certificate(host, port, moment) + check_ssh(host, port) + check_snmp(host, port)
    return findings


PortTuple = tuple[str, str, int, str]


def port_tuples(scan: NmapScan) -> set[PortTuple]:
    """Return (host, protocol, port, service name) for every open port."""
    return {(h.address, p.protocol, p.portid, p.service.name if p.service else "") for h, p in open_ports(scan)}


def diff_ports(baseline: NmapScan, current: NmapScan) -> list[Finding]:
    """Report ports open now but not in the baseline, and baseline ports no longer open."""
    before, after = port_tuples(baseline), port_tuples(current)
    new = [
        Finding("port-new", "medium", h, proto, port, f"new open port {port}/{proto} ({svc or 'unknown'})")
        for h, proto, port, svc in sorted(after - before)
    ]
    closed = [
        Finding("port-closed", "info", h, proto, port, f"port {port}/{proto} ({svc or 'unknown'}) no longer open")
        for h, proto, port, svc in sorted(before - after)
    ]
    return new + closed


def unknown_hosts(scan: NmapScan, known: Iterable[str]) -> list[Finding]:
    """Report up hosts none of whose addresses, MACs or hostnames is in the inventory (`known`)."""
    names = {k.lower() for k in known}
    out = []
    for host in scan.hosts:
        ids = {a for a, _ in host.addresses} | {m.lower() for m, _ in host.macs} | {n.lower() for n in host.hostnames}
        if host.state == "up" and not ids & names:
            out.append(
                Finding(
                    "unknown-host",
                    "medium",
                    host.address,
                    None,
                    None,
                    f"host {host.address} ({', '.join(host.hostnames) or 'no name'}) not in inventory",
                )
            )
    return out
