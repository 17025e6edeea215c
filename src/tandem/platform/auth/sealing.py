"""Secrets stored encrypted (TOTP seeds): AES-256-GCM, an approved AEAD (ASVS V11.3.2), under a key of their own
derived from the installation secret, bound to the row they belong to.

A sealed value reads `v2:<base64url(nonce ‖ ciphertext ‖ tag)>`. Values written before v2 are Fernet tokens
(AES-128-CBC + HMAC-SHA256, no version prefix): they still open, and are re-sealed as v2 when next written.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tandem.platform.config import get_settings

VERSION = "v2:"
_NONCE_BYTES = 12


class SealBroken(Exception):
    """The value was altered, belongs to another row, or the installation secret changed."""


def _derive(info: bytes) -> bytes:
    # A key of its own per use, derived from the installation secret: the token pepper is never used directly.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(get_settings().key("secret"))


def seal(plaintext: str, purpose: str, bound_to: str) -> str:
    """Encrypt plaintext for purpose (e.g. "mfa totp seeds"), bound to one row (e.g. the user id) as associated data."""
    nonce = os.urandom(_NONCE_BYTES)
    key = _derive(f"tandem {purpose} v2 aes-256-gcm".encode())
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), bound_to.encode())
    return VERSION + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(stored: str, purpose: str, bound_to: str) -> str:
    """Decrypt a value sealed by seal() (or by the Fernet scheme before it); SealBroken if it does not open."""
    if stored.startswith(VERSION):
        try:
            raw = base64.urlsafe_b64decode(stored[len(VERSION) :].encode())
            key = _derive(f"tandem {purpose} v2 aes-256-gcm".encode())
            return AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], bound_to.encode()).decode()
        except (InvalidTag, ValueError) as exc:
            raise SealBroken(str(exc) or "authentication tag mismatch") from None
    try:  # before v2: Fernet under the v1 key
        legacy = Fernet(base64.urlsafe_b64encode(_derive(f"tandem {purpose} v1".encode())))
        return legacy.decrypt(stored.encode()).decode()
    except (InvalidToken, ValueError):
        raise SealBroken("not a sealed value this installation can open") from None


def is_current(stored: str) -> bool:
    """Return whether a stored value already uses the current scheme."""
    return stored.startswith(VERSION)
