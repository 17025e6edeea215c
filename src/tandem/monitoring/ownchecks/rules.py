"""Judge own-check results with the same rule names and severities as the scan-file audit rules."""

from __future__ import annotations

import datetime as dt

from tandem.monitoring.scanners.checks import CERT_WARNING_DAYS, DEPRECATED_TLS, MIN_KEY_BITS, Finding

from .certs import CertInfo, matches_host
from .probe import TcpResult, TlsResult
from .targets import Target

# OpenSSL spellings of what scanners.checks calls anonymous, export, NULL, RC4 and DES suites.
WEAK_CIPHER_MARKERS = ("NULL", "RC4", "DES-CBC", "EXP", "ADH", "AECDH", "MD5", "anon")
# Verification failures other rules already report (expiry, self-signature).
_REPORTED_ELSEWHERE = {9, 10, 18}


def _f(rule: str, severity: str, address: str, target: Target, detail: str) -> Finding:
    return Finding(rule, severity, address, "tcp", target.port, detail)


def judge_tcp(target: Target, result: TcpResult) -> list[Finding]:
    """Flag a declared service that does not accept a TCP connection."""
    if result.reachable:
        return []
    detail = f"declared service {target.label} unreachable: {result.error} after {result.elapsed_ms:.0f} ms"
    return [_f("service-unreachable", "medium", result.address, target, detail)]


def _dates(cert: CertInfo, position: str, address: str, target: Target, now: dt.datetime) -> list[Finding]:
    label = f"{position} certificate {cert.subject}"
    if cert.not_after <= now:
        return [_f("cert-expired", "high", address, target, f"{label} expired {cert.not_after:%Y-%m-%d}")]
    if cert.not_after <= now + dt.timedelta(days=CERT_WARNING_DAYS):
        days = (cert.not_after - now).days
        detail = f"{label} expires {cert.not_after:%Y-%m-%d} (in {days} days)"
        return [_f("cert-expiring", "medium", address, target, detail)]
    if cert.not_before > now:
        return [
            _f("cert-not-yet-valid", "high", address, target, f"{label} valid only from {cert.not_before:%Y-%m-%d}")
        ]
    return []


def _leaf(leaf: CertInfo, tls: TlsResult, address: str, target: Target) -> list[Finding]:
    found = []
    minimum = MIN_KEY_BITS.get(leaf.key_type)
    if minimum and leaf.key_bits < minimum:
        detail = f"{leaf.key_type.upper()}-{leaf.key_bits} key (< {minimum} bits), certificate {leaf.subject}"
        found.append(_f("weak-key", "high", address, target, detail))
    if leaf.self_signed:
        found.append(_f("cert-self-signed", "medium", address, target, f"self-signed certificate {leaf.subject}"))
    elif tls.verify_error and tls.verify_code not in _REPORTED_ELSEWHERE:
        detail = f"certificate chain not trusted: {tls.verify_error} (leaf {leaf.subject}, issuer {leaf.issuer})"
        found.append(_f("cert-untrusted", "medium", address, target, detail))
    if not matches_host(leaf, target.host):
        names = ", ".join([*leaf.dns_names, *leaf.ip_addresses]) or leaf.common_name or "none"
        detail = f"certificate does not name {target.host} (names: {names})"
        found.append(_f("cert-hostname-mismatch", "medium", address, target, detail))
    return found


def judge_tls(target: Target, address: str, tls: TlsResult, now: dt.datetime) -> list[Finding]:
    """Flag deprecated protocols, weak suites, certificate dates, weak keys, trust and name problems."""
    if tls.error:
        return [
            _f("tls-handshake-failed", "medium", address, target, f"no TLS handshake with {target.label}: {tls.error}")
        ]
    found = []
    deprecated = [p for p in tls.deprecated_offered if p in DEPRECATED_TLS]
    if deprecated:
        detail = f"deprecated protocols offered: {', '.join(deprecated)} (negotiated {tls.protocol})"
        found.append(_f("tls-protocol", "high", address, target, detail))
    weak = sorted({c for c in (tls.cipher, tls.weak_cipher_accepted) if c and any(m in c for m in WEAK_CIPHER_MARKERS)})
    if weak:
        found.append(_f("tls-cipher", "high", address, target, f"weak or anonymous suites: {', '.join(weak)}"))
    for i, cert in enumerate(tls.chain):
        found += _dates(cert, "leaf" if i == 0 else f"chain[{i}]", address, target, now)
    if tls.chain:
        found += _leaf(tls.chain[0], tls, address, target)
    elif not tls.cipher.startswith(("ADH", "AECDH")):  # anonymous suites send none; tls-cipher said so
        found.append(_f("cert-missing", "high", address, target, "no certificate presented"))
    return found


def summary(target: Target, address: str, tcp: TcpResult, tls: TlsResult | None) -> dict[str, object]:
    """Return the evidence of one target for the job result."""
    out: dict[str, object] = {"target": target.label, "address": address, "reachable": tcp.reachable,
                              "connect_ms": round(tcp.elapsed_ms, 1)}  # fmt: skip
    if tls is not None:
        leaf = tls.chain[0] if tls.chain else None
        out.update(protocol=tls.protocol, cipher=tls.cipher, tls_error=tls.error, not_probed=tls.not_probed,
                   chain=[c.subject for c in tls.chain], not_after=leaf.not_after.isoformat() if leaf else None,
                   key=f"{leaf.key_type}-{leaf.key_bits}" if leaf else None)  # fmt: skip
    return out
