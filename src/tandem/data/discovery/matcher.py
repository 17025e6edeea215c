"""One-pass multi-pattern matching with Hyperscan, in `str` offsets, checked for boundaries.

Hyperscan reports every end of a match (a 16-digit run ends a `\\d{13,19}` match four times) and has no
look-around. The right boundary is therefore compiled into each expression as one consumed context byte
(two for "not a dot between digits"), so only ends with a valid right edge are reported; each end keeps
its leftmost start (HS_FLAG_SOM_LEFTMOST), whose left edge is checked here (or compiled in as well where
that cannot change the result). The text is scanned between newline sentinels, so that its start and end
satisfy every context class.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import hyperscan

from .patterns import ALL_PATTERNS, Boundary, Pattern

_MAX_ENDS = 6
_SENTINEL = b"\n"
_WIDE = "\x80"
_W = "A-Za-z0-9_"
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_BASE64 = _WORD | frozenset("+/=")
_DIGITS = frozenset("0123456789")
# Context expressions per boundary and their width; alternatives are compiled as separate expressions so
# that each report's offsets are unambiguous.
_LEFT: dict[Boundary, tuple[tuple[str, int], ...]] = {
    Boundary.NONE: (("", 0),),
    Boundary.WORD: ((f"[^{_W}]", 1),),
    Boundary.ALNUM_DOT: ((f"[^{_W}.:]", 1), ("[^0-9][.:]", 2)),
    Boundary.BASE64: ((f"[^{_W}+/=]", 1),),
}
_RIGHT: dict[Boundary, tuple[tuple[str, int], ...]] = {
    Boundary.NONE: (("", 0),),
    Boundary.WORD: ((f"[^{_W}]", 1),),
    Boundary.ALNUM_DOT: ((f"[^{_W}.:]", 1), ("[.:][^0-9]", 2)),
    Boundary.BASE64: ((f"[^{_W}+/=]", 1),),
}


@dataclass(slots=True)
class Candidate:
    """A pattern match: `ends` holds every end offset for this start, longest first."""

    pattern: Pattern
    start: int
    ends: tuple[int, ...]


@dataclass(frozen=True)
class _Compiled:
    database: hyperscan.Database
    # Per expression id: pattern index, offset to add to the reported start and to subtract from its end.
    meta: tuple[tuple[int, int, int], ...]
    # Per pattern index: its true shape, anchored at the end, when the expression is a looser prefilter.
    shapes: tuple[re.Pattern[str] | None, ...]


@lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    expressions: list[bytes] = []
    flags: list[int] = []
    meta: list[tuple[int, int, int]] = []
    for index, pattern in enumerate(ALL_PATTERNS):
        flag = hyperscan.HS_FLAG_SOM_LEFTMOST | (hyperscan.HS_FLAG_CASELESS if pattern.caseless else 0)
        lefts = _LEFT[pattern.left] if pattern.left_implied or pattern.shape else (("", 0),)
        for left, left_width in lefts:
            for right, right_width in _RIGHT[pattern.right]:
                expressions.append(f"{left}(?:{pattern.regex}){right}".encode())
                flags.append(flag)
                meta.append((index, left_width - len(_SENTINEL), right_width + len(_SENTINEL)))
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions), flags=flags)
    shapes = tuple(re.compile(f"(?:{p.shape})\\Z") if p.shape else None for p in ALL_PATTERNS)
    return _Compiled(database, tuple(meta), shapes)


def _one_byte_per_char(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return _WIDE * (error.end - error.start), error.end


codecs.register_error("tandem.discovery.one_byte", _one_byte_per_char)


def encode(text: str) -> bytes:
    """Encode `text` with one byte per character, so that byte offsets are `str` offsets.

    Latin-1 characters keep their byte and wider ones become 0x80; no pattern matches a byte above 0x7f
    except as a boundary, where every non-ASCII character counts as "not a word character" anyway.
    """
    if text.isascii():
        return text.encode("ascii")
    return text.encode("latin-1", "tandem.discovery.one_byte")


def _scan(text: str) -> dict[tuple[int, int], list[int]]:
    """Return the ends of every match with a valid right edge, grouped by (pattern index, leftmost start)."""
    compiled = _compiled()
    meta = compiled.meta
    grouped: dict[tuple[int, int], list[int]] = {}

    def on_match(expression: int, start: int, end: int, flags: int, context: object) -> None:
        index, shift_start, shift_end = meta[expression]
        key = (index, start + shift_start)
        ends = grouped.get(key)
        if ends is None:
            grouped[key] = [end - shift_end]
        else:
            ends.append(end - shift_end)

    compiled.database.scan(_SENTINEL + encode(text) + _SENTINEL, match_event_handler=on_match)
    if any(compiled.shapes):
        _reshape(text, grouped, compiled.shapes)
    return grouped


def _reshape(text: str, grouped: dict[tuple[int, int], list[int]], shapes: Sequence[re.Pattern[str] | None]) -> None:
    """Move the starts of prefilter matches to where their true shape's leftmost match starts."""
    for index, start in [key for key in grouped if shapes[key[0]] is not None]:
        shape, width = shapes[index], ALL_PATTERNS[index].shape_width
        assert shape is not None
        for end in grouped.pop((index, start)):
            match = shape.search(text, max(0, end - width), end)
            if match is not None:
                grouped.setdefault((index, match.start()), []).append(end)


# Per boundary: the characters that may not precede a match, and whether a dot or colon after a digit may not.
_BLOCKING: dict[Boundary, tuple[frozenset[str], bool]] = {
    Boundary.NONE: (frozenset(), False),
    Boundary.WORD: (_WORD, False),
    Boundary.ALNUM_DOT: (_WORD, True),
    Boundary.BASE64: (_BASE64, False),
}


def find_candidates(text: str) -> list[Candidate]:
    """Scan `text` once with every pattern; return boundary-checked candidates in text order."""
    patterns = ALL_PATTERNS
    lefts = _lefts()
    candidates: list[Candidate] = []
    for (index, start), ends in _scan(text).items():
        if start:
            blocking, dotted = lefts[index]
            before = text[start - 1]
            if before in blocking or (dotted and before in ".:" and start > 1 and text[start - 2] in _DIGITS):
                continue
        if len(ends) > 1:
            ends.sort(reverse=True)
            del ends[_MAX_ENDS:]
        candidates.append(Candidate(patterns[index], start, tuple(ends)))
    candidates.sort(key=_start)
    return candidates


@lru_cache(maxsize=1)
def _lefts() -> tuple[tuple[frozenset[str], bool], ...]:
    return tuple(_BLOCKING[pattern.left] for pattern in ALL_PATTERNS)


def _start(candidate: Candidate) -> int:
    return candidate.start


def pattern_rules() -> Sequence[str]:
    """List the rule names compiled into the database (compiles it on first use)."""
    _compiled()
    return [p.rule for p in ALL_PATTERNS]
