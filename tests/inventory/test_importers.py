"""The pure parsers: every problem located as file:line:column."""

from __future__ import annotations

import json

import pytest

from tandem.inventory.columns import columns_for
from tandem.inventory.importers import cyclonedx, tabular
from tandem.platform.errors import InvalidInput


def _errors(exc: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return [f"{e.location}: {e.reason}" for e in exc.value.errors]


def test_csv_unknown_column_is_located() -> None:
    with pytest.raises(InvalidInput) as exc:
        tabular.parse(b"hostname,colour\nx,red\n", "a.csv", "csv", columns_for("assets"), 10)
    assert _errors(exc) == ["a.csv:1:2: unknown column(s): colour"]


def test_csv_lists_and_bools() -> None:
    rows = tabular.parse(b"name,sso,internet_exposed\nEHR,yes,false\n", "a.csv", "csv", columns_for("applications"), 10)
    assert rows[0].values == {"name": "EHR", "sso": True, "internet_exposed": False}
    assert rows[0].line == 2
    with pytest.raises(InvalidInput) as exc:
        tabular.parse(b"name,sso\nEHR,maybe\nX,true\nY,perhaps\n", "a.csv", "csv", columns_for("applications"), 10)
    assert _errors(exc) == ["a.csv:2:2: sso: must be true or false", "a.csv:4:2: sso: must be true or false"]


def test_csv_multiline_field_keeps_line_numbers() -> None:
    data = b'hostname,description\na,"two\nlines"\nb,x\n'
    rows = tabular.parse(data, "a.csv", "csv", columns_for("assets"), 10)
    assert [r.line for r in rows] == [2, 4]


def test_json_rows_are_located() -> None:
    data = b'[\n  {"hostname": "a"},\n  {"hostname": "b", "bogus": 1}\n]'
    with pytest.raises(InvalidInput) as exc:
        tabular.parse(data, "a.json", "json", columns_for("assets"), 10)
    assert _errors(exc) == ["a.json:3:3: unknown field 'bogus'"]
    with pytest.raises(InvalidInput) as exc:
        tabular.parse(b'[{"hostname": "a",}]', "b.json", "json", columns_for("assets"), 10)
    assert _errors(exc)[0].startswith("b.json:1:")


def _sbom(components: list[dict[str, object]]) -> bytes:
    return json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.5", "components": components}, indent=2).encode()


def test_cyclonedx_components_nested_and_validated() -> None:
    doc = _sbom(
        [
            {
                "name": "django",
                "version": "4.2",
                "purl": "pkg:pypi/django@4.2",
                "components": [{"name": "sqlparse", "version": "0.4.4", "purl": "pkg:pypi/sqlparse@0.4.4"}],
            },
            {"name": "openssl", "version": "3.0.13", "cpe": "cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*"},
        ]
    )
    found = cyclonedx.parse_sbom(doc, "bom.json")
    assert [c.name for c in found] == ["django", "sqlparse", "openssl"]
    assert found[1].purl == "pkg:pypi/sqlparse@0.4.4"


def test_cyclonedx_bad_components_all_reported() -> None:
    doc = _sbom(
        [
            {"name": "ok", "purl": "pkg:pypi/ok@1"},
            {"name": "bad", "purl": "not-a-purl"},
            {"name": "worse", "cpe": "cpe:/a:x:y"},
        ]
    )
    with pytest.raises(InvalidInput) as exc:
        cyclonedx.parse_sbom(doc, "bom.json")
    errors = _errors(exc)
    assert len(errors) == 2
    assert errors[0].startswith("bom.json:") and "purl" in errors[0]
    line = int(errors[0].split(":")[1])
    assert doc.decode().splitlines()[line - 1].strip().startswith('"purl": "not-a-purl"')
    with pytest.raises(InvalidInput, match="CycloneDX"):
        cyclonedx.parse_sbom(b'{"hello": 1}', "x.json")


DEEP = b"[" * 100_000 + b"]" * 100_000


def test_json_recursion_bomb_is_a_located_error() -> None:
    for parse in (
        lambda: tabular.parse(DEEP, "deep.json", "json", columns_for("assets"), 10),
        lambda: cyclonedx.parse_sbom(DEEP, "deep.json"),
    ):
        with pytest.raises(InvalidInput) as exc:
            parse()
        assert _errors(exc)[0].startswith("deep.json:1:") and "depth" in _errors(exc)[0]


def test_json_item_positions_skip_brackets_inside_strings() -> None:
    data = '\ufeff[{"hostname": "a", "description": "x [\\"{,]\\\\"},\n   {"hostname": "b"}, {"hostname": "c", "x": 1}]'
    with pytest.raises(InvalidInput) as exc:
        tabular.parse(data.encode(), "p.json", "json", columns_for("assets"), 10)
    assert _errors(exc) == ["p.json:2:23: unknown field 'x'"]
    rows = tabular.parse(b'[{"hostname": "a"},\n\n {"hostname": "b", "tags": ["x", "y"]}]', "q.json", "json",
                         columns_for("assets"), 10)  # fmt: skip
    assert [(r.line, r.positions["hostname"]) for r in rows] == [(1, 2), (3, 2)]
    assert rows[1].values["tags"] == ["x", "y"]


def test_json_nested_values_where_text_is_expected_are_located() -> None:
    data = b'[{"hostname": {"a": 1}},\n {"hostname": "b", "tags": [["x"]]}]'
    with pytest.raises(InvalidInput) as exc:
        tabular.parse(data, "n.json", "json", columns_for("assets"), 10)
    assert _errors(exc) == [
        "n.json:1:2: hostname: must be a text, number or boolean",
        "n.json:2:2: tags: must be a list of texts",
    ]
