"""Own checks against real listeners on 127.0.0.1: TCP reachability, TLS handshakes with generated certificates,
and the scope guard refusing targets before any socket connects (observed through Python's audit hooks)."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tandem.monitoring.ownchecks.runner import CheckOptions, Outcome, check_target
from tandem.monitoring.ownchecks.scope import OutOfScope, admit, freeze, parse_scope
from tandem.monitoring.ownchecks.targets import Target, declared_services, parse_target

NOW = dt.datetime.now(dt.UTC)
LOOPBACK = parse_scope("127.0.0.1/32")
CONNECTS: list[Any] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    # Every socket.connect in this process, from any thread: the refusal tests assert none went to their targets.
    if event == "socket.connect":
        CONNECTS.append(args[1])


sys.addaudithook(_audit)


@dataclass
class Pki:
    """A test CA and the leaf certificates the listeners present, as PEM files."""

    root: Path
    ca_file: Path

    def leaf(
        self, name: str, *, days_left: float = 90, bits: int = 2048, cn: str = "localhost", self_signed: bool = False,
        past: bool = False,
    ) -> tuple[Path, Path]:  # fmt: skip
        """Write `name`.pem (leaf then CA) and `name`.key; return both paths."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
        ca_key = serialization.load_pem_private_key((self.root / "ca.key").read_bytes(), None)
        ca_cert = x509.load_pem_x509_certificate(self.ca_file.read_bytes())
        issuer, signer = (subject, key) if self_signed else (ca_cert.subject, ca_key)
        end = NOW - dt.timedelta(days=1) if past else NOW + dt.timedelta(days=days_left)
        san = x509.SubjectAlternativeName([x509.DNSName(cn), *([x509.IPAddress(_ip())] if cn == "localhost" else [])])
        cert = (
            x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(NOW - dt.timedelta(days=30))
            .not_valid_after(end).add_extension(san, critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(signer, hashes.SHA256())  # type: ignore[arg-type]
        )  # fmt: skip
        pem, key_path = self.root / f"{name}.pem", self.root / f"{name}.key"
        chain = cert.public_bytes(serialization.Encoding.PEM) + (b"" if self_signed else self.ca_file.read_bytes())
        pem.write_bytes(chain)
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))  # fmt: skip
        return pem, key_path


def _ip() -> Any:
    import ipaddress

    return ipaddress.ip_address("127.0.0.1")


def make_pki(root: Path) -> Pki:
    """Create the CA the checks are told to trust (TANDEM_MONITORING_CA_FILE in production)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tandem Test CA")])
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(NOW - dt.timedelta(days=60))
        .not_valid_after(NOW + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    (root / "ca.key").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (root / "ca.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Pki(root, root / "ca.pem")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A test CA for this module."""
    return make_pki(tmp_path_factory.mktemp("pki"))


class Listener:
    """A real TCP (or TLS, when given a server context) listener on 127.0.0.1 counting the connections it accepts."""

    def __init__(self, ctx: ssl.SSLContext | None = None) -> None:
        self.ctx, self.accepted = ctx, 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.settimeout(5)
            try:
                if self.ctx is not None:
                    with self.ctx.wrap_socket(conn, server_side=True):
                        pass
            except (OSError, ValueError):
                pass
            finally:
                conn.close()

    def close(self) -> None:
        """Stop listening."""
        self.sock.close()


def listeners() -> Iterator[Any]:
    """Yield a function starting listeners; all are closed afterwards."""
    started: list[Listener] = []

    def start(ctx: ssl.SSLContext | None = None) -> Listener:
        started.append(Listener(ctx))
        return started[-1]

    yield start
    for listener in started:
        listener.close()


@pytest.fixture
def listen() -> Iterator[Any]:
    """Start listeners for the test."""
    yield from listeners()


def server_context(cert: tuple[Path, Path], ciphers: str = "", tls10_only: bool = False) -> ssl.SSLContext:
    """Return a TLS server context presenting cert (SECLEVEL 0 when weak material must load)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if ciphers:
        ctx.set_ciphers(ciphers)
    if tls10_only:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1
    ctx.load_cert_chain(*cert)
    return ctx


def run(pki: Pki, listener: Listener, tls: bool = True, host: str = "127.0.0.1") -> Outcome:
    """Check one listener as the job does."""
    return check_target(LOOPBACK, Target(host, listener.port, tls), CheckOptions(3.0, 4, str(pki.ca_file)), NOW)


def rules_of(outcome: Outcome) -> dict[str, str]:
    """Return {rule: severity} of an outcome's findings."""
    return {f.rule: f.severity for f in outcome.findings}


