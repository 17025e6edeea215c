"""Judge self-identifying candidates (e-mail, phone, SSN, card, IBAN, IP, keys, tokens) by validator and context.

A judge gets the text, the candidate's start, its possible ends (longest first), the rule that found it and
the text's layout, and returns a detection or None.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import validators as v
from .context import is_non_pii_key, key_before, preceded_by_version_word, type_for_key
from .findings import Detection
from .layout import Layout
from .types import Member as M

Judge = Callable[[str, int, tuple[int, ...], str, Layout], "Detection | None"]

_PEM_END = re.compile(r"-----END[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----")
_SSN_WORDS = ("ssn", "social security", "soc sec", "soc. sec")
_MAX_PEM = 64 * 1024


def _field(text: str, start: int, layout: Layout) -> str | None:
    key = layout.key_at(start)
    return key if key is not None else key_before(text, start)


def _not_reference(text: str, start: int, layout: Layout) -> bool:
    key = _field(text, start, layout)
    return key is None or not is_non_pii_key(key)


def _email(text: str, start: int, ends: tuple[int, ...], rule: str, layout: Layout) -> Detection | None:
    # Hyperscan reports every end of a match; the longest one that validates is the value.
    for end in ends:
        if v.is_email(text[start:end]):
            return Detection(M.EMAIL, start, end, 0.95, rule)
    return None


def _phone(text: str, start: int, ends: tuple[int, ...], rule: str, layout: Layout) -> Detection | None:
    for end in ends:
        if v.is_phone(text[start:end]):
            break
    else:
        return None
    if preceded_by_version_word(text, start):
        return None
    key = _field(text, start, layout)
    if key is not None and is_non_pii_key(key):
        return None
    confidence = 0.9 if key is not None and type_for_key(key) is M.PHONE else 0.7
    return Detection(M.PHONE, start, end, confidence, rule)


def _ssn(text: str, start: int, ends: tuple[int, ...], rule: str, layout: Layout) -> Detection | None:
    end = ends[0]
    value = text[start:end]
    key = _field(text, start, layout)
    keyed = type_for_key(key) if key is not None else None
    window = text[max(0, start - 40) : start].lower()
    if keyed is M.US_ITIN or "itin" in window or "taxpayer" in window:
        digits = value.replace("-", "").replace(" ", "")
        if v.itin_ok(digits[:3], digits[3:5]):
            return Detection(M.US_ITIN, start, end, 0.85, rule)
    if not v.is_ssn(value) or (key is not None and is_non_pii_key(key)):
        return None
    confidence = 0.95 if keyed is M.US_SSN or any(word in window for word in _SSN_WORDS) else 0.7
    if rule == "ssn_spaced" and confidence < 0.9:
        confidence = 0.45  # three space-separated numbers are too common to report without context
    return Detection(M.US_SSN, start, end, confidence, rule)


def _card(text: str, start: int, ends: tuple[int, ...], rule: str, layout: Layout) -> Detection | None:
    for end in ends:
        if v.is_card(text[start:end]):
            confidence = 0.9 if _not_reference(text, start, layout) else 0.6
            return Detection(M.CREDIT_CARD, start, end, confidence, rule)
    return None


def _iban(text: str, start: int, ends: tuple[int, ...], rule: str, layout: Layout) -> Detection | None:
    for end in ends:
        if v.is_iban(text[start:end]):
            return Detection(M.IBAN, start, end, 0.95, rule)
    return None


def _ipv4(text: str, start: int, ends: tuple[int, ...], rule: str, layout: Layout) -> Detection | None:
    end = ends[0]
    if not v.is_ipv4(text[start:end]) or preceded_by_version_word(text, start):
        return None
    if not _not_reference(text, start, layout):
        return None
    return Detection(M.IP_ADDRESS, start, end, 0.85, rule)


def _ipv6(text: str, start: int, ends: tuple[int, ...], rule: str, layout: Layout) -> Detection | None:
    for end in ends:
        if v.is_ipv6(text[start:end]):
            return Detection(M.IP_ADDRESS, start, end, 0.85, rule)
    return None


def _aws_key_id(text: str, start: int, ends: tuple[int, ...], rule: str, layout: Layout) -> Detection | None:
    return Detection(M.AWS_ACCESS_KEY_ID, start, ends[0], 0.95, rule)


def _github(text: str, start: int, ends: tuple[int, ...], rule: str, layout: Layout) -> Detection | None:
    token = text[start : ends[0]]
    confidence = 0.99 if token.startswith("github_pat_") or v.github_checksum_ok(token) else 0.9
    return Detection(M.GITHUB_TOKEN, start, ends[0], confidence, rule)


def _private_key(text: str, start: int, ends: tuple[int, ...], rule: str, layout: Layout) -> Detection | None:
    match = _PEM_END.search(text, ends[0], ends[0] + _MAX_PEM)
    end = match.end() if match else ends[0]
    return Detection(M.PRIVATE_KEY, start, end, 0.99 if match else 0.8, rule)


def _jwt(text: str, start: int, ends: tuple[int, ...], rule: str, layout: Layout) -> Detection | None:
    end = ends[0]
    return Detection(M.JWT, start, end, 0.95, rule) if v.is_jwt(text[start:end]) else None


JUDGES: dict[str, Judge] = {
    "email": _email,
    "phone_us": _phone,
    "phone_intl": _phone,
    "ssn_dashed": _ssn,
    "ssn_spaced": _ssn,
    "card_plain": _card,
    "card_grouped": _card,
    "iban_compact": _iban,
    "iban_print": _iban,
    "ipv4": _ipv4,
    "ipv6": _ipv6,
    "aws_key_id": _aws_key_id,
    "github_token": _github,
    "private_key": _private_key,
    "jwt": _jwt,
}
