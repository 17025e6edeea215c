"""Person names in prose without a model: capitalised word runs next to person cues, minus company names."""

from __future__ import annotations

import re

from .context import match_reversed, reversed_before
from .findings import Detection
from .layout import Layout
from .types import Member as M

_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĖĘĚĜĞĠĢĤĦĪĮİĴĶĹĻĽŁŃŅŇŌŐŒŔŖŘŚŜŞŠŢŤŦŪŮŰŲŴŶŸŹŻŽ"
_LOWER = "a-zß-öø-ÿā-žœ"
_TOKEN_REST = rf"[{_LOWER}]+(?:[{_UPPER}][{_LOWER}]+)?(?:[-'’][{_UPPER}]?[{_LOWER}]+)*"
_TOKEN = rf"[{_UPPER}]{_TOKEN_REST}"
_PARTICLE = r"(?:de|da|di|del|della|der|den|van|von|le|la|du|dos|das|ter|ten|bin|al|y|zu)"
# The look-behind follows the first capital so that the regex engine can skip ahead to capitals.
_RUN = re.compile(rf"([{_UPPER}](?<![\w@.][{_UPPER}]){_TOKEN_REST}(?:[ ](?:{_PARTICLE}[ ])?{_TOKEN}){{0,3}})(?![\w@])")

# Words that open a sentence or a title but are not part of the name that follows them.
_LEADING = frozenset(
    {"the", "a", "an", "our", "your", "their", "his", "her", "please", "new", "patient", "customer", "client",
     "employee", "applicant", "member", "user", "contact", "dear", "hi", "hello", "hey", "mr", "mrs", "ms", "miss",
     "dr", "prof", "sir", "madam", "attn", "cc", "from", "to", "by", "with", "for", "and", "thanks", "thank",
     "regards", "best", "cheers", "identity", "reference", "part", "during", "attached", "yes", "no", "ok", "so",
     "if", "when", "then", "today", "yesterday", "tomorrow", "nurse", "doctor", "manager", "mx", "signed", "call"}
)  # fmt: skip
# Cue words and phrases that end right before a name; matched reversed at the start of the reversed window.
_STRONG_WORDS = (
    "patient", "customer", "client", "employee", "applicant", "member", "candidate", "hire", "contact", "tenant",
    "resident", "guest", "student", "user", "dear", "hi", "hello", "hey", "thanks", "mr", "mrs", "ms", "miss", "dr",
    "prof", "mx", "call", "cc", "attn", "name", "named", "nurse", "doctor", "manager", "colleague", "spoke with",
    "signed by", "approved by", "reported by", "requested by", "assigned to", "sent by", "verification for", "that",
    "according to",
)  # fmt: skip
_WEAK_WORDS = ("for", "by", "with", "from", "and", "to", "of")


def _by_last_word(phrases: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, tuple[str, ...]] = {}
    for phrase in phrases:
        last = phrase.rsplit(" ", 1)[-1]
        grouped[last] = (*grouped.get(last, ()), phrase)
    return grouped


# Cue phrases by their last word, so that the word before a name is looked up rather than matched by a regex.
_STRONG_BY_LAST = _by_last_word(_STRONG_WORDS)
_WEAK = frozenset(_WEAK_WORDS)
_WORD_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"
_CUE_REACH = 40  # how far before a name its cue word may start
_AFTER = re.compile(
    r"^(?:\s(?:was|is|has|had|will|would|should|can|could|did|does|starts?|started|joined|disputed|passed|said|"
    r"says|called|reported|requested|asked|wrote|emailed|confirmed|signed|paid|left|moved|needs|lives|born|"
    r"works|back|at\s\+|on\s\+|\(|<)|\s?\((?:dob|born|mrn|age|id|ssn|[\w.+-]+@)|,\s(?:thanks|thank|dob|born|"
    r"age|[\w.+-]+@|\+?\d)|'s\s)",
    re.IGNORECASE,
)
_COMPANY_AFTER = re.compile(
    r"^(?:,?\s(?:Inc|LLC|Ltd|PLC|plc|GmbH|AG|SA|Corp|Co|Group|Holdings|Partners|Bank|University|Hospital|Clinic|"
    r"Foundation|Associates)\b|,\s[A-Z]\w+(?:,\s[A-Z]\w+)*,?\sand\s[A-Z]|\sand\s(?:Sons|[A-Z]\w+\b(?!\s[a-z])))"
)
# `Acme, Baker, ` or `Smith and ` before the run (a list of company names), reversed.
_COMPANY_BEFORE_REVERSED = re.compile(r"(?:\s,\w+[A-Z])+|\sdna\s,?\w+[A-Z]")
_NOT_NAME_WORDS = frozenset(
    {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
     "Street", "Avenue", "Road", "Lane", "Drive", "Team", "Support", "Security", "Services", "Service",
     "Department", "Office", "Inc", "Ltd", "Group", "Sons", "Company", "Corporation", "Bank", "University",
     "Hospital", "Clinic", "North", "South", "East", "West", "Port", "Lake", "Mount", "New", "Saint", "City",
     "County", "Center", "Centre", "Please", "Thanks", "Regards", "Hi", "Hello", "Dear", "Patient", "Contact"}
)  # fmt: skip


