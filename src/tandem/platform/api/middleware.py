"""Pure-ASGI middleware: request ids, body size limit, security headers on every response."""

from __future__ import annotations

import json
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tandem.platform.api import accesslog

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class TooLargeBody(Exception):
    """The request body passed the configured limit."""


class SecurityMiddleware:
    """Give each request an id, cap its body, and add security headers to each response."""

    def __init__(self, app: ASGIApp, max_body: int, max_upload: int = 0, force_hsts: bool = False) -> None:
        self.app, self.max_body, self.force_hsts = app, max_body, force_hsts
        # File uploads (multipart) may be as large as the upload limit plus room for the form fields.
        self.max_upload = max(max_upload + 1024 * 1024, max_body)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        accesslog.REQUEST_ID.set(request_id)
        headers = dict(scope.get("headers") or [])
        limit = self.max_upload if headers.get(b"content-type", b"").startswith(b"multipart/") else self.max_body
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(send, limit)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLargeBody()
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = self._headers(scope, list(message.get("headers", [])), request_id)
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except TooLargeBody:
            if not started:
                await _too_large(send, limit)
        except Exception:
            # Starlette answers unexpected errors in its outermost layer, outside this one, so a 500 lacked every
            # security header and its request id. Answer here through the same problem builder, then re-raise: the
            # outer layer still runs the logging handler and, seeing the response started, sends nothing more.
            if not started:
                from starlette.requests import Request

                from tandem.platform.api.problems import problem

                response = problem(500, "Internal error", "something went wrong on our side; it has been logged",
                                   Request(scope, limited_receive))  # fmt: skip
                await response(scope, limited_receive, send_with_headers)
            raise

    def _headers(self, scope: Scope, headers: list[Any], request_id: str) -> list[Any]:
        headers = [(k, _with_charset(v) if k.lower() == b"content-type" else v) for k, v in headers]
        names = {k.lower() for k, _ in headers}
        extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
        content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
        if b"content-security-policy" not in names:
            extra.append((b"content-security-policy", CSP.encode()))
        if content_type.startswith(b"text/html") or b"cache-control" not in names:
            extra.append((b"cache-control", b"no-store"))
        if scope.get("scheme") == "https" or self.force_hsts:
            extra.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
        extra.append((b"x-request-id", request_id.encode()))
        return headers + extra


def _with_charset(content_type: bytes) -> bytes:
    """JSON bodies are UTF-8; say so, so no client guesses another encoding (ASVS V4.1.1)."""
    if b"charset" not in content_type and content_type.split(b";")[0].strip().endswith(b"json"):
        return content_type + b"; charset=utf-8"
    return content_type


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps(
        {"type": "about:blank", "title": "Payload too large", "status": 413,
         "detail": f"the request body is larger than the limit of {limit} bytes"}
    ).encode()  # fmt: skip
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", b"application/problem+json; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        *SECURITY_HEADERS, (b"content-security-policy", CSP.encode()),
    ]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})
