"""The shared JSON loader: located syntax errors, size and nesting bounds that hold whatever brackets sit in strings."""

from __future__ import annotations

import pytest

from tandem.platform.safety.errors import TooLarge
from tandem.platform.safety.jsondoc import MAX_DEPTH, DocumentError, load_json


def nested(depth: int) -> bytes:
    return b"[" * depth + b"1" + b"]" * depth


def test_documents_up_to_the_bound_load() -> None:
    value = load_json(nested(MAX_DEPTH), "deep.json", 10_000)
    for _ in range(MAX_DEPTH):
        value = value[0]
    assert value == 1


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 990, 1_020])
def test_deeper_documents_are_refused_with_their_name(depth: int) -> None:
    # ~990 levels parse in orjson but overflow Python's recursion limit as soon as the value is printed.
    with pytest.raises(DocumentError) as caught:
        load_json(nested(depth), "deep.json", 100_000)
    assert caught.value.location == "deep.json" and f"more than {MAX_DEPTH} levels" in str(caught.value)


def test_brackets_inside_strings_do_not_count() -> None:
    text = '{"a": "' + "[{" * 500 + '", "b": ["\\"]]]]", {"c": "\\\\"}]}'
    assert load_json(text, "strings.json", 100_000)["b"][0] == '"]]]]'


def test_syntax_errors_and_size_are_located() -> None:
    with pytest.raises(DocumentError) as caught:
        load_json(b'{"a": 1,\n "b": }', "broken.json", 1_000)
    assert caught.value.location == "broken.json:2:7"
    with pytest.raises(TooLarge):
        load_json(b"[1, 2, 3]", "big.json", 4)
