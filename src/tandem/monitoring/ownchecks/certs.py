"""Read presented certificates with `cryptography`: names, dates, key type and size, self-signature."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class CertInfo:
    """One certificate of a presented chain, reduced to what the audit rules judge."""

    subject: str
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime
    key_type: str
    key_bits: int
    self_signed: bool
    sha256: str
    dns_names: tuple[str, ...] = field(default_factory=tuple)
    ip_addresses: tuple[str, ...] = field(default_factory=tuple)
    common_name: str = ""


def _key(cert: x509.Certificate) -> tuple[str, int]:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return "rsa", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "ec", key.curve.key_size
    if isinstance(key, dsa.DSAPublicKey):
        return "dsa", key.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "ed25519", 256
    if isinstance(key, ed448.Ed448PublicKey):
        return "ed448", 456
    return type(key).__name__.lower(), 0


def _self_signed(cert: x509.Certificate) -> bool:
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _names(cert: x509.Certificate) -> tuple[tuple[str, ...], tuple[str, ...]]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return (), ()
    dns = tuple(n.lower() for n in san.get_values_for_type(x509.DNSName))
    ips = tuple(str(a) for a in san.get_values_for_type(x509.IPAddress))
    return dns, ips


def read_certificate(der: bytes) -> CertInfo:
    """Parse one DER certificate."""
    cert = x509.load_der_x509_certificate(der)
    kind, bits = _key(cert)
    dns, ips = _names(cert)
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return CertInfo(
        subject=cert.subject.rfc4514_string(), issuer=cert.issuer.rfc4514_string(),
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc, key_type=kind, key_bits=bits,
        self_signed=_self_signed(cert), sha256=cert.fingerprint(hashes.SHA256()).hex(), dns_names=dns,
        ip_addresses=ips, common_name=str(cn[0].value).lower() if cn else "",
    )  # fmt: skip


def read_chain(ders: list[bytes]) -> list[CertInfo]:
    """Parse a presented chain, leaf first; an unparsable certificate ends the chain."""
    chain = []
    for der in ders:
        try:
            chain.append(read_certificate(der))
        except ValueError:
            break
    return chain


def _dns_match(pattern: str, host: str) -> bool:
    if pattern == host:
        return True
    # A wildcard covers exactly one left-most label (RFC 6125 §6.4.3), never a bare public suffix.
    if pattern.startswith("*.") and pattern.count(".") >= 2:
        return "." in host and host.split(".", 1)[1] == pattern[2:] and bool(host.split(".", 1)[0])
    return False


def matches_host(cert: CertInfo, host: str) -> bool:
    """Return whether the certificate names `host` (SAN first; the common name only when there is no SAN)."""
    host = host.lower().rstrip(".")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        return str(address) in cert.ip_addresses or (not cert.ip_addresses and cert.common_name == str(address))
    if cert.dns_names:
        return any(_dns_match(p, host) for p in cert.dns_names)
    return bool(cert.common_name) and _dns_match(cert.common_name, host)
