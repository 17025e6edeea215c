"""ASVS V11 (cryptography): which libraries and modes the code may use (an AST scan of src/tandem, so comments
and strings never count), that encrypted MFA seeds are integrity-protected, that the audit chain's hashes are
collision-resistant and domain-separated, and that every secret Tandem makes has at least 128 bits."""

from __future__ import annotations

import ast
import hashlib
import secrets
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

import tandem
from tandem.platform.audit import chain
from tandem.platform.auth import mfa, sealing, service, sessions, tokens
from tandem.platform.auth.models import MfaFactor
from tandem.platform.errors import Conflict

SRC = Path(tandem.__file__).parent
# Vetted implementations only: the standard library's hashlib/hmac/secrets, pyca/cryptography, argon2-cffi,
# Authlib/joserfc (OAuth, JOSE), pyotp (RFC 6238 over hmac). Anything else that does cryptography is refused.
VETTED = {"hashlib", "hmac", "secrets", "cryptography", "argon2", "joserfc", "authlib", "pyotp"}
# The `random` module is V11.5.1's scan (tests/security/test_asvs_code.py), so it is not repeated here.
HOMEMADE_OR_UNVETTED = {"Crypto", "Cryptodome", "rsa", "ecdsa", "pyaes", "simplecrypt", "tlslite", "nacl", "jwt",
                        "jose", "itsdangerous", "passlib", "bcrypt", "crypt"}  # fmt: skip
WEAK_MODES = {"ECB", "PKCS1v15", "TripleDES", "Blowfish", "ARC4", "CAST5", "IDEA", "SEED", "DES"}


@cache
def trees() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(), str(path))) for path in sorted(SRC.rglob("*.py"))]


def imported_roots(tree: ast.Module) -> set[str]:
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.asvs("V11.2.1")
def test_cryptography_comes_only_from_vetted_libraries() -> None:
    used, offenders = set(), []
    for path, tree in trees():
        roots = imported_roots(tree)
        used |= roots & VETTED
        for bad in roots & HOMEMADE_OR_UNVETTED:
            offenders.append(f"{path.relative_to(SRC)} imports {bad}")
    assert offenders == []
    assert {"hashlib", "hmac", "secrets", "cryptography", "argon2"} <= used  # the scan does see the real ones


@pytest.mark.asvs("V11.3.1")
def test_no_insecure_block_modes_paddings_or_ciphers() -> None:
    offenders, scanned = [], 0
    for path, tree in trees():
        if "cryptography" not in imported_roots(tree):
            continue  # weak modes and ciphers can only come from pyca/cryptography (the only cipher library allowed)
        scanned += 1
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute | ast.Name):
                name = node.attr if isinstance(node, ast.Attribute) else node.id
                if name in WEAK_MODES:
                    offenders.append(f"{path.relative_to(SRC)}:{node.lineno} {name}")
    assert scanned and offenders == []


@pytest.mark.asvs("V11.3.3")
def test_encrypted_mfa_seeds_are_integrity_protected(session: Session) -> None:
    user, _ = service.create_user(session, None, f"seed-{secrets.token_hex(3)}", password="a long enough password")
    seed, _, _ = mfa.begin_enrolment(session, user)
    factor = session.get(MfaFactor, mfa.factor_of(session, user.id).id)  # type: ignore[union-attr]
    assert factor is not None and seed not in factor.secret_encrypted  # encrypted at rest
    original = factor.secret_encrypted
    for position in (len(original) // 2, len(original) - 5):
        flipped = original[position - 1] + ("A" if original[position] != "A" else "B")
        factor.secret_encrypted = original[: position - 1] + flipped + original[position + 1 :]
        with pytest.raises(Conflict, match="cannot be decrypted"):
            mfa.verify_totp(factor, "123456")
    factor.secret_encrypted = original
    mfa.verify_totp(factor, "000000")  # the untouched ciphertext still decrypts


@pytest.mark.asvs("V11.4.3")
def test_audit_chain_uses_domain_separated_sha256() -> None:
    entry = {"seq": 1, "ts": "2026-01-01T00:00:00+00:00", "action": "x", "prev_hash": "0" * 64}
    digest = chain.entry_hash(entry)
    assert len(digest) == 64 and digest == chain.fields_hash(*[entry.get(k) for k in chain.HASHED_FIELDS])
    # The same bytes hashed as an entry and as a checkpoint never collide: each kind has its own prefix.
    plain = hashlib.sha256(chain.canonical(entry)).hexdigest()
    assert digest != plain
    key = secrets.token_bytes(32)
    mac = chain.checkpoint_mac(key, 1, digest)
    assert len(mac) == 64 and chain.mac_ok(key, 1, digest, mac) and not chain.mac_ok(key, 2, digest, mac)
    assert digest != chain.entry_hash({**entry, "action": "y"})


@pytest.mark.asvs("V11.2.3")
def test_every_secret_tandem_makes_has_at_least_128_bits(session: Session) -> None:
    user, one_time = service.create_user(session, None, f"bits-{secrets.token_hex(3)}")
    assert one_time and len(one_time) * 6 >= 90  # one-time password: 15 random bytes (120 bits), must be changed
    _, token = tokens.new_token(session, user, "bits", ["*:read"], None)
    assert len(token.split("_", 2)[2]) * 6 >= 256  # tdm_<prefix>_<secret>: the secret is 32 random bytes
    new = sessions.start_session(session, user, "127.0.0.1", "test")
    assert len(new.cookie_value) * 6 >= 256 and len(new.row.csrf_token) * 6 >= 256
    seed, _, _ = mfa.begin_enrolment(session, user)
    assert len(seed) * 5 >= 160  # base32 TOTP seed: 160 bits
    assert len(sealing._derive(b"tandem mfa totp seeds v2 aes-256-gcm")) * 8 == 256  # the AES-GCM key of seeds
