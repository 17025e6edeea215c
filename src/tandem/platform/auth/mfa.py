"""TOTP second factor with single-use recovery codes, and the per-role policy that requires it."""

from __future__ import annotations

import hmac
import secrets
import time
import uuid
from collections.abc import Iterable

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, object_session

from tandem.platform.audit.writer import record_event
from tandem.platform.auth import sealing
from tandem.platform.auth.models import Meta, MfaFactor, RecoveryCode, User
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.auth.roles import ROLES
from tandem.platform.auth.sessions import end_all_sessions
from tandem.platform.config import get_settings
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, InvalidInput, NotFound

POLICY_KEY = "mfa.required_roles"
ISSUER = "Tandem"
STEP_SECONDS = 30
RECOVERY_CODES = 10
# 10 symbols from 31 unambiguous characters: about 49.5 bits per code (ASVS asks for at least 20).
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 10
# Codes carry ~50 bits of their own entropy (no dictionary to try), so a light argon2id cost is enough
# and keeps checking up to ten of them quick.
_code_hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


# --- policy ----------------------------------------------------------------------------------


def required_roles(session: Session) -> frozenset[str]:
    """Return the roles whose holders must use MFA (none when the policy was never set)."""
    row = session.get(Meta, POLICY_KEY)
    return frozenset(r for r in (row.value.split(",") if row else []) if r)


def set_required_roles(session: Session, roles: Iterable[str]) -> frozenset[str]:
    """Set the MFA policy to the given roles (empty = MFA optional for everyone)."""
    wanted = frozenset(r.strip() for r in roles if r.strip())
    if unknown := wanted - set(ROLES):
        raise InvalidInput.one("roles", f"unknown roles {', '.join(sorted(unknown))}; choose from {', '.join(ROLES)}")
    value = ",".join(sorted(wanted))
    row = session.get(Meta, POLICY_KEY)
    if row is None:
        session.add(Meta(key=POLICY_KEY, value=value))
    else:
        row.value = value
    record_event(session, "auth.mfa_policy", "platform_meta", POLICY_KEY, {"required_roles": value})
    session.flush()
    return wanted


def seed_policy(session: Session) -> None:
    """Write the default policy (TANDEM_MFA_REQUIRED_ROLES) for a new installation, if none is set."""
    if session.get(Meta, POLICY_KEY) is None:
        set_required_roles(session, get_settings().mfa_required_roles.split(","))


def must_enrol(user: User) -> bool:
    """Return whether a local user holds a role that requires MFA and has not enrolled yet."""
    session = object_session(user)
    if session is None or user.password_hash is None or not user.grants:
        return False  # SSO users have no local password: their identity provider does MFA
    required = required_roles(session)
    if not required or not {g.role for g in user.grants} & required:
        return False
    return not is_enabled(session, user.id)


# --- the TOTP factor -------------------------------------------------------------------------


_SEALED_AS = "mfa totp seeds"  # the v1 (Fernet) key was derived with info b"tandem mfa totp seeds v1"


def _seal(seed: str, user_id: uuid.UUID) -> str:
    return sealing.seal(seed, _SEALED_AS, str(user_id))


def _seed(factor: MfaFactor) -> str:
    try:
        return sealing.unseal(factor.secret_encrypted, _SEALED_AS, str(factor.user_id))
    except sealing.SealBroken:
        raise Conflict(
            "the MFA secret cannot be decrypted (was the secret key changed?); ask for an MFA reset"
        ) from None


def factor_of(session: Session, user_id: uuid.UUID) -> MfaFactor | None:
    """Return the user's TOTP factor (enabled or still being enrolled)."""
    return session.scalars(select(MfaFactor).where(MfaFactor.user_id == user_id)).first()


def is_enabled(session: Session, user_id: uuid.UUID) -> bool:
    """Return whether the user has a confirmed TOTP factor."""
    factor = factor_of(session, user_id)
    return factor is not None and factor.enabled_at is not None


def begin_enrolment(session: Session, user: User) -> tuple[str, str, str]:
    """Start enrolment with a fresh seed; return (seed, otpauth URI, QR code SVG) to show once."""
    factor = factor_of(session, user.id)
    if factor is not None and factor.enabled_at is not None:
        raise Conflict("MFA is already on; turn it off first to enrol a new authenticator")
    seed = pyotp.random_base32(32)  # 160 bits from the secrets module
    encrypted = _seal(seed, user.id)
    if factor is None:
        session.add(MfaFactor(user_id=user.id, secret_encrypted=encrypted, last_step=0))
    else:
        factor.secret_encrypted, factor.last_step = encrypted, 0
    session.flush()
    uri = pyotp.TOTP(seed).provisioning_uri(name=user.username, issuer_name=ISSUER)
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff", title="MFA enrolment QR code")
    return seed, uri, svg


