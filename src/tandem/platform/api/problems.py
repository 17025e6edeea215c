"""Map errors to RFC 9457 problem responses with field-located details."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from tandem.platform.audit import denials
from tandem.platform.db.sqlite_lock import WriteLockTimeout
from tandem.platform.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TandemError,
    TooManyRequests,
)
from tandem.platform.web.errors import error_page, wants_html

log = logging.getLogger("tandem.api")
STATUS: dict[type[TandemError], int] = {
    NotFound: 404, PermissionDenied: 403, NotAuthenticated: 401, Conflict: 409,
    InvalidInput: 422, TooManyRequests: 429,
}  # fmt: skip
PROBLEM = "application/problem+json"


def status_of(exc: TandemError) -> int:
    """Return the HTTP status for a domain error."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def problem(
    status: int, title: str, detail: str, request: Request, errors: list[dict[str, str]] | None = None
) -> Response:
    """Build an application/problem+json response (or an error page for browser paths)."""
    if wants_html(request):
        if errors:
            detail = "; ".join(f"{e['location']}: {e['reason']}" for e in errors)
        return error_page(request, status, detail)
    body: dict[str, Any] = {
        "type": "about:blank", "title": title, "status": status, "detail": detail,
        "instance": str(request.url.path), "request_id": getattr(request.state, "request_id", None),
    }  # fmt: skip
    if errors:
        body["errors"] = errors
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    return ".".join(parts) if parts else "body"


def _validation_message(err: dict[str, Any]) -> str:
    if err.get("type") == "extra_forbidden":
        return "unknown field"
    if err.get("type") == "json_invalid":
        return f"malformed JSON: {err.get('ctx', {}).get('error', 'cannot parse')}"
    return str(err.get("msg", "invalid value"))


def install(app: FastAPI) -> None:
    """Register the exception handlers on app."""

    @app.exception_handler(TandemError)
    async def _domain(request: Request, exc: TandemError) -> Response:
        await denials.note_refusal(request, exc)
        errors = None
        located = getattr(exc, "errors", None)  # InvalidInput, and a refused write of restricted fields (403)
        if isinstance(exc, InvalidInput) or located:
            errors = [{"location": e.location, "reason": e.reason} for e in located or ()]
        return problem(status_of(exc), exc.title, exc.message, request, errors)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"location": _loc(e.get("loc", ())), "reason": _validation_message(e)} for e in exc.errors()]
        detail = "; ".join(f"{e['location']}: {e['reason']}" for e in errors)
        return problem(422, "Invalid input", detail, request, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return problem(exc.status_code, str(exc.detail), str(exc.detail), request)

    @app.exception_handler(WriteLockTimeout)
    async def _busy(request: Request, exc: WriteLockTimeout) -> Response:
        response = problem(503, "Busy", str(exc), request)
        response.headers["Retry-After"] = "2"
        return response

    @app.exception_handler(IntegrityError)
    async def _clash(request: Request, exc: IntegrityError) -> Response:
        # A uniqueness race (or a check a service missed) is the caller's conflict, not a server error; logged so
        # the missing check gets fixed.
        log.warning("integrity error on %s %s: %s", request.method, request.url.path, exc.orig)
        detail = "this conflicts with an existing record: a value that must be unique is already taken"
        return problem(409, "Conflict", detail, request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "Internal error", "something went wrong on our side; it has been logged", request)
