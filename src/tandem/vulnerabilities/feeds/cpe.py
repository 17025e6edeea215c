"""CPE 2.3 names: formatted-string and 2.2 URI parsing, and attribute matching per NISTIR 7696."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from urllib.parse import unquote

ANY = "*"
NA = "-"
ATTRIBUTES = (
    "part",
    "vendor",
    "product",
    "version",
    "update",
    "edition",
    "language",
    "sw_edition",
    "target_sw",
    "target_hw",
    "other",
)
_FS_PREFIX = "cpe:2.3:"
_URI_PREFIX = "cpe:/"
# Split on colons not preceded by an escaping backslash (an escaped backslash before a colon is rare enough
# that NVD never emits it; the parser still handles it through _split_fs).
_UNESCAPED_WILDCARD = re.compile(r"(?<!\\)[*?]")
_URI_PLAIN = re.compile(r"[A-Za-z0-9_.\-]*\Z")


class CpeError(ValueError):
    """A string is not a valid CPE name."""


class Relation(Enum):
    """Set relation between a source and a target attribute value (NISTIR 7696 Table 6-2)."""

    EQUAL = "equal"
    SUPERSET = "superset"
    SUBSET = "subset"
    DISJOINT = "disjoint"
    UNDEFINED = "undefined"


@dataclass(frozen=True, slots=True)
class Cpe:
    """A CPE name as 11 attribute values; `*` is ANY, `-` is NA, other values keep FS escaping."""

    part: str
    vendor: str
    product: str
    version: str = ANY
    update: str = ANY
    edition: str = ANY
    language: str = ANY
    sw_edition: str = ANY
    target_sw: str = ANY
    target_hw: str = ANY
    other: str = ANY

    @property
    def key(self) -> tuple[str, str, str]:
        """Return the (part, vendor, product) index key."""
        return (self.part, self.vendor, self.product)

    def values(self) -> tuple[str, ...]:
        """Return the 11 attribute values in WFN order."""
        return tuple(getattr(self, a) for a in ATTRIBUTES)

    def to_fs(self) -> str:
        """Format as a CPE 2.3 formatted string."""
        return _FS_PREFIX + ":".join(self.values())


def _split_fs(body: str) -> list[str]:
    fields, current, escaped = [], [], False
    for ch in body:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            current.append(ch)
            escaped = True
        elif ch == ":":
            fields.append("".join(current))
            current = []
        else:
            current.append(ch)
    fields.append("".join(current))
    return fields


@lru_cache(maxsize=200_000)
def parse_fs(text: str) -> Cpe:
    """Parse a CPE 2.3 formatted string (`cpe:2.3:a:vendor:product:…`), splitting on unescaped colons only."""
    if not text.lower().startswith(_FS_PREFIX):
        raise CpeError(f"not a CPE 2.3 formatted string: {text!r}")
    fields = _split_fs(text[len(_FS_PREFIX) :])
    if len(fields) != len(ATTRIBUTES):
        raise CpeError(f"CPE 2.3 string needs 11 attributes, got {len(fields)}: {text!r}")
    values = [f.lower() if f else ANY for f in fields]
    if values[0] not in ("a", "o", "h", ANY):
        raise CpeError(f"CPE part must be a, o or h: {text!r}")
    return Cpe(*values)


def _uri_value(raw: str) -> str:
    if raw == "":
        return ANY
    if raw == "-":
        return NA
    if _URI_PLAIN.match(raw):
        return raw.lower()  # nothing to decode or escape: the common case, kept cheap for bulk inventories
    decoded = unquote(raw).lower()
    # Re-escape the characters FS escaping requires so both bindings compare alike.
    return re.sub(r"([^A-Za-z0-9_.\-])", r"\\\1", decoded)


@lru_cache(maxsize=200_000)
def parse_uri(text: str) -> Cpe:
    """Parse a CPE 2.2 URI (`cpe:/a:vendor:product:version`, as nmap and Greenbone emit), unpacking `~` editions."""
    if not text.lower().startswith(_URI_PREFIX):
        raise CpeError(f"not a CPE 2.2 URI: {text!r}")
    fields = text[len(_URI_PREFIX) :].split(":")
    if len(fields) > 7 or not fields[0]:
        raise CpeError(f"CPE 2.2 URI has too many or no fields: {text!r}")
    fields += [""] * (7 - len(fields))
    part, vendor, product, version, update, edition, language = fields
    extended = ["", "", "", "", ""]
    if edition.startswith("~"):
        packed = edition.split("~")[1:]
        if len(packed) != 5:
            raise CpeError(f"packed edition needs 5 fields: {text!r}")
        extended = packed
    else:
        extended[0] = edition
    values = [part.lower(), vendor, product, version, update, extended[0], language, *extended[1:]]
    cpe = Cpe(values[0], *(_uri_value(v) for v in values[1:]))
    if cpe.part not in ("a", "o", "h"):
        raise CpeError(f"CPE part must be a, o or h: {text!r}")
    return cpe


def parse_cpe(text: str) -> Cpe:
    """Parse either binding: a 2.3 formatted string or a 2.2 URI."""
    stripped = text.strip()
    return parse_fs(stripped) if stripped.lower().startswith(_FS_PREFIX) else parse_uri(stripped)


def unescape(value: str) -> str:
    """Return the logical value of an FS-escaped attribute (`1\\.0` → `1.0`)."""
    return re.sub(r"\\(.)", r"\1", value) if "\\" in value else value


def has_wildcard(value: str) -> bool:
    """Tell whether a value holds an unescaped `*` or `?` wildcard (other than the bare ANY)."""
    return value != ANY and _UNESCAPED_WILDCARD.search(value) is not None


@lru_cache(maxsize=50_000)
def _wildcard_regex(value: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            out.append(re.escape(value[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return re.compile("".join(out) + r"\Z")


def compare_values(source: str, target: str) -> Relation:
    """Compare one source (criterion) attribute with one target (inventory) attribute per Table 6-2."""
    if has_wildcard(target):
        return Relation.UNDEFINED
    if source == ANY:
        return Relation.EQUAL if target == ANY else Relation.SUPERSET
    if target == ANY:
        return Relation.SUBSET
    if source == NA or target == NA:
        # NA is a value of its own, never a wildcard: `-` matches only `-` (Dependency-Track #3268).
        return Relation.EQUAL if source == target else Relation.DISJOINT
    if has_wildcard(source):
        return Relation.SUPERSET if _wildcard_regex(source).match(unescape(target)) else Relation.DISJOINT
    return Relation.EQUAL if unescape(source) == unescape(target) else Relation.DISJOINT


def name_matches(source: Cpe, target: Cpe, skip: frozenset[str] = frozenset()) -> bool:
    """Tell whether `source` names a superset of (or the same as) `target`; attributes in `skip` are ignored."""
    for attr in ATTRIBUTES:
        if attr in skip:
            continue
        if compare_values(getattr(source, attr), getattr(target, attr)) not in (Relation.EQUAL, Relation.SUPERSET):
            return False
    return True
