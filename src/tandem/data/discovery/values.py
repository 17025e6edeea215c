"""Judge self-identifying candidates (e-mail, phone, SSN, card, IBAN, IP, keys, tokens) by validator and context."""

from __future__ import annotations

import re
from collections.abc import Callable

from . import validators as v
from .context import is_non_pii_key, key_before, preceded_by_version_word, type_for_key
from .findings import Detection
from .layout import Layout
from .matcher import Candidate
from .types import Member as M

_PEM_END = re.compile(r"-----END[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----")
_SSN_WORDS = re.compile(r"ssn|social security|soc\.? sec", re.IGNORECASE)
_ITIN_WORDS = re.compile(r"itin|taxpayer", re.IGNORECASE)
_MAX_PEM = 64 * 1024


def _field(text: str, start: int, layout: Layout) -> str | None:
    cell = layout.cell_at(start)
    return cell.key if cell is not None else key_before(text, start)


def _first_end(text: str, cand: Candidate, check: Callable[[str], bool]) -> int | None:
    # Hyperscan reports every end of a match; the longest one that validates is the value.
    for end in cand.ends[:6]:
        if check(text[cand.start : end]):
            return end
    return None


def _not_reference(text: str, cand: Candidate, layout: Layout) -> bool:
    key = _field(text, cand.start, layout)
    return key is None or not is_non_pii_key(key)


def _email(text: str, cand: Candidate, layout: Layout) -> Detection | None:
    end = _first_end(text, cand, v.is_email)
    return Detection(M.EMAIL, cand.start, end, 0.95, cand.pattern.rule) if end else None


def _phone(text: str, cand: Candidate, layout: Layout) -> Detection | None:
    end = _first_end(text, cand, v.is_phone)
    if end is None or preceded_by_version_word(text, cand.start):
        return None
    key = _field(text, cand.start, layout)
    if key is not None and is_non_pii_key(key):
        return None
    confidence = 0.9 if key is not None and type_for_key(key) is M.PHONE else 0.7
    return Detection(M.PHONE, cand.start, end, confidence, cand.pattern.rule)


def _ssn(text: str, cand: Candidate, layout: Layout) -> Detection | None:
    end = cand.ends[0]
    value = text[cand.start : end]
    key = _field(text, cand.start, layout)
    keyed = type_for_key(key) if key is not None else None
    window = text[max(0, cand.start - 40) : cand.start]
    if keyed is M.US_ITIN or _ITIN_WORDS.search(window):
        digits = value.replace("-", "").replace(" ", "")
        if v.itin_ok(digits[:3], digits[3:5]):
            return Detection(M.US_ITIN, cand.start, end, 0.85, cand.pattern.rule)
    if not v.is_ssn(value) or (key is not None and is_non_pii_key(key)):
        return None
    confidence = 0.95 if keyed is M.US_SSN or _SSN_WORDS.search(window) else 0.7
    if cand.pattern.rule == "ssn_spaced" and confidence < 0.9:
        confidence = 0.45  # three space-separated numbers are too common to report without context
    return Detection(M.US_SSN, cand.start, end, confidence, cand.pattern.rule)


def _card(text: str, cand: Candidate, layout: Layout) -> Detection | None:
    end = _first_end(text, cand, v.is_card)
    if end is None:
        return None
    confidence = 0.9 if _not_reference(text, cand, layout) else 0.6
    return Detection(M.CREDIT_CARD, cand.start, end, confidence, cand.pattern.rule)


def _iban(text: str, cand: Candidate, layout: Layout) -> Detection | None:
    end = _first_end(text, cand, v.is_iban)
    return Detection(M.IBAN, cand.start, end, 0.95, cand.pattern.rule) if end else None


def _ipv4(text: str, cand: Candidate, layout: Layout) -> Detection | None:
    end = cand.ends[0]
    if not v.is_ipv4(text[cand.start : end]) or preceded_by_version_word(text, cand.start):
        return None
    if not _not_reference(text, cand, layout):
        return None
    return Detection(M.IP_ADDRESS, cand.start, end, 0.85, cand.pattern.rule)


def _ipv6(text: str, cand: Candidate, layout: Layout) -> Detection | None:
    end = _first_end(text, cand, v.is_ipv6)
    return Detection(M.IP_ADDRESS, cand.start, end, 0.85, cand.pattern.rule) if end else None


def _aws_key_id(text: str, cand: Candidate, layout: Layout) -> Detection | None:
    return Detection(M.AWS_ACCESS_KEY_ID, cand.start, cand.ends[0], 0.95, cand.pattern.rule)


def _github(text: str, cand: Candidate, layout: Layout) -> Detection | None:
    token = text[cand.start : cand.ends[0]]
    confidence = 0.99 if token.startswith("github_pat_") or v.github_checksum_ok(token) else 0.9
    return Detection(M.GITHUB_TOKEN, cand.start, cand.ends[0], confidence, cand.pattern.rule)


def _private_key(text: str, cand: Candidate, layout: Layout) -> Detection | None:
    match = _PEM_END.search(text, cand.ends[0], cand.ends[0] + _MAX_PEM)
    end = match.end() if match else cand.ends[0]
    return Detection(M.PRIVATE_KEY, cand.start, end, 0.99 if match else 0.8, cand.pattern.rule)


def _jwt(text: str, cand: Candidate, layout: Layout) -> Detection | None:
    end = cand.ends[0]
    return Detection(M.JWT, cand.start, end, 0.95, cand.pattern.rule) if v.is_jwt(text[cand.start : end]) else None


JUDGES: dict[str, Callable[[str, Candidate, Layout], Detection | None]] = {
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
