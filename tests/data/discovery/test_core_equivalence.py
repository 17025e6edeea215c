"""The compiled core (`_core.pyx`) returns exactly what the pure-Python reference returns.

Compared as `repr` of the detection lists (types, offsets, confidences, rules and their Python types) on the
development corpus, on perturbed copies of it (non-ASCII and blank characters, case, digits, cuts and
splices) and on soups of value-shaped fragments.
"""

import importlib
import json
import random
import zlib
from pathlib import Path

import pytest

from tandem.data.discovery import EntityType as T
from tandem.data.discovery import context, cues, engine, matcher, names
from tandem.data.discovery.findings import Detection
from tandem.data.discovery.layout import find_layout

CORE = engine.compiled_core()
pytestmark = pytest.mark.skipif(CORE is None, reason="the compiled core is not built (or TANDEM_DISCOVERY_PURE is set)")
CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "pii-dev" / "corpus.jsonl"
FRAGMENTS = [
    "jose@example.com", "a.b@c", "x@y.co.uk", ".a@b.com", "user=alice@x.com", "+44 20 7946 0958", "+1 415 555 2671",
    "(415) 555-2671", "415.555.2671", "+49 30 123456", "536-90-4399", "900-70-1234", "666-12-3456", "123 45 6789",
    "ITIN ", "taxpayer ", "SSN: ", "soc. sec ", "4111111111111111", "4111 1111 1111 1111", "5500-0000-0000-0004",
    "378282246310005", "6011000990139424", "4111111111111112", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32",
    "10.1.2.3", "256.1.1.1", "01.2.3.4", "v1.2.3.4", "version 10.0.19.45", "build 2.14.3.1", "fe80::1",
    "2001:db8::ff00:42:8329", "::1", "1:2:3:4:5:6:7:8", "12:30:45", "AKIAIOSFODNN7EXAMPLE", "ghp_" + "a" * 36,
    "-----BEGIN RSA PRIVATE KEY-----",
    "order_id=", "version=", "phone: ", "dob: ", "1980-02-03", "name: ", "Dear ", "patient ", "signed by ", " and ",
    "with ", "Ann Lee", "John Smith", "Maria", "Acme, Baker and Sons", " (DOB", ", thanks", "MRN ", "passport ",
    "é", "日本", "😀", "\xa0", "İ", "K", "\t", "\n", "\r\n", "\n\n", " ", ",", ";", "|", '"', "'", ":", "=", "/", ">",
    "<id>", "@", ".", "-", "_", "1", "07", "999", '"dob": "', "'ssn'='", "passport=", "mrn: ", "MRN-12345",
    "A1234567", "123456789", "ItIn ", "phone_number = ", "<dob>", "</dob>\n", "password: ", "api_key=",
    "github_pat_" + "b" * 30, "ghs_" + "c" * 36, "full_name: ", "DL# ", "CA ", "E7257088", "born on ", "3 March 1990",
    "1990-13-40", "07/04/1986", "{", "}", "[", "]", "&", "x" * 61 + "=", "'", "Dr. ", "Mr. Ann-Marie O'Neil",
]  # fmt: skip
INSERTS = ["é", "日本", "😀", "\xa0", "İ", "\u2028", "\t", "\n", " ", "\r\n", "ß", "Ω", "٣", "_", ".", "-", ":"]


def same(text: str) -> None:
    layout = find_layout(text)
    compiled = engine.detect_with_layout(text, layout)
    pure = engine.detect_with_layout_pure(text, layout)
    assert repr(compiled) == repr(pure), text[:200]
    assert CORE.candidates(text, matcher.framed(text)) == list(matcher.scan(text)), text[:200]


def corpus() -> list[str]:
    if not CORPUS.exists():
        pytest.skip(f"the pii-dev corpus is not at {CORPUS}")
    return [json.loads(line)["text"] for line in CORPUS.read_text().splitlines() if line.strip()]


def perturbed(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(max(1, len(chars) // 200)):
        at = rng.randrange(len(chars) + 1)
        kind = rng.randrange(5)
        if kind == 0:
            chars.insert(at, rng.choice(INSERTS))
        elif kind == 1 and at < len(chars):
            chars[at] = chars[at].swapcase()
        elif kind == 2 and at < len(chars) and chars[at].isdigit():
            chars[at] = rng.choice("0123456789")
        elif kind == 3 and at < len(chars):
            del chars[at : at + rng.randint(1, 4)]
        else:
            chars.insert(at, rng.choice(FRAGMENTS))
    return "".join(chars)


def test_dev_corpus_is_identical() -> None:
    for text in corpus():
        same(text)


def test_perturbed_corpus_is_identical() -> None:
    rng = random.Random(20261127)
    texts = corpus()
    for text in texts:
        same(perturbed(text, rng))
    for _ in range(200):  # splices: a cut from one document glued to a cut from another
        first, second = rng.choice(texts), rng.choice(texts)
        same(first[: rng.randrange(len(first) + 1)] + second[rng.randrange(len(second) + 1) :])


def test_fragment_soups_are_identical() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        same("".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 16))))


def test_delimited_tables_are_identical() -> None:
    rng = random.Random(9)
    header = "name,dob,ssn,phone,ip,email,note"
    for _ in range(200):
        rows = [",".join(rng.choice(FRAGMENTS).replace(",", "") for _ in range(7)) for _ in range(rng.randint(1, 6))]
        text = "\n".join([header, *rows]) + "\n"
        layout = find_layout(text, True)
        assert repr(engine.detect_with_layout(text, layout)) == repr(engine.detect_with_layout_pure(text, layout))


