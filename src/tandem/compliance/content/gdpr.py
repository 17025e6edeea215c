"""GDPR (Regulation (EU) 2016/679) articles from the consolidated Formex XML published by the EU.

Source text © European Union, https://eur-lex.europa.eu (reuse under Decision 2011/833/EU).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

from tandem.compliance.oscal.errors import OscalError
from tandem.platform.safety.xml import parse_xml

from .files import GDPR_CONSOLIDATED, read_data

ATTRIBUTION = "© European Union, https://eur-lex.europa.eu"
CELEX = "32016R0679"
# Articles a security/privacy programme implements directly: principles, controller duties, privacy by
# design, processors, records of processing, security and breach notification, DPIA, the DPO.
RELEVANT = frozenset({5, 24, 25, 28, 30, 32, 33, 34, 35, 37, 38, 39})
_BLOCKS = {"PARAG", "ALINEA", "P", "LIST", "ITEM", "NP"}
_NUMBERS = {"NO.PARAG", "NO.P"}
_QUOTES = {"QUOT.START": "‘", "QUOT.END": "’"}
_ARTICLE_NO = re.compile(r"Article\s+(\d+)")


@dataclass(frozen=True, slots=True)
class Article:
    """One GDPR article with its chapter, title and plain text (one line per paragraph or point)."""

    number: int
    title: str
    chapter: str
    text: str
    relevant: bool

    @property
    def id(self) -> str:
        """Return the article id used in mappings, e.g. `art-32`."""
        return f"art-{self.number}"


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def _flat(el: ET.Element) -> str:
    # Formex writes quotation marks as empty QUOT.START/QUOT.END elements, which itertext() would drop.
    out = el.text or ""
    for child in el:
        out += _QUOTES.get(child.tag) or _flat(child)
        out += child.tail or ""
    return out


def _lines(el: ET.Element) -> list[str]:
    children = list(el)
    if not any(child.tag in _BLOCKS for child in children):
        return [_norm(_flat(el))]
    out = [_norm(el.text)] if _norm(el.text) else []
    prefix = ""
    for child in children:
        if child.tag in _NUMBERS:
            prefix = _norm(_flat(child)) + " "
            continue
        lines = _lines(child)
        if lines:
            lines[0] = prefix + lines[0]
            prefix = ""
        out.extend(lines)
        if _norm(child.tail):
            out.append(_norm(child.tail))
    return out


def _chapter_title(division: ET.Element, current: str) -> str:
    heading = _norm(_flat(title)) if (title := division.find("TITLE/TI")) is not None else ""
    if not heading.upper().startswith("CHAPTER"):
        return current
    subtitle = division.find("TITLE/STI")
    return f"{heading}: {_norm(_flat(subtitle))}" if subtitle is not None else heading


def _articles(el: ET.Element, chapter: str) -> Iterator[tuple[ET.Element, str]]:
    for child in el:
        if child.tag == "ARTICLE":
            yield child, chapter
        elif child.tag == "DIVISION":
            yield from _articles(child, _chapter_title(child, chapter))
        else:
            yield from _articles(child, chapter)


def _article(el: ET.Element, chapter: str, name: str) -> Article:
    heading = _norm(_flat(ti)) if (ti := el.find("TI.ART")) is not None else ""
    match = _ARTICLE_NO.match(heading)
    if not match:
        raise OscalError(f"article heading {heading!r} has no number", f"{name}:ARTICLE[{el.get('IDENTIFIER')}]")
    number = int(match.group(1))
    subtitle = el.find("STI.ART")
    lines: list[str] = []
    for child in el:
        if child.tag not in ("TI.ART", "STI.ART"):
            lines.extend(_lines(child))
    return Article(
        number=number,
        title=_norm(_flat(subtitle)) if subtitle is not None else "",
        chapter=chapter,
        text="\n".join(line for line in lines if line),
        relevant=number in RELEVANT,
    )


def parse_gdpr(data: bytes, name: str = "gdpr.xml") -> list[Article]:
    """Parse a Formex GDPR act (consolidated or original) into its articles, in order."""
    root = parse_xml(data, name)
    return [_article(el, chapter, name) for el, chapter in _articles(root, "")]


def load_gdpr() -> list[Article]:
    """Load the shipped consolidated GDPR (2018-05-23, corrigendum applied)."""
    return parse_gdpr(read_data(GDPR_CONSOLIDATED), GDPR_CONSOLIDATED.rsplit("/", 1)[-1])
