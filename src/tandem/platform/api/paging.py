"""The list convention in the REST API: ?limit, ?cursor, ?sort, ?q and declared filters.

Every list that answers a PageOut (items + next_cursor) also answers ?export=csv|json with the whole list as a file;
platform/api/export.py does that around the route, so list routes need nothing for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from fastapi import Request
from pydantic import BaseModel

from tandem.platform.db.paging import ListSpec, Page, PageRequest

T = TypeVar("T")


class PageOut(BaseModel, Generic[T]):
    """A page of items and the cursor for the next one (null at the end)."""

    items: list[T]
    next_cursor: str | None


def page_request(request: Request, spec: ListSpec) -> PageRequest:
    """Parse and validate the list parameters of a request."""
    return PageRequest.parse(spec, dict(request.query_params))


def page_out(page: Page[Any], convert: Callable[[Any], T]) -> dict[str, Any]:
    """Serialise a page with convert applied to every item."""
    items: Sequence[Any] = page.items
    return {"items": [convert(i) for i in items], "next_cursor": page.next_cursor}
