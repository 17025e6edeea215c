"""One-pass multi-pattern matching with Hyperscan, mapped back to `str` offsets and checked for boundaries."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import hyperscan

from .patterns import ALL_PATTERNS, Boundary, Pattern

_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_BASE64 = _WORD | frozenset("+/=")
_DIGITS = frozenset("0123456789")
_MAX_ENDS = 6
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A pattern match: `ends` holds every end offset for this start, longest first."""

    pattern: Pattern
    start: int
    ends: tuple[int, ...]


@lru_cache(maxsize=1)
def _database() -> hyperscan.Database:
    flags = [hyperscan.HS_FLAG_SOM_LEFTMOST | (hyperscan.HS_FLAG_CASELESS if p.caseless else 0) for p in ALL_PATTERNS]
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=[p.regex.encode() for p in ALL_PATTERNS],
        ids=list(range(len(ALL_PATTERNS))),
        elements=len(ALL_PATTERNS),
        flags=flags,
    )
    return database


class _OffsetMap:
    """Converts UTF-8 byte offsets to code-point offsets; free for ASCII text."""

    def __init__(self, text: str) -> None:
        self._bytes: list[int] = []
        self._extra: list[int] = []
        if text.isascii():
            return
        extra = 0
        for match in _NON_ASCII.finditer(text):
            size = len(match.group().encode("utf-8", "surrogatepass"))
            extra += size - 1
            # Byte offset just after this character, and the surplus bytes seen up to there.
            self._bytes.append(match.start() + extra + 1)
            self._extra.append(extra)

    def char(self, byte_offset: int) -> int:
        """Return the code-point offset of a byte offset at a character boundary."""
        if not self._bytes:
            return byte_offset
        slot = bisect.bisect_right(self._bytes, byte_offset) - 1
        return byte_offset - (self._extra[slot] if slot >= 0 else 0)


def _blocked(char: str, boundary: Boundary, following: str) -> bool:
    if boundary is Boundary.NONE:
        return False
    if boundary is Boundary.BASE64:
        return char in _BASE64
    if char in _WORD:
        return True
    return boundary is Boundary.ALNUM_DOT and char in ".:" and following in _DIGITS


def find_candidates(text: str) -> list[Candidate]:
    """Scan `text` once with every pattern; return boundary-checked candidates in text order."""
    hits: list[tuple[int, int, int]] = []

    def on_match(pattern_id: int, start: int, end: int, flags: int, context: object) -> None:
        hits.append((pattern_id, start, end))

    data = text.encode("utf-8", "surrogatepass")
    _database().scan(data, match_event_handler=on_match)
    offsets = _OffsetMap(text)
    grouped: dict[tuple[int, int], list[int]] = {}
    for pattern_id, start, end in hits:
        grouped.setdefault((pattern_id, start), []).append(end)
    candidates: list[Candidate] = []
    for (pattern_id, byte_start), byte_ends in grouped.items():
        pattern = ALL_PATTERNS[pattern_id]
        start = offsets.char(byte_start)
        if start > 0 and _blocked(text[start - 1], pattern.left, text[start - 2] if start > 1 else ""):
            continue
        ends = []
        for byte_end in sorted(byte_ends, reverse=True):
            end = offsets.char(byte_end)
            if end >= len(text) or not _blocked(text[end], pattern.right, text[end + 1 : end + 2]):
                ends.append(end)
                if len(ends) == _MAX_ENDS:
                    break
        if ends:
            candidates.append(Candidate(pattern, start, tuple(ends)))
    candidates.sort(key=lambda c: c.start)
    return candidates


def pattern_rules() -> Sequence[str]:
    """List the rule names compiled into the database (compiles it on first use)."""
    _database()
    return [p.rule for p in ALL_PATTERNS]
