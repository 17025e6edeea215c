"""Every list exports: `?export=csv` or `?export=json` on any paged API list returns the whole list as a file.

How it works: an ASGI middleware sees the `export` parameter, removes it and calls the same route again inside
the same request — with the caller's own credentials, so permissions and org-unit scoping are exactly those of the
list — following `next_cursor` page by page (500 items a page) until the end, then writes every item as one
formula-escaped CSV (`platform.safety.csvsafe`; nested values JSON-encoded) or one JSON array, as an attachment.
A list longer than `MAX_ITEMS` (100,000) is refused with a located error rather than cut short: narrow it with
the list's filters. A body that is not a list (`{items, next_cursor}` or a JSON array) is refused likewise.

Web list pages get an "Export CSV · JSON" link from the `pager` macro: on a page path, `?export=` is served from
the API list with the same path under `/api/v1` (or one registered with `alias()`), with the page's filters.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any

from starlette.requests import Request
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tandem.platform.api.problems import problem
from tandem.platform.db.paging import MAX_LIMIT
from tandem.platform.safety.csvsafe import MAX_ROWS, iter_csv

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}
MAX_ITEMS = MAX_ROWS
API_PREFIX = "/api/v1"
_aliases: dict[str, str] = {"/audit": "/api/v1/audit/entries", "/admin/users": "/api/v1/auth/users"}
_UNSAFE_NAME = re.compile(r"[^a-z0-9._-]+")


class ExportRefused(Exception):
    """The export cannot be produced; carries the HTTP status and a located reason."""

    def __init__(self, status: int, reason: str, location: str = "query.export") -> None:
        super().__init__(reason)
        self.status, self.reason, self.location = status, reason, location


def alias(page_path: str, api_path: str) -> None:
    """Declare the API list that serves the export of a web page whose path differs from the API's."""
    _aliases[page_path.rstrip("/") or "/"] = api_path


def filename(path: str, fmt: str) -> str:
    """Return the attachment name for a list path: /api/v1/inventory/assets → inventory-assets.csv."""
    stem = path.removeprefix(API_PREFIX).strip("/").replace("/", "-").lower()
    return f"{_UNSAFE_NAME.sub('-', stem).strip('-') or 'export'}.{fmt}"


def cell(value: Any) -> Any:
    """Return a CSV cell value: nested lists and objects as compact JSON, everything else as it is."""
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
    return value


def columns(items: list[Any]) -> list[str]:
    """Return the union of the items' keys in the order they first appear."""
    seen: dict[str, None] = {}
    for item in items:
        for key in item if isinstance(item, dict) else ("value",):
            seen.setdefault(str(key), None)
    return list(seen)


def csv_chunks(items: list[Any]) -> list[bytes]:
    """Render items as one escaped CSV document (a header row from the union of their keys)."""
    header = columns(items)
    rows = ([cell(i.get(c)) for c in header] if isinstance(i, dict) else [cell(i)] for i in items)
    return [chunk.encode() for chunk in iter_csv(rows, header)]