def _strip_leading(words: list[str]) -> int:
    count = 0
    while count < len(words) and words[count].lower().rstrip(".") in _LEADING:
        count += 1
    return count


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _phrase_before(head: str, phrases: tuple[str, ...]) -> bool:
    """Return whether `head` ends with one of `phrases` (any case) that starts at a word boundary."""
    lowered = head[-24:].lower()
    for phrase in phrases:
        if lowered.endswith(phrase):
            first = len(head) - len(phrase)
            if first == 0 or not _is_word_char(head[first - 1]):
                return True
    return False


def _strong_before(text: str, start: int) -> bool:
    """Return whether a strong cue (`Dear`, `patient`, `signed by`) ends right before `start`.

    The cue is a whole word or phrase, then an optional `.`, `:` or `,` and blanks, within 40 characters.
    """
    head = text[max(0, start - _CUE_REACH) : start].rstrip()
    if head[-1:] in (".", ":", ","):
        head = head[:-1]
    last = head[len(head.rstrip(_WORD_CHARS)) :]
    if not last or (len(last) < len(head) and _is_word_char(head[-len(last) - 1])):
        return False
    phrases = _STRONG_BY_LAST.get(last.lower())
    return phrases is not None and _phrase_before(head, phrases)


def _weak_before(text: str, start: int) -> bool:
    """Return whether `for`, `by`, `with`, ... and one blank (and a line break) come right before `start`."""
    blank = start - 2 if text[start - 1 : start] == "\n" and start > 1 and text[start - 2].isspace() else start - 1
    if blank <= 0 or not text[blank].isspace():
        return False
    head = text[max(0, start - _CUE_REACH) : blank]
    last = head[len(head.rstrip(_WORD_CHARS)) :]
    if last not in _WEAK:
        return False
    return len(last) == len(head) or not _is_word_char(head[-len(last) - 1])


def _is_person(text: str, start: int, end: int, words: int) -> bool:
    after = text[end : end + 30]
    if words == 1:
        supported = (after[:2] in (", ", " (") and _AFTER.match(after) is not None) or _strong_before(text, start)
    else:
        supported = bool(_AFTER.match(after)) or _weak_before(text, start) or _strong_before(text, start)
    return supported and not _company_near(text, start, after)


def _company_near(text: str, start: int, after: str) -> bool:
    """Return whether the run at `start`, followed by `after`, reads as part of a company name or list."""
    if _COMPANY_AFTER.match(after):
        return True
    return match_reversed(_COMPANY_BEFORE_REVERSED, reversed_before(text, start, 40)) is not None


def find_names(text: str, layout: Layout) -> list[Detection]:
    """Return person names in prose that a nearby cue word supports."""
    found: list[Detection] = []
    # Table rows are skipped whole (their columns say what their values are): a run never spans lines.
    for low, high in layout.prose_ranges(len(text)) if layout.tables else ((0, len(text)),):
        _find_in(text, low, high, found)
    return found


def _find_in(text: str, low: int, high: int, found: list[Detection]) -> None:
    for match in _RUN.finditer(text, low, high):
        run = match.group()  # the whole match: the look-ahead is empty
        start, end = match.span()
        if " " in run:
            words = run.split(" ")
            skip = _strip_leading(words)
            if skip == len(words) or not _NOT_NAME_WORDS.isdisjoint(words[skip:]):
                continue
            if skip:
                start += len(" ".join(words[:skip])) + 1
            kept = len(words) - skip
        elif run.lower() in _LEADING or run in _NOT_NAME_WORDS:
            continue  # a single word, the common case: a capital opening a sentence
        else:
            kept = 1
        if _is_person(text, start, end, kept):
            found.append(Detection(M.PERSON, start, end, 0.75, "prose_name"))
