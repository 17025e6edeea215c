"""The candidate patterns compiled into one Hyperscan database: values that identify themselves, and cues.

Hyperscan has no look-around, so boundaries are checked in Python on each candidate (`left`/`right`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .context import key_words


class Boundary(StrEnum):
    """What may not touch a candidate on one side."""

    NONE = ""
    WORD = "word"  # letters, digits, underscore
    ALNUM_DOT = "alnum_dot"  # also a dot followed by a digit (dotted runs such as versions)
    BASE64 = "base64"


@dataclass(frozen=True)
class Pattern:
    """One Hyperscan expression and how its candidates are judged."""

    rule: str
    regex: str
    left: Boundary = Boundary.WORD
    right: Boundary = Boundary.WORD
    caseless: bool = False
    # True when every character the left boundary blocks could itself start the match, so that the leftmost
    # start of a match is never blocked: the boundary is then compiled into the expression (which Hyperscan
    # scans much faster) without changing any result. It is checked in Python all the same.
    left_implied: bool = False
    # How the start is found in Python instead of by Hyperscan, whose start-of-match tracking (SOM) costs
    # more than the whole rest of the scan for the patterns with long variable prefixes: `email_local`
    # (the local part before the `@`) or `field_name` (the field name before `:`/`=`, also when `regex` is
    # a looser prefilter). Empty: Hyperscan reports the leftmost start.
    start_by: str = ""


_SEP = r"[ .-]"
VALUE_PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "email",
        r"[A-Za-z0-9_%+-][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}",
        left_implied=True,
        start_by="email_local",
    ),
    Pattern("phone_intl", r"\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,5}\)?){1,6}", Boundary.WORD, Boundary.ALNUM_DOT),
    Pattern("phone_us", rf"(?:\+?1{_SEP}?)?(?:\([2-9]\d\d\)\s?|[2-9]\d\d{_SEP})[2-9]\d\d{_SEP}\d{{4}}", Boundary.WORD),
    Pattern("ssn_dashed", r"\d{3}-\d{2}-\d{4}"),
    Pattern("ssn_spaced", r"\d{3} \d{2} \d{4}"),
    Pattern("card_plain", r"\d{13,19}"),
    Pattern("card_grouped", r"\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{1,7}|\d{4}[ -]\d{6}[ -]\d{4,5}"),
    Pattern("iban_compact", r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}"),
    Pattern("iban_print", r"[A-Z]{2}\d{2}(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?"),
    Pattern("ipv4", r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}", Boundary.ALNUM_DOT, Boundary.ALNUM_DOT),
    Pattern("ipv6", r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}", Boundary.ALNUM_DOT, Boundary.ALNUM_DOT),
    Pattern("aws_key_id", r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}"),
    Pattern("github_token", r"gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82}"),
    Pattern("private_key", r"-----BEGIN[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----", Boundary.NONE, Boundary.NONE),
    Pattern("jwt", r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
)

# A field name followed by `:` or `=`: JSON, YAML, logs (`dob=`), env files, XML attributes. Only names that
# contain a typed token (`dob`, `passport`, `name`, ...; separators and case aside) can announce a type, so
# Hyperscan reports only those: most field names in logs and JSON cost nothing. The expression is a prefilter
# from a typed token to the sign; the name's start (and so its left edge) is found in Python.
_KEY_WORDS = "|".join("[_.-]*".join(word) for word in sorted(key_words()))
KEY_PATTERN = Pattern(
    "key",
    rf"(?:{_KEY_WORDS})[A-Za-z0-9_.-]*[\"']?[ \t]?[:=]",
    Boundary.WORD,
    Boundary.NONE,
    caseless=True,
    start_by="field_name",
)

# Words in prose after which a value of a context-only type follows within a few words.
CUE_PATTERNS: tuple[Pattern, ...] = (
    Pattern("cue_dob", r"dob|d\.o\.b\.?|date of birth|birth ?date|birthday|born(?: on)?|geboren", caseless=True),
    Pattern("cue_passport", r"passport(?: (?:no\.?|number|num|#))?", caseless=True),
    Pattern("cue_dl", r"driver'?s?[ _-]?licen[cs]e|driving[ _-]licen[cs]e|DL ?#|DLN", caseless=True),
    Pattern("cue_mrn", r"MRN|medical record(?: number| no\.?| #)?|patient id|chart (?:number|no\.?)", caseless=True),
    Pattern("cue_ssn", r"ssn|social security(?: number| no\.?| #)?", caseless=True),
    Pattern("cue_itin", r"itin|individual taxpayer identification number", caseless=True),
)

ALL_PATTERNS: tuple[Pattern, ...] = (*VALUE_PATTERNS, KEY_PATTERN, *CUE_PATTERNS)
