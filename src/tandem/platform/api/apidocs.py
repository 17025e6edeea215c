"""A self-contained API reference page built from the OpenAPI document (no CDN, no scripts)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tandem.platform.api.deps import requires
from tandem.platform.auth.principal import Principal
from tandem.platform.web.render import render

router = APIRouter(include_in_schema=False)
METHODS = ("get", "post", "put", "patch", "delete")


@router.get("/api/docs")
def api_docs(request: Request, principal: Principal = requires("account.view")) -> HTMLResponse:
    """List every operation with its parameters, request body and responses."""
    spec: dict[str, Any] = request.app.openapi()
    operations = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method in METHODS:
            if method in item:
                op = item[method]
                body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
                operations.append({
                    "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                    "description": op.get("description", ""), "tag": (op.get("tags") or ["other"])[0],
                    "parameters": op.get("parameters", []), "body": body.get("$ref", "").rsplit("/", 1)[-1],
                    "responses": sorted(op.get("responses", {})),
                })  # fmt: skip
    schemas = spec.get("components", {}).get("schemas", {})
    return render(
        request, "platform/apidocs.html", operations=operations, schemas=schemas, version=spec["info"]["version"]
    )