def test_valid_certificate_and_modern_tls_give_no_finding(pki: Pki, listen: Any) -> None:
    outcome = run(pki, listen(server_context(pki.leaf("valid"))))
    assert outcome.reachable and outcome.findings == []
    assert outcome.evidence["protocol"] in ("TLSv1.2", "TLSv1.3")
    assert outcome.evidence["key"] == "rsa-2048" and len(outcome.evidence["chain"]) == 2  # type: ignore[arg-type]


def test_certificate_expiring_within_30_days_is_medium(pki: Pki, listen: Any) -> None:
    outcome = run(pki, listen(server_context(pki.leaf("soon", days_left=10))))
    assert rules_of(outcome) == {"cert-expiring": "medium"}
    assert "(in 9 days)" in outcome.findings[0].detail or "(in 10 days)" in outcome.findings[0].detail


def test_expired_certificate_is_high(pki: Pki, listen: Any) -> None:
    outcome = run(pki, listen(server_context(pki.leaf("expired", past=True))))
    assert rules_of(outcome) == {"cert-expired": "high"}
    finding = outcome.findings[0]
    assert (finding.host, finding.protocol, finding.port) == ("127.0.0.1", "tcp", outcome.target.port)


def test_rsa_1024_key_is_a_weak_key(pki: Pki, listen: Any) -> None:
    outcome = run(pki, listen(server_context(pki.leaf("rsa1024", bits=1024), "DEFAULT:@SECLEVEL=0")))
    assert rules_of(outcome) == {"weak-key": "high"}
    assert "RSA-1024 key (< 2048 bits)" in outcome.findings[0].detail


def _tls10_works(pki: Pki) -> str:
    """Return why this OpenSSL cannot complete a TLS 1.0 handshake on loopback, or ''."""
    try:
        server_context(pki.leaf("probe10"), "DEFAULT:@SECLEVEL=0", tls10_only=True)
        client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            client.minimum_version = client.maximum_version = ssl.TLSVersion.TLSv1
        client.set_ciphers("ALL:@SECLEVEL=0")
    except (ssl.SSLError, ValueError) as exc:
        return f"the local OpenSSL ({ssl.OPENSSL_VERSION}) forbids TLS 1.0: {exc}"
    return "" if ssl.HAS_TLSv1 else f"the local OpenSSL ({ssl.OPENSSL_VERSION}) was built without TLS 1.0"


def test_tls10_only_server_is_a_deprecated_protocol(pki: Pki, listen: Any) -> None:
    reason = _tls10_works(pki)
    if reason:
        pytest.skip(reason)
    outcome = run(pki, listen(server_context(pki.leaf("tls10"), "DEFAULT:@SECLEVEL=0", tls10_only=True)))
    assert outcome.evidence["protocol"] == "TLSv1.0"
    assert rules_of(outcome) == {"tls-protocol": "high"}
    assert "TLSv1.0" in outcome.findings[0].detail


def test_null_cipher_accepted_beside_strong_ones_is_a_weak_cipher(pki: Pki, listen: Any) -> None:
    try:
        ctx = server_context(pki.leaf("null"), "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-NULL-SHA:@SECLEVEL=0")
    except ssl.SSLError as exc:
        pytest.skip(f"the local OpenSSL has no NULL suites: {exc}")
    outcome = run(pki, listen(ctx))
    assert rules_of(outcome) == {"tls-cipher": "high"}
    assert "NULL" in outcome.findings[0].detail


def test_self_signed_and_wrong_name_are_reported(pki: Pki, listen: Any) -> None:
    outcome = run(pki, listen(server_context(pki.leaf("selfsigned", cn="other.example", self_signed=True))))
    assert rules_of(outcome) == {"cert-self-signed": "medium", "cert-hostname-mismatch": "medium"}


