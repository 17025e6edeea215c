"""Person names in prose without a model: capitalised word runs next to person cues, minus company names."""

from __future__ import annotations

import re

from .findings import Detection
from .layout import Layout
from .types import EntityType as T

_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĖĘĚĜĞĠĢĤĦĪĮİĴĶĹĻĽŁŃŅŇŌŐŒŔŖŘŚŜŞŠŢŤŦŪŮŰŲŴŶŸŹŻŽ"
_LOWER = "a-zß-öø-ÿā-žœ"
_TOKEN = rf"[{_UPPER}][{_LOWER}]+(?:[{_UPPER}][{_LOWER}]+)?(?:[-'’][{_UPPER}]?[{_LOWER}]+)*"
_PARTICLE = r"(?:de|da|di|del|della|der|den|van|von|le|la|du|dos|das|ter|ten|bin|al|y|zu)"
_RUN = re.compile(rf"(?<![\w@.])({_TOKEN}(?:[ ](?:{_PARTICLE}[ ])?{_TOKEN}){{0,3}})(?![\w@])")

# Words that open a sentence or a title but are not part of the name that follows them.
_LEADING = frozenset(
    {"the", "a", "an", "our", "your", "their", "his", "her", "please", "new", "patient", "customer", "client",
     "employee", "applicant", "member", "user", "contact", "dear", "hi", "hello", "hey", "mr", "mrs", "ms", "miss",
     "dr", "prof", "sir", "madam", "attn", "cc", "from", "to", "by", "with", "for", "and", "thanks", "thank",
     "regards", "best", "cheers", "identity", "reference", "part", "during", "attached", "yes", "no", "ok", "so",
     "if", "when", "then", "today", "yesterday", "tomorrow", "nurse", "doctor", "manager", "mx", "signed", "call"}
)  # fmt: skip
_STRONG_BEFORE = re.compile(
    r"(?:\b(?:patient|customer|client|employee|applicant|member|candidate|hire|contact|tenant|resident|guest|"
    r"student|user|dear|hi|hello|hey|thanks|mr|mrs|ms|miss|dr|prof|mx|call|cc|attn|name|named|nurse|doctor|"
    r"manager|colleague|spoke with|signed by|approved by|reported by|requested by|assigned to|sent by|"
    r"verification for|that|according to)\b[.:,]?\s*)$",
    re.IGNORECASE,
)
_WEAK_BEFORE = re.compile(r"(?:\b(?:for|by|with|from|and|to|of)\s)$")
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
_COMPANY_BEFORE = re.compile(r"(?:[A-Z]\w+,\s(?:[A-Z]\w+,\s)*|[A-Z]\w+,?\sand\s)$")
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


def _is_person(text: str, start: int, end: int, words: int) -> bool:
    before = text[max(0, start - 40) : start]
    after = text[end : end + 30]
    if _COMPANY_AFTER.match(after) or _COMPANY_BEFORE.search(before):
        return False
    if _STRONG_BEFORE.search(before):
        return True
    if words >= 2 and (_WEAK_BEFORE.search(before) or _AFTER.match(after)):
        return True
    return words == 1 and _AFTER.match(after) is not None and after[:2] in (", ", " (")


def find_names(text: str, layout: Layout) -> list[Detection]:
    """Return person names in prose that a nearby cue word supports."""
    found: list[Detection] = []
    for match in _RUN.finditer(text):
        words = match.group(1).split(" ")
        skip = _strip_leading(words)
        if skip == len(words):
            continue
        start = match.start() + sum(len(word) + 1 for word in words[:skip])
        kept = words[skip:]
        if any(word in _NOT_NAME_WORDS for word in kept) or layout.cell_at(start) is not None:
            continue
        if _is_person(text, start, match.end(), len(kept)):
            found.append(Detection(T.PERSON, start, match.end(), 0.75, "prose_name"))
    return found
