"""Password hashing (argon2id) and the ASVS 5.0 V6.2 password policy."""

from __future__ import annotations

import gzip
import secrets
from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tandem.platform.errors import FieldError, InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 128
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A real hash to verify against when the user does not exist, so timing does not reveal user names.

    Made on first use, not at import: a hash costs ~0.2 s, which every command-line run would otherwise pay."""
    return _hasher.hash(secrets.token_urlsafe(16))


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Return the shipped list of common passwords, lower-cased."""
    raw = resources.files("tandem.platform.auth").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip().lower() for line in gzip.decompress(raw).decode().splitlines())


# Words an attacker guessing passwords for this installation tries first (ASVS V6.2.11); callers may add the
# organisation's own name.
CONTEXT_WORDS = ("tandem",)


def check_policy(
    password: str, username: str = "", field: str = "password", context_words: tuple[str, ...] = ()
) -> None:
    """Raise InvalidInput naming every way the password breaks the policy."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        problems.append(f"must be at most {MAX_LENGTH} characters")
    if password.lower() in common_passwords():
        problems.append("is on the list of commonly used passwords")
    if username and username.lower() in password.lower():
        problems.append("must not contain the user name")
    lowered = password.lower()
    for word in (*CONTEXT_WORDS, *context_words):
        if len(word) >= 4 and word.lower() in lowered:
            problems.append(f"must not contain the word {word!r} (the product's or organisation's name)")
            break
    if problems:
        raise InvalidInput([FieldError(field, p) for p in problems])


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return whether password matches; spends the same time when there is no hash."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Return whether the hash uses outdated parameters."""
    return _hasher.check_needs_rehash(password_hash)


def generate_password() -> str:
    """Return a random one-time password that satisfies the policy."""
    return secrets.token_urlsafe(15)
