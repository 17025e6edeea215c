"""The string-method fast paths give the answers of the regexes they replaced, on random token soups."""

import ipaddress
import random
import re

from tandem.data.discovery import EntityType as T
from tandem.data.discovery import detect
from tandem.data.discovery.context import key_before, preceded_by_version_word
from tandem.data.discovery.layout import find_layout
from tandem.data.discovery.matcher import email_start, field_name_start
from tandem.data.discovery.names import _STRONG_WORDS, _WEAK_WORDS, _strong_before, _weak_before, find_names
from tandem.data.discovery.validators.network import is_ipv4, is_ipv6

TOKENS = ["a", "Ann", "x9", "_k", "dob", "v", "ver", "build", "to", "updated", "by", "for", "Dear", "patient",
          "spoke", "with", "signed", " ", "  ", "\n", "\t", "\xa0", ".", ":", "=", ",", "#", '"', "'", "-", "@", "%",
          "+", ">", "<id>", "é", "٣", "1", "07"]  # fmt: skip


def soups(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 14))) for _ in range(count)]


def _reversed_match(pattern: re.Pattern[str], text: str, start: int, width: int) -> re.Match[str] | None:
    window = text[max(0, start - width) : start][::-1]
    match = pattern.match(window)
    if match is None and window.startswith("\n"):
        match = pattern.match(window, 1)
    return match


_KEY_BEFORE = re.compile(r"[\"']?\s{0,3}[:=]\s{0,3}[\"']?([\w.-]{0,60}[A-Za-z_])")
_TAG_BEFORE = re.compile(r"<([A-Za-z_][\w:.-]*)[^<>]*>$")
_VERSION = re.compile(
    r"\s*[:=#]?\s*(?:v\b|\.?rev\b|noisrev|dliub|esaeler|erawmrif|wf|tnega|kds|ot\s+[ds]?etadpu|ot\s+dedargpu)",
    re.IGNORECASE,
)
_STRONG_REVERSED = re.compile(r"\s*[.:,]?\b(?:" + "|".join(w[::-1] for w in _STRONG_WORDS) + r")\b", re.IGNORECASE)
_WEAK_REVERSED = re.compile(r"\s(?:" + "|".join(w[::-1] for w in _WEAK_WORDS) + r")\b")


def reference_key_before(text: str, start: int) -> str | None:
    if start and (text[start - 1] == ">" or text[start - 2 : start] == ">\n"):
        match = _TAG_BEFORE.search(text, max(0, start - 70), start)
        return match.group(1) if match else None
    match = _reversed_match(_KEY_BEFORE, text, start, 70)
    return match.group(1)[::-1] if match else None


def test_context_prechecks_agree_with_the_regexes() -> None:
    for text in soups(11, 4000):
        for start in range(len(text) + 1):
            assert key_before(text, start) == reference_key_before(text, start), (text, start)
            version = (start and text[start - 1] == "/") or _reversed_match(_VERSION, text, start, 30) is not None
            assert preceded_by_version_word(text, start) == bool(version), (text, start)


def test_name_cues_agree_with_the_regexes() -> None:
    for text in soups(12, 4000):
        for start in range(1, len(text) + 1):
            assert _strong_before(text, start) == bool(_reversed_match(_STRONG_REVERSED, text, start, 40)), text
            assert _weak_before(text, start) == bool(_reversed_match(_WEAK_REVERSED, text, start, 40)), text


def test_starts_found_in_python_agree_with_leftmost_matches() -> None:
    email = re.compile(
        r"(?<![A-Za-z0-9_])[A-Za-z0-9_%+-][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\Z"
    )
    field = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,60}[\"']?[ \t]?[:=]\Z")
    rng = random.Random(13)
    parts = ["a", "b.", ".", "..", "x_y", "%", "+", "-", "@", "ex.com", "é", " ", "9", "k", '"', ":", "=", "\t"]
    for _ in range(20000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(1, 12))) + rng.choice(["@ex.com", ":", '" =', "="])
        end = len(text)
        match = email.search(text, 0, end)
        if match is not None:
            assert email_start(text, end) == match.start(), text
        if text[-1] in ":=":  # Hyperscan reports field names only where a sign ends them
            match = field.search(text, max(0, end - 64), end)
            assert field_name_start(text, end) == (match.start() if match else None), text
    long_name = "a" * 300 + "@ex.com"
    assert email_start(long_name, len(long_name)) == 0  # past the window: the run is followed to its start


def test_ip_validators_agree_with_ipaddress() -> None:
    rng = random.Random(14)
    groups = ["", "0", "1", "ab", "ffff", "12345", "g", "A0f", "00000", "é", "٣"]
    for _ in range(30000):
        value = ":".join(rng.choice(groups) for _ in range(rng.randint(1, 11)))
        try:
            ipaddress.IPv6Address(value)
            expected = value.count(":") >= 2 and ("::" in value or value.count(":") == 7)
        except ValueError:
            expected = False
        assert is_ipv6(value) == expected, value
    for _ in range(30000):
        value = ".".join(str(rng.choice([0, 1, 9, 10, 99, 100, 199, 255, 256, 300])).zfill(rng.choice([1, 1, 1, 2, 3]))
                         for _ in range(rng.choice([3, 4, 4, 5])))  # fmt: skip
        parts = value.split(".")
        expected = (
            len(parts) == 4
            and parts[0] != "0"
            and all(int(part) <= 255 and (len(part) == 1 or part[0] != "0") for part in parts)
        )
        assert is_ipv4(value) == expected, value


def test_table_rows_are_skipped_by_prose_names_only() -> None:
    text = (
        "Dear Maria Lopez, thanks for the file.\n\n"
        "full_name,city,note\nDear John Smith,Springfield,signed by Ann Lee\nx,y,z\n\n"
        "Regards, spoke with Peter Parker\n"
    )
    layout = find_layout(text)
    prose = {text[d.start : d.end] for d in find_names(text, layout)}
    assert prose == {"Maria Lopez", "Peter Parker"}  # not `Ann Lee`: its row's columns decide
    found = {(d.type, text[d.start : d.end]) for d in detect(text)}
    assert (T.PERSON, "Dear John Smith") in found  # the column says so, not a cue word
    cell = layout.cell_at(text.index("Springfield"))
    assert cell is not None and cell.key == "city" and cell.row == 1
    assert layout.key_at(text.index("Springfield")) == "city" and layout.key_at(0) is None


def test_values_with_several_ends_keep_the_longest_valid_one() -> None:
    text = "mail ann.lee@mail.example.co.uk, ann@ex.com.\nphone=+44 20 7946 0958 x"
    found = {(d.type, text[d.start : d.end]) for d in detect(text)}
    assert (T.EMAIL, "ann.lee@mail.example.co.uk") in found and (T.EMAIL, "ann@ex.com") in found
    assert (T.PHONE, "+44 20 7946 0958") in found