class ExportMiddleware:
    """Answer `?export=csv|json` on list routes with the whole list as a file."""

    def __init__(self, app: ASGIApp, max_items: int = MAX_ITEMS) -> None:
        self.app, self.max_items = app, max_items
        self.router: Any = None  # set by install(): used to find the API twin of a web page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        params = urllib.parse.parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        wanted = [v for k, v in params if k == "export"]
        if scope["type"] != "http" or not wanted or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            fmt = wanted[-1].lower()
            if fmt not in FORMATS:
                raise ExportRefused(422, "must be csv or json")
            path = self._api_path(scope)
            items = await self._collect(scope, path, [(k, v) for k, v in params if k != "export"])
        except ExportRefused as exc:
            response = problem(exc.status, "Export refused", exc.reason, request,
                               [{"location": exc.location, "reason": exc.reason}])  # fmt: skip
            await response(scope, receive, send)
            return
        except _Passthrough as answer:  # the list itself refused (401, 403, 404, 422 …): answer as it did
            await _replay(send, answer.start, answer.body)
            return
        body = csv_chunks(items) if fmt == "csv" else [json.dumps(items, ensure_ascii=False).encode()]
        headers = [(b"content-type", FORMATS[fmt].encode()),
                   (b"content-disposition", f'attachment; filename="{filename(path, fmt)}"'.encode()),
                   (b"content-length", str(sum(map(len, body))).encode()), (b"cache-control", b"no-store")]  # fmt: skip
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else b"".join(body)})

    def _api_path(self, scope: Scope) -> str:
        path: str = scope["path"]
        if path.startswith(API_PREFIX + "/"):
            return path
        candidate = _aliases.get(path.rstrip("/") or "/", API_PREFIX + path.rstrip("/"))
        if self.router is not None and not self._routed(scope, candidate):
            raise ExportRefused(404, "this page has no list in the REST API to export", "path")
        return candidate

    def _routed(self, scope: Scope, path: str) -> bool:
        probe = {**scope, "path": path, "method": "GET"}
        return any(route.matches(probe)[0] is Match.FULL for route in self.router.routes)

    async def _collect(self, scope: Scope, path: str, params: list[tuple[str, str]]) -> list[Any]:
        base = [(k, v) for k, v in params if k != "cursor"]
        cursor = next((v for k, v in params if k == "cursor"), None)
        use_limit = not any(k == "limit" for k, _ in base)
        items: list[Any] = []
        while True:
            query = base + ([("limit", str(MAX_LIMIT))] if use_limit else []) + ([("cursor", cursor)] if cursor else [])
            start, body = await self._call(scope, path, query)
            if start["status"] == 422 and use_limit and not items:
                use_limit = False  # a list with a smaller page cap: let it choose its own page size
                continue
            if start["status"] != 200:
                raise _Passthrough(start, body)
            page, cursor = _page_of(body)
            items.extend(page)
            if len(items) > self.max_items:
                raise ExportRefused(422, f"the list has more than {self.max_items:,} items; narrow it with filters")
            if not cursor:
                return items

    async def _call(self, scope: Scope, path: str, query: list[tuple[str, str]]) -> tuple[Message, bytes]:
        """Run the list route once as the same caller and capture its response."""
        state = {k: v for k, v in (scope.get("state") or {}).items() if k != "principal"}
        sub = {**scope, "method": "GET", "path": path, "raw_path": path.encode(),
               "query_string": urllib.parse.urlencode(query).encode(), "state": state}  # fmt: skip
        start: Message = {"status": 500, "headers": []}
        chunks: list[bytes] = []

        async def empty_receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(sub, empty_receive, capture)
        return start, b"".join(chunks)


class _Passthrough(Exception):
    def __init__(self, start: Message, body: bytes) -> None:
        super().__init__(start.get("status"))
        self.start, self.body = start, body


async def _replay(send: Send, start: Message, body: bytes) -> None:
    await send({"type": "http.response.start", "status": start["status"], "headers": start.get("headers", [])})
    await send({"type": "http.response.body", "body": body})


def _page_of(body: bytes) -> tuple[list[Any], str | None]:
    """Return (items, next cursor) of a list response; refuse anything that is not a list."""
    try:
        data = json.loads(body)
    except ValueError:
        raise ExportRefused(422, "this address does not answer a JSON list") from None
    if isinstance(data, list):
        return data, None
    if isinstance(data, dict) and isinstance(data.get("items"), list) and "next_cursor" in data:
        cursor = data["next_cursor"]
        return data["items"], cursor if isinstance(cursor, str) and cursor else None
    raise ExportRefused(422, "this address does not answer a list (items and next_cursor)")


def install(app: Any) -> None:
    """Add the export middleware to a FastAPI app (inside the security middleware, which must be added after)."""
    app.add_middleware(ExportMiddleware)
    # Starlette builds the middleware stack lazily; give the instance the route table once it exists.
    original = app.build_middleware_stack

    def build() -> ASGIApp:
        stack = original()
        node: Any = stack
        while node is not None:
            if isinstance(node, ExportMiddleware):
                node.router = app.router
                break
            node = getattr(node, "app", None)
        return stack

    app.build_middleware_stack = build
