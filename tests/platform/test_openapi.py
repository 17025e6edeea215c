"""The OpenAPI document states every error an operation can answer, with the problem+json schema."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.app import create_app

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return create_app().openapi()


def test_every_operation_documents_the_shared_error_responses(schema: dict[str, Any]) -> None:
    operations = [(path, method, op) for path, item in schema["paths"].items()
                  for method, op in item.items() if method in METHODS]  # fmt: skip
    assert len(operations) > 50
    for path, method, op in operations:
        for status in ("401", "403", "404", "422", "429"):
            assert status in op["responses"], (method, path, status)
        content = op["responses"]["404"]["content"]["application/problem+json"]
        assert content["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert schema["components"]["schemas"]["Problem"]["required"] == ["title", "status"]


def test_documented_success_responses_are_kept(schema: dict[str, Any]) -> None:
    created = schema["paths"]["/api/v1/inventory/applications"]["post"]["responses"]
    assert "201" in created and "application/json" in created["201"]["content"]
