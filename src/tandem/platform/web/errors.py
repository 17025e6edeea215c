"""Friendly error pages for browsers; API paths keep their problem+json bodies."""

from __future__ import annotations

import urllib.parse

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tandem.platform.web.render import render

TITLES = {
    400: "Bad request", 401: "Please sign in", 403: "Not allowed", 404: "Not found", 405: "Not allowed",
    409: "Conflict", 413: "Too large", 422: "Please check your input", 429: "Too many requests",
    500: "Something went wrong", 503: "Busy",
}  # fmt: skip


def wants_html(request: Request) -> bool:
    """Return whether the error should be a page rather than problem+json."""
    path = request.url.path
    return not path.startswith(("/api/", "/healthz", "/readyz", "/static/"))


def error_page(request: Request, status: int, detail: str) -> Response:
    """Render an error page, or send a signed-out browser to the sign-in page."""
    if status == 401 and request.method == "GET":
        target = urllib.parse.quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return RedirectResponse(f"/login?next={target}", status_code=303)
    if status == 401:
        return RedirectResponse("/login", status_code=303)
    if status == 403 and "one-time password" in detail:
        return RedirectResponse("/account/password", status_code=303)
    title = TITLES.get(status, "Error")
    request_id = getattr(request.state, "request_id", None)
    response: HTMLResponse = render(
        request, "platform/error.html", status, title=title, detail=detail, request_id=request_id
    )
    return response
