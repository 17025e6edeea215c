"""Context rules: what a field name says about its values, and which nearby words support or veto a type."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from .types import EntityType as T

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = re.compile(r"[^a-z0-9]+")

# Field-name tokens per type; a field is typed when one of its tokens (or joined pairs) is listed.
_KEY_TOKENS: dict[T, frozenset[str]] = {
    T.DATE_OF_BIRTH: frozenset({"dob", "birth", "birthday", "birthdate", "bday", "born", "geburtsdatum", "nacimiento"}),
    T.US_PASSPORT: frozenset({"passport", "passportno", "passportnumber"}),
    T.US_DRIVER_LICENSE: frozenset({"dl", "dln", "driver", "drivers", "driving", "licence", "license", "dlnumber"}),
    T.MEDICAL_RECORD_NUMBER: frozenset({"mrn", "medical", "chart", "emr", "ehr", "patientid", "mrnumber"}),
    T.US_SSN: frozenset({"ssn", "social", "socsec"}),
    T.US_ITIN: frozenset({"itin"}),
    T.PHONE: frozenset({"phone", "tel", "telephone", "mobile", "cell", "fax", "msisdn", "cellphone"}),
    T.PERSON: frozenset(
        {"name", "fullname", "firstname", "lastname", "surname", "forename", "customer", "applicant", "patient",
         "employee", "contact", "person", "owner", "holder", "cardholder", "recipient", "beneficiary", "manager",
         "author", "assignee", "first", "last", "given", "family", "client", "member", "payee", "guardian"}
    ),
    T.AWS_SECRET_ACCESS_KEY: frozenset(),
    T.SECRET: frozenset(
        {"password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "api", "auth", "credential",
         "credentials", "privatekey", "clientsecret", "accesskey", "bearer"}
    ),
}  # fmt: skip
# Tokens that make a field something else even when a typed token is present (`company_name`, `customer_id`).
_VETO: dict[T, frozenset[str]] = {
    T.PERSON: frozenset(
        {"company", "org", "organization", "organisation", "business", "city", "town", "country", "state", "street",
         "product", "file", "filename", "host", "hostname", "server", "app", "bank", "vendor", "provider", "brand",
         "project", "team", "department", "dept", "id", "number", "no", "num", "email", "mail", "phone", "type",
         "code", "ref", "date", "dob", "user", "username", "login", "domain", "account", "ssn", "address", "key",
         "group", "role", "tag", "field", "column", "table", "schema", "queue", "event", "service", "since", "count"}
    ),
    T.US_DRIVER_LICENSE: frozenset(
        {"state", "class", "type", "expiry", "expires", "issued", "software", "plate", "key", "server", "url"}
    ),
    T.US_PASSPORT: frozenset({"country", "expiry", "expires", "issued", "type"}),
    T.MEDICAL_RECORD_NUMBER: frozenset({"date", "type", "provider", "specialty", "device"}),
    T.DATE_OF_BIRTH: frozenset({"place", "country", "city"}),
    T.PHONE: frozenset({"type", "country", "ext", "extension", "verified"}),
    T.SECRET: frozenset(
        {"id", "type", "expires", "expiry", "url", "uri", "name", "length", "policy", "hint", "count", "at", "reset"}
    ),
}  # fmt: skip
# Field names that mark values as versions, builds or references: never IPs, phones or SSNs.
_NOT_PII_KEYS = frozenset(
    {"version", "ver", "build", "release", "firmware", "fw", "sdk", "agent", "useragent", "ua", "checksum", "sha",
     "sha1", "sha256", "md5", "hash", "uuid", "guid", "order", "invoice", "tracking", "sku", "part", "txn",
     "transaction", "session", "request"}
)  # fmt: skip
_PRIORITY = (
    T.AWS_SECRET_ACCESS_KEY,
    T.DATE_OF_BIRTH,
    T.US_PASSPORT,
    T.US_DRIVER_LICENSE,
    T.MEDICAL_RECORD_NUMBER,
    T.US_ITIN,
    T.US_SSN,
    T.PHONE,
    T.SECRET,
    T.PERSON,
)


def key_words() -> frozenset[str]:
    """Return the shortest typed field-name tokens: every typed field name contains one (case and `_.-` aside)."""
    words = set().union(*_KEY_TOKENS.values())
    return frozenset(w for w in words if not any(other != w and other in w for other in words))


def key_tokens(key: str) -> tuple[str, ...]:
    """Split a field name or path (`patient.dateOfBirth`, `DL_NUMBER`) into lower-case tokens."""
    spaced = _CAMEL.sub("_", key).lower()
    return tuple(token for token in _SPLIT.split(spaced) if token)


def _token_set(key: str) -> frozenset[str]:
    tokens = key_tokens(key)
    # Joined neighbours catch names written without separators (`firstname`, `passportno`).
    pairs = {a + b for a, b in pairwise(tokens)}
    return frozenset(tokens) | pairs


@lru_cache(maxsize=8192)
def type_for_key(key: str) -> T | None:
    """Return the context-only type a field name announces for its values, if any."""
    tokens = _token_set(key.rsplit(".", 1)[-1].rsplit("/", 1)[-1])
    if "aws" in tokens and ("secret" in tokens or "secretaccesskey" in tokens):
        return T.AWS_SECRET_ACCESS_KEY
    if "secret" in tokens and "access" in tokens and "key" in tokens:
        return T.AWS_SECRET_ACCESS_KEY
    for entity in _PRIORITY:
        if tokens & _KEY_TOKENS[entity] and not tokens & _VETO.get(entity, frozenset()):
            return entity
    return None


@lru_cache(maxsize=8192)
def is_non_pii_key(key: str) -> bool:
    """Return whether a field name marks versions, hashes or business references."""
    return bool(_token_set(key) & _NOT_PII_KEYS)


# Words just before a dotted quad that make it a version number, not an address. Patterns that must end
# where a value starts are written reversed and matched at the start of the reversed window: a `$`-anchored
# search would try every position of the window.
_VERSION_WORDS_REVERSED = re.compile(
    r"\s*[:=#]?\s*(?:v\b|\.?rev\b|noisrev|dliub|esaeler|erawmrif|wf|tnega|kds|ot\s+[ds]?etadpu|ot\s+dedargpu)",
    re.IGNORECASE,
)


def reversed_before(text: str, start: int, width: int) -> str:
    """Return the `width` characters before `start`, reversed (for patterns anchored at `start`)."""
    return text[max(0, start - width) : start][::-1]


def match_reversed(pattern: re.Pattern[str], window: str) -> re.Match[str] | None:
    """Match a reversed pattern at the start of a reversed window, as `$` would: a final newline may be skipped."""
    match = pattern.match(window)
    if match is None and window.startswith("\n"):
        match = pattern.match(window, 1)
    return match


# The last characters of the version words (`v`, `ver.`, `version`, `build`, ..., `updated to`): a window
# whose last word ends otherwise cannot match (a cheap test before the regex).
_VERSION_WORD_ENDS = frozenset("vrndewtko.VRNDEWTKO")


def preceded_by_version_word(text: str, start: int) -> bool:
    """Return whether the words just before `start` call the value a version."""
    if start and text[start - 1] == "/":
        return True
    head = text[max(0, start - 30) : start].rstrip()
    if head[-1:] in (":", "=", "#"):
        head = head[:-1].rstrip()
    if not head or head[-1] not in _VERSION_WORD_ENDS:
        return False
    return match_reversed(_VERSION_WORDS_REVERSED, reversed_before(text, start, 30)) is not None


# `"key": "`, `key=` (reversed: the longest name that starts with a letter or `_`) and `<key attr>`.
_KEY_BEFORE_REVERSED = re.compile(r"[\"']?\s{0,3}[:=]\s{0,3}[\"']?([\w.-]{0,60}[A-Za-z_])")
_TAG_BEFORE = re.compile(r"<([A-Za-z_][\w:.-]*)[^<>]*>$")


def key_before(text: str, start: int) -> str | None:
    """Return the field name written right before a value (`"key": "`, `key=`, `<key>`), if any."""
    if not start:
        return None
    before = text[start - 1]
    if before == ">" or (before == "\n" and text[start - 2 : start] == ">\n"):
        match = _TAG_BEFORE.search(text, max(0, start - 70), start)
        return match.group(1) if match else None
    # A cheap test first: the value must follow `:` or `=` and blanks or quotes (most values in prose do not).
    head = text[max(0, start - 9) : start].rstrip().rstrip("\"'").rstrip()
    if not head or head[-1] not in ":=":
        return None
    match = match_reversed(_KEY_BEFORE_REVERSED, reversed_before(text, start, 70))
    return match.group(1)[::-1] if match else None


_STATE = re.compile(r"\b([A-Z]{2})\b")


def state_between(text: str, start: int, end: int) -> str | None:
    """Return the last two-letter upper-case token in text[start:end] (a US state for licence formats)."""
    found = _STATE.findall(text, start, end)
    return found[-1] if found else None
