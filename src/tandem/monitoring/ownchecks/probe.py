"""The checks themselves: a TCP connect and TLS handshakes against one already-admitted address.

Callers pass an address that `scope.admit` returned; nothing here resolves names, so nothing here can reach an
address the scope did not approve.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

from .certs import CertInfo, read_chain

# An auditor must complete handshakes a hardened client would refuse, to be able to report them.
_PERMISSIVE = "ALL:@SECLEVEL=0"
_WEAK_ONLY = "aNULL:eNULL:EXPORT:RC4:DES:3DES:MD5:@SECLEVEL=0"
_PROTOCOL_NAMES = {"TLSv1": "TLSv1.0"}


@dataclass(frozen=True)
class TcpResult:
    """Whether a TCP connect succeeded, and how long it took or why not."""

    address: str
    port: int
    reachable: bool
    elapsed_ms: float
    error: str = ""


@dataclass
class TlsResult:
    """What a TLS handshake showed; `error` set means no handshake completed at all."""

    protocol: str = ""
    cipher: str = ""
    cipher_bits: int | None = None
    chain: list[CertInfo] = field(default_factory=list)
    verify_error: str = ""
    verify_code: int | None = None
    deprecated_offered: list[str] = field(default_factory=list)
    not_probed: list[str] = field(default_factory=list)
    weak_cipher_accepted: str = ""
    error: str = ""


def tcp_check(address: str, port: int, timeout: float) -> TcpResult:
    """Open and close a TCP connection to address:port."""
    start = time.perf_counter()
    try:
        with socket.create_connection((address, port), timeout=timeout):
            pass
    except OSError as exc:
        elapsed = (time.perf_counter() - start) * 1000
        return TcpResult(address, port, False, elapsed, exc.strerror or type(exc).__name__)
    return TcpResult(address, port, True, (time.perf_counter() - start) * 1000)


def _context(verify: bool, ciphers: str = _PERMISSIVE, ca_file: str = "") -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False  # judged from the certificate's names, for IP targets as well
    if verify:
        ctx.load_default_certs()
        if ca_file:
            ctx.load_verify_locations(cafile=ca_file)
    else:
        ctx.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = ssl.TLSVersion.TLSv1
    ctx.set_ciphers(ciphers)
    return ctx


def _handshake(ctx: ssl.SSLContext, address: str, port: int, sni: str | None, timeout: float) -> dict[str, Any]:
    with (
        socket.create_connection((address, port), timeout=timeout) as raw,
        ctx.wrap_socket(raw, server_hostname=sni) as tls,
    ):
        cipher = tls.cipher()
        chain: list[bytes] = []
        sslobj = getattr(tls, "_sslobj", None)
        # Python 3.13 makes get_unverified_chain public; 3.11/3.12 only have it on the private object.
        with contextlib.suppress(AttributeError, ValueError):
            chain = [c.public_bytes(ssl._ssl.ENCODING_DER) for c in (sslobj.get_unverified_chain() or [])]  # type: ignore[union-attr, attr-defined]
        if not chain:
            leaf = tls.getpeercert(binary_form=True)
            chain = [leaf] if leaf else []
        version = tls.version() or ""
        return {"protocol": _PROTOCOL_NAMES.get(version, version), "cipher": cipher[0] if cipher else "",
                "bits": cipher[2] if cipher else None, "chain": chain}  # fmt: skip


def _accepts(ctx: ssl.SSLContext, address: str, port: int, sni: str | None, timeout: float) -> str:
    """Return the negotiated cipher if the server completes this handshake, else ''."""
    try:
        return str(_handshake(ctx, address, port, sni, timeout)["cipher"])
    except (OSError, ValueError):
        return ""


def _probe_deprecated(result: TlsResult, address: str, port: int, sni: str | None, timeout: float) -> None:
    versions = [("TLSv1.0", "TLSv1", ssl.HAS_TLSv1), ("TLSv1.1", "TLSv1_1", ssl.HAS_TLSv1_1)]
    for name, attr, available in versions:
        if name == result.protocol:
            result.deprecated_offered.append(name)
            continue
        try:
            ctx = _context(False)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                ctx.minimum_version = ctx.maximum_version = getattr(ssl.TLSVersion, attr)
        except (ValueError, ssl.SSLError):
            available = False
        if not available:
            result.not_probed.append(name)
        elif _accepts(ctx, address, port, sni, timeout):
            result.deprecated_offered.append(name)


def _probe_weak(result: TlsResult, address: str, port: int, sni: str | None, timeout: float) -> None:
    try:
        ctx = _context(False, _WEAK_ONLY)
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2  # TLS 1.3 has no weak suites
    except ssl.SSLError:
        result.not_probed.append("weak cipher suites (none left in the local OpenSSL)")
        return
    result.weak_cipher_accepted = _accepts(ctx, address, port, sni, timeout)


def tls_check(address: str, port: int, server_name: str | None, timeout: float, ca_file: str = "") -> TlsResult:
    """Handshake with address:port (SNI `server_name`), read the chain presented, probe old protocols and weak
    suites."""
    result = TlsResult()
    try:
        try:
            seen = _handshake(_context(True, ca_file=ca_file), address, port, server_name, timeout)
        except ssl.SSLCertVerificationError as exc:
            result.verify_error, result.verify_code = str(exc.verify_message or exc.reason), exc.verify_code
            seen = _handshake(_context(False), address, port, server_name, timeout)
    except (OSError, ValueError) as exc:
        result.error = str(exc) or type(exc).__name__
        return result
    result.protocol, result.cipher, result.cipher_bits = seen["protocol"], seen["cipher"], seen["bits"]
    result.chain = read_chain(seen["chain"])
    _probe_deprecated(result, address, port, server_name, timeout)
    _probe_weak(result, address, port, server_name, timeout)
    return result