def test_resolve_matches_the_pure_ranking() -> None:
    core = importlib.import_module("tandem.data.discovery._core")
    rng = random.Random(5)
    for _ in range(3000):
        detections = []
        for _ in range(rng.randint(0, 12)):
            start = rng.randint(0, 40)
            end = start + rng.randint(0 if rng.random() < 0.05 else 1, 12)
            confidence = rng.choice([0.45, 0.5, 0.7, 0.9])
            detections.append(Detection(rng.choice([T.EMAIL, T.PHONE]), start, end, confidence, "r"))
        expected = [d for d in engine._resolve(detections) if d.confidence >= 0.5]
        assert core.resolve_detections(detections, 0.5) == expected, detections


def test_field_names_before_values_are_identical() -> None:
    rng = random.Random(11)
    for _ in range(4000):
        text = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 8)))
        for start in range(len(text) + 1):
            assert CORE.key_before(text, start) == context.key_before(text, start), (text, start)


ENTITIES = (T.US_SSN, T.PHONE, T.US_PASSPORT, T.MEDICAL_RECORD_NUMBER, T.US_ITIN, T.US_DRIVER_LICENSE, T.PERSON,
            T.DATE_OF_BIRTH)  # fmt: skip


def test_typed_value_checks_are_identical() -> None:
    rng = random.Random(12)
    pieces = ["A", "Z", "a", "1", "9", "0", "-", ":", " ", "é", "٣", "*", "12345", "MRN", "E", "+", "(", "/", "."]
    for _ in range(30000):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 9)))
        text = rng.choice(["", "CA ", "x "]) + value
        start = len(text) - len(value)
        for entity in ENTITIES:
            expected = cues.typed_value_ok(entity, value, text, start)
            assert CORE.value_ok(entity, text, start, len(text)) == expected, (entity, text)


def test_name_and_date_checks_are_identical() -> None:
    rng = random.Random(13)
    words = ["Ann", "Lee", "O'Neil", "Anne-Marie", "J.", "McDonald", "van", "de", "ibn", "e", "dela", "None", "Test",
             "x", "ANN", "A", "Ab", "-", "'", ".", ",", " ", "  ", "\t", "é", "Ö", "’", "1990", "7"]  # fmt: skip
    for _ in range(60000):
        value = "".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
        for entity in (T.PERSON, T.DATE_OF_BIRTH):
            expected = cues.typed_value_ok(entity, value, value, 0)
            assert CORE.value_ok(entity, value, 0, len(value)) == expected, (entity, value)
    for _ in range(30000):
        year = str(rng.randint(1890, 2030))[rng.choice([0, 0, 2]) :]
        small = [str(rng.randint(0, 32)).zfill(rng.choice([1, 2])) for _ in range(2)]
        parts = [year, *small] if rng.random() < 0.5 else [*small, year]
        joined = "".join(part + rng.choice("-/.") for part in parts)[:-1]
        value = rng.choice(["", " "]) + joined + rng.choice(["", "\n"])
        expected = cues.typed_value_ok(T.DATE_OF_BIRTH, value, value, 0)
        assert CORE.value_ok(T.DATE_OF_BIRTH, value, 0, len(value)) == expected, value


def test_prose_names_are_identical() -> None:
    rng = random.Random(14)
    tokens = ["Ann", "Lee", "McDonald", "Anne-Marie", "O'Neil", "van", "de", "della", "Dear", "patient", "signed by",
              "Mr.", " ", " ", " ", "  ", "\n", ",", ", ", " (", "-", "'", "’", "@", ".", "_", "1", "x", "ABC", "A",
              "é", "Élodie", "Ünal", "Łukasz", "Inc", " and ", "Sons", "with ", "for ", "was", "said", "😀",
              "María-José"]  # fmt: skip
    for _ in range(20000):
        text = "".join(rng.choice(tokens) for _ in range(rng.randint(1, 14)))
        layout = find_layout(text)
        assert repr(CORE.find_names(text, layout)) == repr(names.find_names(text, layout)), text


def test_issuer_table_and_token_checksums_are_identical() -> None:
    from tandem.data.discovery.validators import cards, secrets

    core = importlib.import_module("tandem.data.discovery._core")
    expected = [(int(low), int(high), len(low), lengths) for low, high, lengths, _ in cards._RANGES]
    assert core.card_ranges() == expected
    rng = random.Random(15)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    for _ in range(2000):
        body = "".join(rng.choice(alphabet) for _ in range(30))
        tail = secrets._base62(zlib.crc32(body.encode()), 6)
        if rng.random() < 0.3:
            tail = tail[:-1] + rng.choice(alphabet)
        same(f"token: gh{rng.choice('pousr')}_{body}{tail} and more")


def test_a_core_older_than_its_sources_is_not_used(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os

    built = tmp_path / "_core.cpython-311-x86_64-linux-gnu.so"
    built.write_bytes(b"")
    source = tmp_path / "_names.pxi"
    source.write_text("# edited")
    os.utime(built, (1_000, 1_000))
    os.utime(source, (2_000, 2_000))
    assert engine._stale(built)
    os.utime(built, (3_000, 3_000))
    assert not engine._stale(built)