def test_host_name_target_is_matched_against_the_certificate(pki: Pki, listen: Any) -> None:
    outcome = run(pki, listen(server_context(pki.leaf("byname"))), host="localhost")
    assert outcome.address == "127.0.0.1" and outcome.findings == []


def test_plain_tcp_service_reachable_and_closed_port_unreachable(pki: Pki, listen: Any) -> None:
    plain = listen()
    assert run(pki, plain, tls=False).findings == []
    deadline = time.monotonic() + 5
    while plain.accepted < 1 and time.monotonic() < deadline:  # the accept thread counts after connect returns
        time.sleep(0.01)
    assert plain.accepted == 1
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = int(sock.getsockname()[1])
    outcome = check_target(LOOPBACK, Target("127.0.0.1", closed, False), CheckOptions(2.0), NOW)
    assert not outcome.reachable and rules_of(outcome) == {"service-unreachable": "medium"}


def test_tls_declared_on_a_plain_service_fails_the_handshake(pki: Pki, listen: Any) -> None:
    outcome = run(pki, listen(), tls=True)
    assert outcome.reachable and rules_of(outcome) == {"tls-handshake-failed": "medium"}


@pytest.mark.parametrize(
    ("scope", "host"),
    [
        ("127.0.0.1", "10.0.0.1"),  # plain address outside
        ("127.0.0.1", "::ffff:10.0.0.1"),  # IPv4-mapped spelling of an outside address
        ("127.0.0.2/32", "localhost"),  # a host name whose address is outside
        ("", "127.0.0.1"),  # empty scope: nothing at all
        ("0.0.0.0/0", "0.0.0.0"),  # the unspecified address reaches the local host whatever the scope
    ],
)
def test_out_of_scope_target_is_refused_before_any_connection(scope: str, host: str, listen: Any) -> None:
    listener = listen()
    before = len(CONNECTS)
    with pytest.raises(OutOfScope):
        admit(parse_scope(scope), host, listener.port)
    outcome = check_target(parse_scope(scope), Target(host, listener.port, True), CheckOptions(2.0), NOW)
    assert outcome.refused and not outcome.reachable and outcome.findings == []
    ports = [a[1] for a in CONNECTS[before:] if isinstance(a, tuple) and len(a) >= 2]
    assert listener.port not in ports and listener.accepted == 0
    assert not [a for a in CONNECTS[before:] if isinstance(a, tuple) and str(a[0]).endswith("10.0.0.1")]


def test_scope_entries_and_target_specs_are_validated() -> None:
    assert [str(n) for n in parse_scope(" 127.0.0.0/8, ::1 ,").networks] == ["127.0.0.0/8", "::1/128"]
    assert parse_scope("localhost").hostnames == ("localhost",)
    admit(parse_scope("localhost"), "127.0.0.1", 443)  # a scope host name approves the addresses it resolves to
    assert [str(n) for n in freeze(parse_scope("localhost, 10.0.0.0/8")).networks] == ["10.0.0.0/8", "127.0.0.1/32"]
    for bad in ("10.0.0.0/33", "not a host", "127.1"):
        with pytest.raises(OutOfScope) as err:
            parse_scope(bad)
        assert err.value.location == "TANDEM_MONITORING_SCOPE"
    assert parse_target("[::1]:8443") == Target("::1", 8443, True)
    assert parse_target("db.internal:5432") == Target("db.internal", 5432, False)
    assert parse_target("127.0.0.1:5432/tls").tls
    for bad in ("127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "0x7f000001:443", "h:443/udp"):
        with pytest.raises(OutOfScope):
            parse_target(bad)


def test_declared_services_come_from_asset_tags() -> None:
    tags = ["pci", "service:443", "service:22/tcp", "service:8080/tls", "service:99999"]
    found = declared_services("a1", "web01", ["10.1.2.3", "10.9.9.9"], tags)
    assert [(t.host, t.port, t.tls, t.asset_id) for t in found] == [
        ("10.1.2.3", 443, True, "a1"), ("10.1.2.3", 22, False, "a1"), ("10.1.2.3", 8080, True, "a1"),
    ]  # fmt: skip
    assert declared_services("a2", "db01.example", [], ["service:5432"])[0].host == "db01.example"
