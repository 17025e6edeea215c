"""The speed-ups keep the plain semantics: boundaries, offsets, key prefilter, phone metadata, overlaps, tables."""

import random

import phonenumbers

from tandem.data.discovery import EntityType as T
from tandem.data.discovery import detect
from tandem.data.discovery.engine import _resolve, _resolve_ranked
from tandem.data.discovery.findings import Detection
from tandem.data.discovery.layout import _split_fields
from tandem.data.discovery.matcher import encode, find_candidates
from tandem.data.discovery.validators.cards import _DOUBLED, luhn_ok
from tandem.data.discovery.validators.phone import _parsed_ok, _replayed_ok


def found(text: str) -> set[tuple[T, str]]:
    return {(d.type, text[d.start : d.end]) for d in detect(text)}


def test_phone_replay_agrees_with_parse() -> None:
    rng = random.Random(7)
    numbers = [str(code) + "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 13)))
               for code in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE) for _ in range(8)]  # fmt: skip
    numbers += ["".join(rng.choice("0123456789") for _ in range(rng.randint(3, 16))) for _ in range(2000)]
    numbers += ["4402079460958", "442079460958", "49030123456", "0044207946095"]
    for digits in numbers:
        replayed = _replayed_ok(digits)
        assert replayed is None or replayed == _parsed_ok("+" + digits), digits


def test_luhn_fast_path() -> None:
    rng = random.Random(3)
    for _ in range(3000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 19)))
        total = sum(_DOUBLED[int(c)] if i & 1 else int(c) for i, c in enumerate(reversed(digits)))
        assert luhn_ok(digits) == (total % 10 == 0)


def test_one_byte_encoding_keeps_str_offsets() -> None:
    text = "日本語 😀 Müller ’x’ jose@example.com\ud800 10.1.2.3"
    assert len(encode(text)) == len(text)
    assert found(text) >= {(T.EMAIL, "jose@example.com"), (T.IP_ADDRESS, "10.1.2.3")}
    assert (T.EMAIL, "ann@example.com") in found("名前ann@example.com")  # CJK is not a word character here


def test_boundaries_use_the_leftmost_start() -> None:
    # A match glued to a word on the left is dropped, not shortened into a valid-looking tail.
    assert found("12:30:45+1 415 555 2671") == set()
    assert found("x4111111111111111") == set() and found("41111111111111110000") == set()
    assert found("ver1.2.3.4 and 1.2.3.4.5") == set()
    assert (T.IP_ADDRESS, "10.1.2.3") in found("ip:10.1.2.3.")


def test_key_prefilter_and_long_keys() -> None:
    assert (T.MEDICAL_RECORD_NUMBER, "00123456") in found("mrNumber: 00123456")
    assert (T.US_SSN, "536-90-4399") in found("soc_sec = 536-90-4399")
    assert (T.PERSON, "Ann Lee") in found("customer.first-name: Ann Lee")
    # Field names longer than 61 characters are judged on their last 61 characters, as before.
    assert not any(c.pattern.rule == "key" for c in find_candidates("x" * 70 + "_name: Bob Stone"))
    assert (T.PERSON, "Bob Stone") in found("a." + "x" * 70 + ".name: Bob Stone")


def test_split_fields_honours_quotes() -> None:
    assert _split_fields('a,"b,c",d', ",") == [(0, 1), (2, 7), (8, 9)]
    assert _split_fields('a,"b,c', ",") == [(0, 1), (2, 6)]
    assert _split_fields('"",,x"', ",") == [(0, 2), (3, 3), (4, 6)]


def test_resolve_by_clusters_matches_global_ranking() -> None:
    rng = random.Random(5)
    for _ in range(2000):
        detections = []
        for _ in range(rng.randint(0, 10)):
            start = rng.randint(0, 50)
            detections.append(Detection(T.EMAIL, start, start + rng.randint(1, 12), rng.choice([0.5, 0.7, 0.9]), "r"))
        assert _resolve(detections) == _resolve_ranked(detections)
