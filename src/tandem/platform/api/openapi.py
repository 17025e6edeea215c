"""The OpenAPI document lists the error responses every operation can give, so clients (and fuzzers) see
the whole contract: problem+json bodies for 400, 401, 403, 404, 409, 413, 422, 429 and 503."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "instance": {"type": "string"},
        "request_id": {"type": ["string", "null"]},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "location": {"type": "string"}, "reason": {"type": "string"}}}},
    },
    "required": ["title", "status"],
}  # fmt: skip
ERRORS = {
    "400": "Malformed request",
    "401": "Not signed in, or the token is unknown, expired or revoked",
    "403": "Signed in but not allowed (missing permission or token scope)",
    "404": "No such object, or it is outside your org units",
    "409": "Conflicts with the current state (e.g. a duplicate, a locked record)",
    "413": "Request body or upload too large",
    "422": "Invalid input; `errors` locates each problem",
    "429": "Too many requests; retry after the Retry-After header",
    "503": "The database is busy or unavailable; retry",
}
_METHODS = {"get", "post", "put", "patch", "delete"}


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}  # fmt: skip


def with_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the Problem schema and the shared error responses to every operation of an OpenAPI document."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(status, _problem_response(description))
    return schema


def install(app: FastAPI) -> None:
    """Make app.openapi() return the document with the shared error responses (built once)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)  # fmt: skip
            app.openapi_schema = with_error_responses(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