def _matching_step(seed: str, code: str, now: float) -> int | None:
    """Return the step (current ±1, ASVS V6.5.5) whose code equals the given one."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(seed)
    current = int(now) // STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def verify_totp(factor: MfaFactor, code: str, now: float | None = None) -> bool:
    """Check a TOTP code, refusing a code from a step already used (replay)."""
    seed = _seed(factor)
    step = _matching_step(seed, code, time.time() if now is None else now)
    if step is None or step <= factor.last_step:
        return False
    factor.last_step = step
    if not sealing.is_current(factor.secret_encrypted):  # a seed sealed before AES-GCM moves to it on use
        factor.secret_encrypted = _seal(seed, factor.user_id)
    return True


def confirm_enrolment(session: Session, user: User, code: str) -> list[str]:
    """Turn MFA on once the user proves their authenticator works; return recovery codes to show once."""
    factor = factor_of(session, user.id)
    if factor is None or factor.enabled_at is not None:
        raise Conflict("there is no enrolment in progress; start again")
    if not verify_totp(factor, code):
        raise InvalidInput.one("code", "is not the current code of the authenticator; check its clock and retry")
    factor.enabled_at = utcnow()
    record_event(session, "auth.mfa_enabled", "users", str(user.id), {"username": user.username})
    return new_recovery_codes(session, user)


# --- recovery codes --------------------------------------------------------------------------


def _normalise(code: str) -> str:
    return "".join(c for c in code.lower() if c.isalnum())


def generate_code() -> str:
    """Return a random recovery code shown as xxxxx-xxxxx."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODES fresh ones; only hashes are kept."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [generate_code() for _ in range(RECOVERY_CODES)]
    for code in codes:
        session.add(RecoveryCode(user_id=user.id, code_hash=_code_hasher.hash(_normalise(code))))
    record_event(session, "auth.mfa_recovery_codes", "users", str(user.id), {"count": len(codes)})
    session.flush()
    return codes


def use_recovery_code(session: Session, user_id: uuid.UUID, code: str) -> bool:
    """Accept an unused recovery code once, marking it used."""
    wanted = _normalise(code)
    if len(wanted) != CODE_LENGTH:
        return False
    unused = select(RecoveryCode).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    for row in session.scalars(unused):
        try:
            _code_hasher.verify(row.code_hash, wanted)
        except (VerificationError, InvalidHashError):
            continue
        row.used_at = utcnow()
        record_event(session, "auth.mfa_recovery_used", "users", str(user_id), {})
        return True
    return False


def remaining_codes(session: Session, user_id: uuid.UUID) -> int:
    """Return how many recovery codes are still unused."""
    rows = session.scalars(
        select(RecoveryCode.id).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    )
    return len(list(rows))


def check_second_factor(session: Session, user: User, code: str) -> str | None:
    """Return "totp" or "recovery" if the code is accepted, else None."""
    factor = factor_of(session, user.id)
    if factor is None or factor.enabled_at is None:
        return None
    if verify_totp(factor, code):
        return "totp"
    if use_recovery_code(session, user.id, code):
        return "recovery"
    return None


# --- changes by the user and by administrators -----------------------------------------------


def regenerate_codes(session: Session, user: User, code: str) -> list[str]:
    """Issue new recovery codes (the old ones stop working) after a current TOTP code."""
    factor = factor_of(session, user.id)
    if factor is None or factor.enabled_at is None:
        raise Conflict("MFA is not on")
    if not verify_totp(factor, code):
        raise InvalidInput.one("code", "is not the current code of your authenticator")
    return new_recovery_codes(session, user)


def disable(session: Session, user: User, code: str) -> None:
    """Turn MFA off after a current code (TOTP or recovery); refused where the policy requires it."""
    if not is_enabled(session, user.id):
        raise Conflict("MFA is not on")
    if check_second_factor(session, user, code) is None:
        raise InvalidInput.one("code", "is not a current code of your authenticator or an unused recovery code")
    if {g.role for g in user.grants} & required_roles(session):
        raise Conflict("your role requires MFA; ask an administrator to reset it if you lost your authenticator")
    _remove(session, user.id)
    record_event(session, "auth.mfa_disabled", "users", str(user.id), {"username": user.username})


def _remove(session: Session, user_id: uuid.UUID) -> None:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    factor = factor_of(session, user_id)
    if factor is not None:
        session.delete(factor)
    session.flush()


def admin_reset(session: Session, principal: Principal | None, user_id: uuid.UUID) -> User:
    """Remove a user's MFA (lost authenticator) and end their sessions; they enrol again at next sign-in."""
    if principal is not None:
        require(session, principal, "users.edit")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user not found")
    _remove(session, user.id)
    end_all_sessions(session, user.id)
    record_event(session, "auth.mfa_reset", "users", str(user.id), {"username": user.username})
    return user
