"""ASVS V11.3.2: secrets stored encrypted (TOTP seeds) use AES-256-GCM with a version prefix, bound to their row;
seeds sealed before (Fernet) still open and move to AES-GCM when next used; any tampering is refused."""

from __future__ import annotations

import base64
import secrets
import time

import pyotp
import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.orm import Session

from tandem.platform.auth import mfa, sealing
from tandem.platform.auth import service as auth
from tandem.platform.auth.models import User
from tandem.platform.config import get_settings
from tandem.platform.errors import Conflict


def _user(session: Session) -> User:
    user, _ = auth.create_user(
        session, None, f"sealed-{secrets.token_hex(3)}", password="correct horse battery staple 42"
    )
    return user


def _fernet_v1(seed: str) -> str:
    """A seed as Tandem stored it before v2 (Fernet under the v1 key)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"tandem mfa totp seeds v1")
    return Fernet(base64.urlsafe_b64encode(hkdf.derive(get_settings().key("secret")))).encrypt(seed.encode()).decode()


@pytest.mark.asvs("V11.3.2")
def test_new_seeds_are_sealed_with_aes_gcm(session: Session) -> None:
    user = _user(session)
    seed, _, _ = mfa.begin_enrolment(session, user)
    factor = mfa.factor_of(session, user.id)
    assert factor is not None
    stored = factor.secret_encrypted
    assert stored.startswith("v2:") and seed not in stored
    raw = base64.urlsafe_b64decode(stored[3:])
    assert len(raw) == 12 + len(seed) + 16  # nonce, ciphertext, GCM tag
    assert sealing.unseal(stored, "mfa totp seeds", str(user.id)) == seed
    again = sealing.seal(seed, "mfa totp seeds", str(user.id))
    assert again != stored  # a fresh nonce every time


@pytest.mark.asvs("V11.3.2")
def test_tampered_or_moved_values_do_not_open() -> None:
    sealed = sealing.seal("JBSWY3DPEHPK3PXP", "mfa totp seeds", "user-1")
    raw = bytearray(base64.urlsafe_b64decode(sealed[3:]))
    raw[-1] ^= 1
    with pytest.raises(sealing.SealBroken):
        sealing.unseal("v2:" + base64.urlsafe_b64encode(bytes(raw)).decode(), "mfa totp seeds", "user-1")
    with pytest.raises(sealing.SealBroken):  # bound to its row: copied onto another user it is refused
        sealing.unseal(sealed, "mfa totp seeds", "user-2")
    with pytest.raises(sealing.SealBroken):
        sealing.unseal("v2:!!not base64!!", "mfa totp seeds", "user-1")


@pytest.mark.asvs("V11.3.2")
def test_seeds_sealed_before_still_verify_and_are_resealed_on_use(session: Session) -> None:
    user = _user(session)
    seed, _, _ = mfa.begin_enrolment(session, user)
    factor = mfa.factor_of(session, user.id)
    assert factor is not None
    factor.secret_encrypted = _fernet_v1(seed)
    now = time.time()
    assert mfa.verify_totp(factor, pyotp.TOTP(seed).at(now), now)
    assert factor.secret_encrypted.startswith("v2:")
    assert sealing.unseal(factor.secret_encrypted, "mfa totp seeds", str(user.id)) == seed
    factor.secret_encrypted = "gAAAAA" + "x" * 80  # garbage in the old format
    with pytest.raises(Conflict, match="cannot be decrypted"):
        mfa.verify_totp(factor, "123456", now)
