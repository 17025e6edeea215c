"""One-pass multi-pattern matching with Hyperscan, in `str` offsets, checked for boundaries.

Hyperscan reports every end of a match (a 16-digit run ends a `\\d{13,19}` match four times) and has no
look-around. The right boundary is therefore compiled into each expression as one consumed context byte
(two for "not a dot between digits"), so only ends with a valid right edge are reported; each end keeps
its leftmost start (HS_FLAG_SOM_LEFTMOST), whose left edge is checked here (or compiled in as well where
that cannot change the result). Start-of-match tracking costs more than the rest of the scan for patterns
with long variable prefixes (e-mail local parts, field names): those are compiled without it and their
start is found from the end here. The text is scanned between newline sentinels, so that its start and
end satisfy every context class.
"""

from __future__ import annotations

import codecs
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import hyperscan

from .patterns import ALL_PATTERNS, Boundary, Pattern

_MAX_ENDS = 6
_SENTINEL = b"\n\n"
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
# Per boundary: the characters that may not precede a match, and whether a dot or colon after a digit may not.
_BLOCKING: dict[Boundary, tuple[frozenset[str], bool]] = {
    Boundary.NONE: (frozenset(), False),
    Boundary.WORD: (_WORD, False),
    Boundary.ALNUM_DOT: (_WORD, True),
    Boundary.BASE64: (_BASE64, False),
}
# A report is keyed `start << _EXPRESSION_BITS | expression id` (an int: no tuple per match).
_EXPRESSION_BITS = 8
_EXPRESSION_MASK = (1 << _EXPRESSION_BITS) - 1


@dataclass(slots=True)
class Candidate:
    """A pattern match: `ends` holds every end offset for this start, longest first."""

    pattern: Pattern
    start: int
    ends: tuple[int, ...]


_Finder = Callable[[str, int], "int | None"]


@dataclass(frozen=True)
class _Compiled:
    database: hyperscan.Database
    # Per pattern index (= expression id): offsets to add to the reported start and to subtract from its end,
    # the characters that may not precede a match, and whether a dot or colon after a digit may not.
    info: tuple[tuple[int, int, frozenset[str], bool], ...]
    # The patterns compiled without start-of-match tracking, with their start finders.
    finders: tuple[tuple[int, _Finder], ...]


_LOCAL_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-"
_NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"
_LOCAL_WINDOW = 256
_NAME_WIDTH = 61


def _trailing_run(text: str, chars: str) -> int:
    return len(text) - len(text.rstrip(chars))


def email_start(text: str, end: int) -> int | None:
    """Return the leftmost start of the e-mail match ending at `end`: its local part before the last `@`.

    The match starts at a non-dot local-part character after a non-word one: the run of local-part
    characters before the `@` (whatever precedes it is not one), less its leading dots.
    """
    at = text.rfind("@", 0, end)
    if at <= 0:
        return None
    window = _LOCAL_WINDOW
    while True:  # widen the window until it holds the whole run (linear in the run's length)
        low = max(0, at - window)
        run = _trailing_run(text[low:at], _LOCAL_CHARS)
        if run < at - low or not low:
            break
        window *= 4
    local = text[at - run : at].lstrip(".")
    return at - len(local) if local else None


def field_name_start(text: str, end: int) -> int | None:
    """Return the start of the field name before the `:`/`=` ending at `end` (`name["']?[ \\t]?[:=]`).

    The name is the longest run of at most 61 name characters before it that starts with a letter or `_`.
    """
    position = end - 1
    if position and text[position - 1] in " \t":
        position -= 1
    if position and text[position - 1] in "\"'":
        position -= 1
    head = text[max(0, position - _NAME_WIDTH) : position]
    name = head[len(head) - _trailing_run(head, _NAME_CHARS) :].lstrip("0123456789.-")
    return position - len(name) if name else None


_FINDERS: dict[str, _Finder] = {"email_local": email_start, "field_name": field_name_start}


def _context(alternatives: tuple[tuple[str, int], ...], left: bool) -> tuple[str, int]:
    """Join a boundary's context alternatives into one expression of one width.

    Narrower alternatives are padded with any character on their outer side (the text is scanned between
    sentinels as wide as the widest context), so every report of an expression has the same offsets.
    """
    width = max(size for _, size in alternatives)
    if width == 0:
        return "", 0
    padded = [("[\\s\\S]" * (width - size) + regex if left else regex + "[\\s\\S]" * (width - size))
              for regex, size in alternatives]  # fmt: skip
    return (padded[0] if len(padded) == 1 else "(?:" + "|".join(padded) + ")"), width


@lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    expressions: list[bytes] = []
    flags: list[int] = []
    meta: list[tuple[int, int]] = []
    sentinel = len(_SENTINEL)
    for pattern in ALL_PATTERNS:
        som = 0 if pattern.start_by else hyperscan.HS_FLAG_SOM_LEFTMOST
        flags.append(som | (hyperscan.HS_FLAG_CASELESS if pattern.caseless else 0))
        left, left_width = _context(_LEFT[pattern.left], True) if pattern.left_implied else ("", 0)
        right, right_width = _context(_RIGHT[pattern.right], False)
        assert max(left_width, right_width) <= sentinel
        # Reports are ordered by their raw start: equal shifts keep that the text order.
        assert pattern.start_by or left_width == 0, "a left context is compiled only where Python finds the start"
        expressions.append(f"{left}(?:{pattern.regex}){right}".encode())
        meta.append((left_width - sentinel, right_width + sentinel))
    assert len(expressions) <= _EXPRESSION_MASK + 1
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions), flags=flags)
    info = tuple((*shifts, *_BLOCKING[p.left]) for shifts, p in zip(meta, ALL_PATTERNS, strict=True))
    finders = tuple((index, _FINDERS[p.start_by]) for index, p in enumerate(ALL_PATTERNS) if p.start_by)
    return _Compiled(database, info, finders)


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


def framed(text: str) -> bytes:
    """Return the bytes Hyperscan scans for `text`: its one-byte-per-character encoding between sentinels."""
    return _SENTINEL + encode(text) + _SENTINEL


def database() -> hyperscan.Database:
    """Return the compiled database of every pattern (compiled on first use)."""
    return _compiled().database


# Codes the compiled core (`_core.pyx`) uses for the left boundaries and start finders.
_BOUNDARY_CODES = {Boundary.NONE: 0, Boundary.WORD: 1, Boundary.ALNUM_DOT: 1, Boundary.BASE64: 2}
_FINDER_CODES = {"": 0, "email_local": 1, "field_name": 2}


def core_tables() -> list[tuple[int, int, int, bool, int]]:
    """Per pattern: start and end shifts, left-boundary code, dotted flag and start-finder code."""
    info = _compiled().info
    return [
        (shift_start, shift_end, _BOUNDARY_CODES[p.left], dotted, _FINDER_CODES[p.start_by])
        for (shift_start, shift_end, _, dotted), p in zip(info, ALL_PATTERNS, strict=True)
    ]


def scan(text: str) -> Iterator[tuple[int, int, tuple[int, ...]]]:
    """Scan `text` once with every pattern; yield boundary-checked (start, pattern index, ends).

    `ends` holds every end with a valid right edge for that start, longest first (at most six). Candidates
    of the patterns whose start is found here (field names, e-mail addresses) come first, then the others
    in text order; with the same start, in pattern order. The order breaks ties between equal findings.
    """
    compiled = _compiled()
    reports: defaultdict[int, list[int]] = defaultdict(list)

    def on_match(expression: int, start: int, end: int, flags: int, context: object) -> None:
        reports[start << _EXPRESSION_BITS | expression].append(end)

    compiled.database.scan(framed(text), match_event_handler=on_match)
    info = compiled.info
    for index, finder in compiled.finders:
        # Reported without a start: every report of the pattern is under one key.
        ends = reports.pop(index, None)
        if ends is not None:
            shift_end, blocking = info[index][1], info[index][2]
            yield from _found(text, index, finder, blocking, [end - shift_end for end in ends])
    for key in sorted(reports):
        index = key & _EXPRESSION_MASK
        shift_start, shift_end, blocking, dotted = info[index]
        start = (key >> _EXPRESSION_BITS) + shift_start
        if start:
            before = text[start - 1]
            if before in blocking or (dotted and before in ".:" and start > 1 and text[start - 2] in _DIGITS):
                continue
        ends = reports[key]
        if len(ends) == 1:
            yield start, index, (ends[0] - shift_end,)
        else:
            ends.sort(reverse=True)
            yield start, index, tuple(end - shift_end for end in ends[:_MAX_ENDS])


def _found(
    text: str, index: int, finder: _Finder, blocking: frozenset[str], ends: list[int]
) -> list[tuple[int, int, tuple[int, ...]]]:
    located = []
    for end in ends:
        start = finder(text, end)
        if start is not None and not (start and text[start - 1] in blocking):
            located.append((start, end))
    located.sort()
    candidates: list[tuple[int, int, tuple[int, ...]]] = []
    previous = -1
    for start, end in located:
        if start != previous:
            candidates.append((start, index, (end,)))
            previous = start
        else:  # another end of the same value: longest first
            candidates[-1] = (start, index, (end, *candidates[-1][2])[:_MAX_ENDS])
    return candidates


def find_candidates(text: str) -> list[Candidate]:
    """Scan `text` once with every pattern; return boundary-checked candidates in text order."""
    return [Candidate(ALL_PATTERNS[index], start, ends) for start, index, ends in scan(text)]


def pattern_rules() -> Sequence[str]:
    """List the rule names compiled into the database (compiles it on first use)."""
    _compiled()
    return [p.rule for p in ALL_PATTERNS]
